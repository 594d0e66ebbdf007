import { configArea, int, str, url, type Env } from './env.js';
import { defineSettings } from './settings.js';

export const mailSettings = defineSettings('Mail', {
  SMTP_URL: 'SMTP server with credentials, e.g. `smtps://user:pass@smtp.example.com:465`. Unset: in development each mail (links included) is written to the log; in production mail is dropped with a warning and bodies are never logged',
  MAIL_FROM: 'sender of every mail',
  PRODUCT_NAME: 'product name in mail subjects and bodies (and the default `MFA_ISSUER`)',
  MAIL_POLL_INTERVAL_MS: 'how often the outbox worker looks for due mail, ms (new mail is sent at once anyway)',
  MAIL_RETRY_BASE_MS: 'first retry delay after a failed delivery, ms; it doubles per attempt',
  MAIL_RETRY_MAX_DELAY_MS: 'longest retry delay, ms',
  MAIL_MAX_ATTEMPTS: 'attempts before a mail is given up (it stays in `mail_outbox` with its last error)',
  SMTP_TIMEOUT_MS: 'SMTP connection, greeting and socket timeout, ms',
  MAIL_LEASE_MS: 'how long other instances leave a mail alone while one composes and sends it, ms; also the wait before retrying a mail whose failure could not be recorded (keep it well above the SMTP timeout)',
  MAIL_OUTBOX_STALL_SECONDS: "`/health/ready` reports the outbox as `stalled` once the oldest mail still to be sent has waited this long, seconds. It stays a 200 (`status: degraded`): the outbox is shared, so every instance would see the same, and taking them all out of the load balancer would stop sign-ins as well as mail",
});

export function loadMailConfig(source: Env = process.env) {
  const env = mailSettings.read(source);
  return {
    /** smtp:// or smtps:// URL with credentials; unset in development: mails are written to the log. */
    smtpUrl: url(env, 'SMTP_URL', undefined, ['smtp:', 'smtps:']),
    from: str(env, 'MAIL_FROM', 'Auth Service <no-reply@localhost>'),
    productName: str(env, 'PRODUCT_NAME', 'Auth Service'),
    /** How often the outbox worker looks for due mail when nothing woke it. */
    pollIntervalMs: int(env, 'MAIL_POLL_INTERVAL_MS', 2000, 50, 60000),
    /** First retry delay; it doubles per failed attempt up to MAIL_RETRY_MAX_DELAY_MS. */
    retryBaseMs: int(env, 'MAIL_RETRY_BASE_MS', 5000, 10, 3600000),
    retryMaxDelayMs: int(env, 'MAIL_RETRY_MAX_DELAY_MS', 10 * 60 * 1000, 10, 24 * 3600000),
    /** After this many failed attempts a mail is given up on (kept in the outbox with its last error). */
    maxAttempts: int(env, 'MAIL_MAX_ATTEMPTS', 50, 1, 1000),
    smtpTimeoutMs: int(env, 'SMTP_TIMEOUT_MS', 10000, 100, 120000),
    /** How long other instances leave a mail alone while one composes and sends it; also the wait before retrying a mail whose failure could not be recorded. */
    leaseMs: int(env, 'MAIL_LEASE_MS', 60000, 1000, 3600000),
    /** Readiness calls the outbox stalled once its oldest pending mail has waited this long. */
    stallSeconds: int(env, 'MAIL_OUTBOX_STALL_SECONDS', 300, 10, 7 * 24 * 3600),
  };
}

export type MailConfig = ReturnType<typeof loadMailConfig>;
export const mailConfig = configArea<MailConfig>('mail');
