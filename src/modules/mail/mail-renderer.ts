import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { appConfig } from '../../config/app.config.js';
import { frontendUrl } from '../../common/http/frontend-url.js';
import { mailConfig } from '../../config/mail.config.js';
import { isMailTemplate, renderMail, type RenderedMail } from './mail-templates.js';

/** The templates with this service's product name and frontend. */
@Injectable()
export class MailRenderer {
  constructor(
    @Inject(mailConfig.KEY) private readonly mail: ConfigType<typeof mailConfig>,
    @Inject(appConfig.KEY) private readonly app: ConfigType<typeof appConfig>,
  ) {}

  render(template: string, extra: { link?: string; expiresInMinutes?: number } = {}): RenderedMail {
    if (!isMailTemplate(template)) throw new Error(`no mail template "${template}"`);
    return renderMail(template, { productName: this.mail.productName, frontendBaseUrl: this.app.frontendBaseUrl, ...extra });
  }

  /** A link into the frontend; never built from the request's Host header (SECURITY.md 19). */
  frontendLink(path: string, params: Record<string, string>): string {
    return frontendUrl(this.app.frontendBaseUrl, path, params);
  }
}
