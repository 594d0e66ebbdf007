import { Injectable } from '@nestjs/common';
import type { RenderedMail } from './mail-templates.js';
import { MailRenderer } from './mail-renderer.js';

/** What a queued mail needs to be written: ids and settings, never a secret (SECURITY.md 35). */
export type MailParams = Record<string, string>;

export interface MailRecipient {
  to: string;
  params: MailParams;
}

/**
 * Writes one kind of mail at delivery time. A secret the mail carries (a reset token, a
 * verification key) is created in compose() and lives only in the mail it returns, so the
 * outbox never stores one; a retry composes again, with a fresh secret.
 */
export interface MailComposer {
  /** For a request row (an address typed by someone): who gets the mail, decided once; null ends the row with no mail. */
  resolve?(address: string): Promise<MailRecipient | null>;
  /** The mail to send now; null when there is no longer anything to send (the account changed meanwhile). */
  compose(recipient: MailRecipient): Promise<RenderedMail | null>;
}

/**
 * The composers by mail kind. Modules that queue mail with secrets register theirs at start
 * (auth → mail, never the other way); a kind nobody registered is a plain notice, rendered
 * from its template alone.
 */
@Injectable()
export class MailComposers {
  private readonly composers = new Map<string, MailComposer>();

  constructor(private readonly renderer: MailRenderer) {}

  register(kind: string, composer: MailComposer): void {
    if (this.composers.has(kind)) throw new Error(`a mail composer for "${kind}" is already registered`);
    this.composers.set(kind, composer);
  }

  get(kind: string): MailComposer {
    return this.composers.get(kind) ?? { compose: async () => this.renderer.render(kind) };
  }
}
