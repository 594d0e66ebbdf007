import { configArea, bool, ConfigError, int, oneOf, str, type Env } from './env.js';

export const VERIFICATION_MODES = ['none', 'optional', 'mandatory'] as const;
export type VerificationMode = (typeof VERIFICATION_MODES)[number];

function path(env: Env, name: string, fallback: string): string {
  const value = str(env, name, fallback);
  if (!value.startsWith('/')) throw new ConfigError(name, `must be a path starting with "/", got "${value}"`);
  return value;
}

export function loadAccountConfig(env: Env = process.env) {
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
