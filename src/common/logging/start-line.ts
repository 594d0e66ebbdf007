import { resolve } from 'node:path';
import type { AppConfig } from '../../config/app.config.js';
import type { DatabaseConfig } from '../../config/database.config.js';
import type { MailConfig } from '../../config/mail.config.js';

function database(config: DatabaseConfig): string {
  if (config.url === undefined) {
    return config.dataDir.startsWith('memory://') ? 'embedded PGlite in memory (DATA_DIR=memory://)' : `embedded PGlite in ${resolve(config.dataDir)}`;
  }
  const url = new URL(config.url);
  return `PostgreSQL ${url.host}${url.pathname}`;
}

function mail(config: MailConfig): string {
  return config.smtpUrl === undefined ? 'logged, not sent (no SMTP_URL)' : `SMTP ${new URL(config.smtpUrl).host}`;
}

/** The one line a start ends with: where to go, and what the service is running on. Never a password. */
export function startLine(app: AppConfig, db: DatabaseConfig, mailConfig: MailConfig, port: number, adminUi = false): { fields: Record<string, string>; message: string } {
  const local = app.host === '0.0.0.0' || app.host === '::' ? 'localhost' : app.host.includes(':') ? `[${app.host}]` : app.host;
  const base = (app.publicUrl ?? `http://${local}:${port}`).replace(/\/+$/, '');
  const fields: Record<string, string> = { url: base };
  if (app.swaggerEnabled) fields.swaggerUi = `${base}/api/docs/`;
  fields.database = database(db);
  fields.mail = mail(mailConfig);
  if (app.devUi) fields.devPage = `${base}/api/auth/ui/`;
  if (adminUi) fields.adminPage = `${base}/api/admin/ui/`;
  const parts = [
    `Auth service ready on ${base}`,
    fields.swaggerUi && `Swagger UI: ${fields.swaggerUi}`,
    `database: ${fields.database}`,
    `mail: ${fields.mail}`,
    fields.devPage && `developer page: ${fields.devPage}`,
    fields.adminPage && `admin page: ${fields.adminPage}`,
  ];
  return { fields, message: parts.filter(Boolean).join(' — ') };
}
