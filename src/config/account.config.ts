import { configArea, bool, ConfigError, int, oneOf, str, type Env } from './env.js';
import { defineSettings, type SettingsEnv } from './settings.js';

export const VERIFICATION_MODES = ['none', 'optional', 'mandatory'] as const;
export type VerificationMode = (typeof VERIFICATION_MODES)[number];

export const accountSettings = defineSettings('Account lifecycle', {
  ACCOUNT_EMAIL_VERIFICATION: '`mandatory`: signup returns no tokens and login is refused (`403 email_not_verified`) until the address is verified; `optional`: verification is offered, not required (see docs/api.md)',
  REGISTER_EMAIL_CONFIRM_PATH: 'frontend path appended to `FRONTEND_BASE_URL` for the verification link (`?key=…`)',
  PASSWORD_RESET_CONFIRM_PATH: 'frontend path appended to `FRONTEND_BASE_URL` for the reset link (`?uid=…&token=…`)',
  PASSWORD_RESET_TIMEOUT: 'seconds a password reset link stays valid',
  EMAIL_VERIFICATION_TIMEOUT: 'seconds an e-mail verification key stays valid (default 3 days)',
  LOGOUT_ON_PASSWORD_CHANGE: "a password change ends the user's other sessions (the session that changed it stays)",
  ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR: 'verification resends and reset mails per address per hour; past it the answer is the same and no mail is queued',
});

function path<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>, fallback: string): string {
  const value = str(env, name, fallback);
  if (!value.startsWith('/')) throw new ConfigError(name, `must be a path starting with "/", got "${value}"`);
  return value;
}

export function loadAccountConfig(source: Env = process.env) {
  const env = accountSettings.read(source);
  return {
    emailVerification: oneOf(env, 'ACCOUNT_EMAIL_VERIFICATION', VERIFICATION_MODES, 'optional'),
    emailConfirmPath: path(env, 'REGISTER_EMAIL_CONFIRM_PATH', '/verify-email'),
    passwordResetPath: path(env, 'PASSWORD_RESET_CONFIRM_PATH', '/reset-password'),
    /** Seconds a password reset link stays valid. */
    passwordResetTimeout: int(env, 'PASSWORD_RESET_TIMEOUT', 60 * 60, 60, 7 * 24 * 3600),
    /** Seconds an e-mail verification key stays valid. */
    emailVerificationTimeout: int(env, 'EMAIL_VERIFICATION_TIMEOUT', 3 * 24 * 3600, 60, 30 * 24 * 3600),
    logoutOnPasswordChange: bool(env, 'LOGOUT_ON_PASSWORD_CHANGE', true),
    /** Verification and reset mails per address per hour; further requests get the same answer and no mail. */
    mailsPerAddressPerHour: int(env, 'ACCOUNT_MAILS_PER_ADDRESS_PER_HOUR', 5, 1, 1000),
  };
}

export type AccountConfig = ReturnType<typeof loadAccountConfig>;
export const accountConfig = configArea<AccountConfig>('account');
