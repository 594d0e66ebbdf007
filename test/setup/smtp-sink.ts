import { EventEmitter } from 'node:events';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { freePort } from './spawn-instance.js';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  html: string;
}

/** A real SMTP server on loopback that keeps what it receives, for tests to read. */
/** A message held in its DATA phase: the sender has sent it and waits for the answer. */
export interface HeldMail {
  /** Resolves when the next message is held. */
  arrived: Promise<void>;
  /** Accepts it (250): it counts as delivered from then on. */
  release(): void;
}

export class SmtpSink {
  readonly messages: ReceivedMail[] = [];
  private readonly events = new EventEmitter();
  private server?: SMTPServer;
  private holds: { arrived: () => void; released: Promise<void> }[] = [];
  private readonly closed = new Set<string>();

  private constructor(readonly port: number) {}

  static async start(port?: number): Promise<SmtpSink> {
    const sink = new SmtpSink(port ?? (await freePort()));
    await sink.listen();
    return sink;
  }

  /** Reserves a port with nothing listening yet, for "SMTP is down" tests; call listen() to bring it up. */
  static async reserve(): Promise<SmtpSink> {
    return new SmtpSink(await freePort());
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<void> {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      // No reverse DNS of the client: this machine has no resolver for it, and each lookup stalls a delivery.
      disableReverseLookup: true,
      logger: false,
      onClose: (session) => {
        this.closed.add(session.id);
        this.events.emit('closed');
      },
      onData: (stream, session, callback) => {
        const hold = this.holds.shift();
        hold?.arrived();
        const accepted = hold ? this.heldUntil(hold.released, session.id) : Promise.resolve(true);
        Promise.all([simpleParser(stream), accepted])
          .then(([parsed, accepted]) => {
            // A sender gone before the answer did not deliver: its mail is not counted.
            if (!accepted) return;
            const to = [parsed.to].flat().flatMap((address) => address?.value.map((entry) => entry.address ?? '') ?? []);
            this.messages.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', html: typeof parsed.html === 'string' ? parsed.html : '' });
            this.events.emit('mail');
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Holds the next message before it is accepted, until release(); a sender that disconnects meanwhile has not delivered it. */
  holdNext(): HeldMail {
    let arrived!: () => void;
    let release!: () => void;
    const held: HeldMail = { arrived: new Promise((resolve) => (arrived = resolve)), release: () => release() };
    this.holds.push({ arrived, released: new Promise((resolve) => (release = resolve)) });
    return held;
  }

  /** True once released, false if the sender's connection closes first. */
  private heldUntil(released: Promise<void>, sessionId: string): Promise<boolean> {
    return new Promise((resolve) => {
      const onClosed = () => {
        if (!this.closed.has(sessionId)) return;
        this.events.off('closed', onClosed);
        resolve(false);
      };
      this.events.on('closed', onClosed);
      void released.then(() => {
        this.events.off('closed', onClosed);
        resolve(true);
      });
    });
  }

  async stop(): Promise<void> {
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()));
    this.server = undefined;
  }

  to(address: string): ReceivedMail[] {
    return this.messages.filter((mail) => mail.to.some((to) => to.toLowerCase() === address.toLowerCase()));
  }

  /** Resolves with the `count`-th mail to `address` matching `subject` as soon as it arrives (event-driven, no sleep). */
  waitFor(address: string, subject: RegExp, count = 1, timeoutMs = 10_000): Promise<ReceivedMail> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.to(address).filter((mail) => subject.test(mail.subject))[count - 1];
        if (!found) return;
        clearTimeout(timer);
        this.events.off('mail', check);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.events.off('mail', check);
        reject(new Error(`no mail #${count} to ${address} matching ${subject} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.events.on('mail', check);
      check();
    });
  }
}

/** The first link in a mail's text part that starts with `prefix`. */
export function linkIn(mail: ReceivedMail, prefix: string): URL {
  const match = mail.text.split(/\s+/).find((word) => word.startsWith(prefix));
  if (!match) throw new Error(`no link starting with ${prefix} in:\n${mail.text}`);
  return new URL(match);
}
