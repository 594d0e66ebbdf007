import { configArea, int, type Env } from './env.js';
import { defineSettings } from './settings.js';

export const throttleSettings = defineSettings('Throttling', {
  LOGIN_THROTTLE_ACCOUNT_IP_FREE: 'wrong passwords allowed per account from one IP within the window before delays start',
  LOGIN_THROTTLE_ACCOUNT_FREE: 'wrong passwords allowed per account from all IPs together',
  LOGIN_THROTTLE_IP_FREE: 'wrong passwords allowed per IP across all accounts',
  LOGIN_THROTTLE_WINDOW_SECONDS: "counting window, seconds, from a key's first failure",
  LOGIN_THROTTLE_MAX_DELAY_SECONDS: 'longest single block, seconds',
  PUBLIC_RATE_LIMIT_PER_MINUTE: 'requests per minute per client IP to each of signup, password reset, reset confirmation, verification and resend (429 past it)',
});

export function loadThrottleConfig(source: Env = process.env) {
  const env = throttleSettings.read(source);
  return {
    /**
     * Wrong passwords (at login and at every re-entry of the password) allowed per account+IP, per
     * account and per IP within the window before delays start: past them, one more check after
     * 1 s, 2 s, 4 s … up to LOGIN_THROTTLE_MAX_DELAY_SECONDS. A right password clears the account's.
     */
    accountIpFree: int(env, 'LOGIN_THROTTLE_ACCOUNT_IP_FREE', 5, 1, 1000),
    accountFree: int(env, 'LOGIN_THROTTLE_ACCOUNT_FREE', 20, 1, 10000),
    ipFree: int(env, 'LOGIN_THROTTLE_IP_FREE', 100, 1, 100000),
    windowSeconds: int(env, 'LOGIN_THROTTLE_WINDOW_SECONDS', 15 * 60, 10, 24 * 60 * 60),
    maxDelaySeconds: int(env, 'LOGIN_THROTTLE_MAX_DELAY_SECONDS', 15 * 60, 1, 24 * 60 * 60),
    /** Requests per minute per client IP to each open endpoint that writes or mails (signup, reset, resend, verify). */
    publicPerMinute: int(env, 'PUBLIC_RATE_LIMIT_PER_MINUTE', 20, 1, 100000),
  };
}

export type ThrottleConfig = ReturnType<typeof loadThrottleConfig>;
export const throttleConfig = configArea<ThrottleConfig>('throttle');
