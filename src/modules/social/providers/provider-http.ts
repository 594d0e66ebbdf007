import { Injectable, Inject } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { socialConfig } from '../../../config/social.config.js';
import { OAuthTokenInvalidError, ServiceUnavailableError } from '../../../common/errors/app-error.js';

/**
 * Calls to providers with a time limit: a provider that is down or slow is a 503 within
 * SOCIAL_HTTP_TIMEOUT_MS, never a hang; a 4xx from the provider means it refused the token.
 * openid-client makes its requests through `fetch` too.
 */
@Injectable()
export class ProviderHttp {
  constructor(@Inject(socialConfig.KEY) private readonly config: ConfigType<typeof socialConfig>) {}

  /** The provider's answer below 500; a 503 error when it is down, slow or failing. */
  readonly fetch = async (url: string | URL, init: RequestInit = {}): Promise<Response> => {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.config.timeoutMs), redirect: 'error' });
    } catch {
      throw new ServiceUnavailableError('The sign-in provider did not answer in time, try again later.');
    }
    if (response.status >= 500) throw new ServiceUnavailableError('The sign-in provider is unavailable, try again later.');
    return response;
  };

  async json<T = any>(url: string, init: RequestInit = {}): Promise<T> {
    const response = await this.fetch(url, { ...init, headers: { Accept: 'application/json', ...(init.headers ?? {}) } });
    if (!response.ok) throw new OAuthTokenInvalidError();
    try {
      return (await response.json()) as T;
    } catch {
      throw new OAuthTokenInvalidError();
    }
  }
}
