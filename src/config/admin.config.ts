import { appSettings } from './app.config.js';
import { configArea, bool, ConfigError, str, type Env } from './env.js';
import { defineSettings } from './settings.js';

export const adminSettings = defineSettings('Operators', {
  ADMIN_REQUIRE_MFA: {
    doc: 'staff must have MFA on, and have signed in with it, to use the admin API and page (`403 admin_mfa_required` otherwise)',
    default: '`true` when `NODE_ENV=production`, else `false`',
  },
  ADMIN_UI: 'serve the admin page at `/api/admin/ui/` (staff sign in on it; the data comes from the admin API)',
  ADMIN_BOOTSTRAP_EMAIL: 'with `ADMIN_BOOTSTRAP_PASSWORD`: the first start creates this superuser when no superuser exists (later starts do nothing)',
  ADMIN_BOOTSTRAP_PASSWORD: 'the bootstrap superuser\'s password; the password policy applies. Never logged',
});

export function loadAdminConfig(source: Env = process.env) {
  const env = adminSettings.read(source, appSettings);
  const bootstrapEmail = str(env, 'ADMIN_BOOTSTRAP_EMAIL')?.trim() || undefined;
  const bootstrapPassword = str(env, 'ADMIN_BOOTSTRAP_PASSWORD') || undefined;
  if (bootstrapEmail && !bootstrapPassword) throw new ConfigError('ADMIN_BOOTSTRAP_PASSWORD', 'must be set with ADMIN_BOOTSTRAP_EMAIL');
  if (bootstrapPassword && !bootstrapEmail) throw new ConfigError('ADMIN_BOOTSTRAP_EMAIL', 'must be set with ADMIN_BOOTSTRAP_PASSWORD');
  return {
    requireMfa: bool(env, 'ADMIN_REQUIRE_MFA', env.NODE_ENV === 'production'),
    ui: bool(env, 'ADMIN_UI', false),
    /** Both set, or neither; the address and the password are checked when the superuser is created. */
    bootstrap: bootstrapEmail && bootstrapPassword ? { email: bootstrapEmail, password: bootstrapPassword } : null,
  };
}

export type AdminConfig = ReturnType<typeof loadAdminConfig>;
export const adminConfig = configArea<AdminConfig>('admin');
