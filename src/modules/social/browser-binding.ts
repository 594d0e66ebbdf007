import type { FastifyReply, FastifyRequest } from 'fastify';
import { callbackUrl, type ProviderName } from './providers/registry.js';

const COOKIE = 'oauth_state';
const FLOW_SECONDS = 10 * 60;

/**
 * Binds a browser redirect flow to the browser that started it (RFC 9700 §4.7, login CSRF): the
 * state also goes into an HttpOnly cookie scoped to the provider's callback path, and a callback
 * is accepted only with the cookie of its own state. Without it, anyone could start a flow with
 * their own provider account and send someone else the callback link, signing that person into
 * the sender's account. SameSite=Lax: the provider's redirect back is a top-level GET, which
 * carries Lax cookies.
 */
export class BrowserBinding {
  constructor(private readonly publicUrl: string) {}

  private options(provider: ProviderName) {
    return { httpOnly: true, sameSite: 'lax', secure: this.publicUrl.startsWith('https:'), path: new URL(callbackUrl(this.publicUrl, provider)).pathname } as const;
  }

  /** At the start: remembers the state sent to the provider (it is in the authorization URL). */
  bind(reply: FastifyReply, provider: ProviderName, authorizationUrl: string): void {
    const state = new URL(authorizationUrl).searchParams.get('state');
    if (state) reply.setCookie(COOKIE, state, { ...this.options(provider), maxAge: FLOW_SECONDS });
  }

  /** At the callback: the state this browser started with, if any; the cookie is spent either way. */
  take(request: FastifyRequest, reply: FastifyReply, provider: ProviderName): string | undefined {
    const state = request.cookies?.[COOKIE];
    if (state !== undefined) reply.clearCookie(COOKIE, this.options(provider));
    return state;
  }
}
