import type { Response } from 'supertest';

/**
 * The `oauth_state` cookie a redirect start set, as the browser sends it back to the callback
 * (`Cookie: oauth_state=…`): only the browser that started a flow may finish it.
 */
export function stateCookie(start: Response): string {
  const cookies = ([] as string[]).concat(start.headers['set-cookie'] ?? []);
  const cookie = cookies.find((line) => line.startsWith('oauth_state='));
  if (!cookie) throw new Error(`the redirect start set no oauth_state cookie: ${JSON.stringify(cookies)}`);
  return cookie.split(';')[0];
}
