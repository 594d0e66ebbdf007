import { randomBytes } from 'node:crypto';
import { sameSecret } from '../crypto.js';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import type {} from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authConfig } from '../../config/auth.config.js';
import { cookieConfig } from '../../config/cookie.config.js';
import { CsrfFailedError } from '../errors/app-error.js';

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Token fields of a response body: the pair, or in cookie mode only the expiry times. */
export interface TokenFields {
  access?: string;
  refresh?: string;
  access_expiration?: string;
  refresh_expiration?: string;
}

/**
 * Cookie mode (AUTH_COOKIE=true, SECURITY.md 16): tokens travel in HttpOnly, Secure, SameSite
 * cookies instead of the body, and any unsafe request that a cookie authenticates must echo
 * the CSRF cookie in the CSRF header (double submit). A bearer header, when present, wins.
 */
@Injectable()
export class AuthCookies {
  constructor(
    @Inject(cookieConfig.KEY) readonly config: ConfigType<typeof cookieConfig>,
    @Inject(authConfig.KEY) private readonly auth: ConfigType<typeof authConfig>,
  ) {}

  get enabled(): boolean {
    return this.config.enabled;
  }

  private base() {
    return { secure: this.config.secure, sameSite: this.config.sameSite, domain: this.config.domain } as const;
  }

  /** Sets the access, refresh and CSRF cookies; returns the token expiry times for the body. */
  setTokens(reply: FastifyReply, pair: { access: string; refresh: string }): { access_expiration: string; refresh_expiration: string } {
    const now = Date.now();
    reply.setCookie(this.config.accessName, pair.access, { ...this.base(), httpOnly: true, path: this.config.path, maxAge: this.auth.accessTokenLifetime });
    reply.setCookie(this.config.refreshName, pair.refresh, { ...this.base(), httpOnly: true, path: this.config.refreshPath, maxAge: this.auth.refreshTokenLifetime });
    // Readable by the page's script, which copies it into the CSRF header.
    reply.setCookie(this.config.csrfCookieName, randomBytes(32).toString('base64url'), { ...this.base(), httpOnly: false, path: '/', maxAge: this.auth.refreshTokenLifetime });
    return {
      access_expiration: new Date(now + this.auth.accessTokenLifetime * 1000).toISOString(),
      refresh_expiration: new Date(now + this.auth.refreshTokenLifetime * 1000).toISOString(),
    };
  }

  /**
   * The body of a token response: in cookie mode the tokens go into cookies and the body
   * carries only their expiry times; otherwise the pair is in the body.
   */
  present<T extends object>(reply: FastifyReply, pair: { access: string; refresh: string }, rest: T): T & TokenFields {
    if (this.enabled) return { ...this.setTokens(reply, pair), ...rest };
    return { access: pair.access, refresh: pair.refresh, ...rest };
  }

  clear(reply: FastifyReply): void {
    reply.clearCookie(this.config.accessName, { ...this.base(), path: this.config.path });
    reply.clearCookie(this.config.refreshName, { ...this.base(), path: this.config.refreshPath });
    reply.clearCookie(this.config.csrfCookieName, { ...this.base(), path: '/' });
  }

  accessCookie(request: FastifyRequest): string | undefined {
    return this.enabled ? request.cookies?.[this.config.accessName] : undefined;
  }

  refreshCookie(request: FastifyRequest): string | undefined {
    return this.enabled ? request.cookies?.[this.config.refreshName] : undefined;
  }

  /** Throws unless an unsafe request carries the CSRF header matching the CSRF cookie. */
  assertCsrf(request: FastifyRequest): void {
    if (!UNSAFE.has(request.method)) return;
    const cookie = request.cookies?.[this.config.csrfCookieName];
    const header = request.headers[this.config.csrfHeaderName];
    if (typeof cookie !== 'string' || typeof header !== 'string' || cookie.length === 0) throw new CsrfFailedError();
    if (!sameSecret(cookie, header)) throw new CsrfFailedError();
  }
}
