import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import nodemailer, { type Transporter } from 'nodemailer';
import { appConfig } from '../../config/app.config.js';
import { mailConfig } from '../../config/mail.config.js';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** SMTP through nodemailer when SMTP_URL is set; otherwise (development) mails go to the log, links included. */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transporter?: Transporter;

  private readonly production: boolean;

  constructor(
    @Inject(mailConfig.KEY) private readonly config: ConfigType<typeof mailConfig>,
    @Inject(appConfig.KEY) app: ConfigType<typeof appConfig>,
  ) {
    this.production = app.isProduction;
    if (!config.smtpUrl && this.production) {
      this.logger.warn('SMTP_URL is not set: no mail will be delivered (verification, password reset, notices).');
    }
    if (config.smtpUrl) {
      this.transporter = nodemailer.createTransport({
        url: config.smtpUrl,
        // Pooled connections: a new SMTP session per mail costs about 100 ms of handshakes,
        // which caps delivery near 10 mails/s; the pool reconnects on its own after an outage.
        pool: true,
        connectionTimeout: config.smtpTimeoutMs,
        greetingTimeout: config.smtpTimeoutMs,
        socketTimeout: config.smtpTimeoutMs,
      });
    }
  }

  async send(mail: OutgoingMail): Promise<void> {
    if (!this.transporter) {
      // Development: the whole mail, links included, so flows can be followed without SMTP.
      // Production: never the body, since reset links are secrets.
      if (this.production) this.logger.warn({ mail: { to: mail.to, subject: mail.subject } }, 'mail dropped: SMTP_URL is not set');
      else this.logger.log({ mail: { to: mail.to, subject: mail.subject } }, `mail (no SMTP_URL, not sent):\n${mail.text}`);
      return;
    }
    await this.transporter.sendMail({ from: this.config.from, ...mail });
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }
}
