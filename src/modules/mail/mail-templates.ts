/** The mails the service sends; each has a plain-text and an HTML part. */
const TEMPLATES = ['verify_email', 'password_reset', 'password_changed', 'password_reset_done', 'email_verified', 'unverified_credentials_revoked', 'mfa_reset'] as const;
export type MailTemplate = (typeof TEMPLATES)[number];

export function isMailTemplate(name: string): name is MailTemplate {
  return (TEMPLATES as readonly string[]).includes(name);
}

export interface MailContext {
  productName: string;
  frontendBaseUrl: string;
  /** The action link (verification or reset), for the templates that carry one. */
  link?: string;
  expiresInMinutes?: number;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

interface Content {
  subject: string;
  lines: string[];
  action?: { label: string; url: string };
  footer: string;
}

function layout(ctx: MailContext, content: Content): RenderedMail {
  const text = [
    ...content.lines,
    ...(content.action ? ['', `${content.action.label}: ${content.action.url}`] : []),
    '',
    content.footer,
    '',
    `— ${ctx.productName}`,
  ].join('\n');
  const paragraphs = content.lines.filter(Boolean).map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  const button = content.action
    ? `<p><a href="${escapeHtml(content.action.url)}" style="display:inline-block;padding:10px 16px;background:#2d5bd7;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(content.action.label)}</a></p>\n<p style="font-size:12px;color:#555">${escapeHtml(content.action.url)}</p>`
    : '';
  const html = `<!doctype html>
<html><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#222">
<h2>${escapeHtml(ctx.productName)}</h2>
${paragraphs}
${button}
<p style="font-size:12px;color:#555">${escapeHtml(content.footer)}</p>
</body></html>`;
  return { subject: `${ctx.productName}: ${content.subject}`, text, html };
}

function required(link: string | undefined): string {
  // A link is made at send time; rendering one of these mails without it is a bug, not a blank link.
  if (!link) throw new Error('this mail needs its link');
  return link;
}

const IGNORE = 'If you did not ask for this, you can ignore this message.';
const ALARM = (ctx: MailContext) => `If this was not you, reset your password at ${ctx.frontendBaseUrl} and review your sessions.`;

export function renderMail(template: MailTemplate, ctx: MailContext): RenderedMail {
  switch (template) {
    case 'verify_email':
      return layout(ctx, {
        subject: 'Confirm your e-mail address',
        lines: ['Please confirm that this is your e-mail address.', `The link is valid for ${ctx.expiresInMinutes} minutes.`],
        action: { label: 'Confirm e-mail', url: required(ctx.link) },
        footer: IGNORE,
      });
    case 'password_reset':
      return layout(ctx, {
        subject: 'Reset your password',
        lines: ['Someone asked to reset the password of your account.', `The link works once and is valid for ${ctx.expiresInMinutes} minutes.`],
        action: { label: 'Choose a new password', url: required(ctx.link) },
        footer: IGNORE,
      });
    case 'password_changed':
      return layout(ctx, {
        subject: 'Your password was changed',
        lines: ['The password of your account was just changed.'],
        footer: ALARM(ctx),
      });
    case 'password_reset_done':
      return layout(ctx, {
        subject: 'Your password was reset',
        lines: ['The password of your account was just reset, and every session was signed out.'],
        footer: ALARM(ctx),
      });
    case 'email_verified':
      return layout(ctx, {
        subject: 'E-mail address confirmed',
        lines: ['Your e-mail address is now confirmed.'],
        footer: ALARM(ctx),
      });
    case 'mfa_reset':
      return layout(ctx, {
        subject: 'Two-step verification was turned off',
        lines: [
          'An administrator turned off two-step verification on your account, after checking that you asked for it.',
          'Your authenticator app and recovery codes no longer work. You can turn two-step verification on again once you are signed in.',
        ],
        footer: `If you did not ask for this, contact your administrator at once and reset your password at ${ctx.frontendBaseUrl}.`,
      });
    case 'unverified_credentials_revoked':
      return layout(ctx, {
        subject: 'E-mail address confirmed: earlier sign-ins removed',
        lines: [
          'Your e-mail address is now confirmed.',
          'The account had been set up before the address was confirmed, possibly by someone else, so everything added in that time was removed: every session was signed out, two-step verification was turned off and connected sign-in providers were disconnected.',
          `A password set before the confirmation no longer works. To sign in with a password, choose a new one with "Forgot password" at ${ctx.frontendBaseUrl}.`,
        ],
        footer: 'You can turn two-step verification on and connect providers again once you are signed in.',
      });
  }
}
