import { Injectable, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError, ServiceUnavailableError } from '../../../common/errors/app-error.js';

/**
 * Calls to providers with a time limit: a provider that is down or slow is a 503 within
 * SOCIAL_HTTP_TIMEOUT_MS, never a hang; a 4xx from the provider means it refused the token.
 */
@Injectable()
export class ProviderHttp {
  constructor(@Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>) {}

  get timeoutMs(): number {
    return this.config.timeoutMs;
  }

  async json<T = any>(url: string, init: RequestInit = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, headers: { Accept: 'application/json', ...(init.headers ?? {}) }, signal: AbortSignal.timeout(this.config.timeoutMs), redirect: 'error' });
    } catch {
      throw new ServiceUnavailableError('The sign-in provider did not answer in time, try again later.');
    }
    if (response.status >= 500) throw new ServiceUnavailableError('The sign-in provider is unavailable, try again later.');
    if (!response.ok) throw new OAuthTokenInvalidError();
    try {
      return (await response.json()) as T;
    } catch {
      throw new OAuthTokenInvalidError();
    }
  }
}
