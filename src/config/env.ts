import { registerAs } from '@nestjs/config';
import { declaredValue, type SettingsEnv } from './settings.js';

export type { Env } from './settings.js';

/**
 * Typed readers for environment variables. Each one names the variable in its error so a
 * bad deployment stops at boot with a message an operator can act on. They read only settings
 * an area declared (settings.ts), and tell the declaration what docs/configuration.md prints:
 * the type, the default and the range.
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`${variable} ${problem}`);
    this.name = 'ConfigError';
  }
}

export function str<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>, fallback: string): string;
export function str<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>): string | undefined;
export function str<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>, fallback?: string): string | undefined {
  return declaredValue(env, name, { name, kind: 'text', fallback }) ?? fallback;
}

export function int<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>, fallback: number, min: number, max: number): number {
  const value = declaredValue(env, name, { name, kind: 'integer', fallback, min, max });
  if (value === undefined) return fallback;
  if (!/^-?\d+$/.test(value)) throw new ConfigError(name, `must be a whole number, got "${value}"`);
  const parsed = Number(value);
  if (parsed < min || parsed > max) {
    throw new ConfigError(name, `must be between ${min} and ${max}, got ${parsed}`);
  }
  return parsed;
}

export function bool<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>, fallback: boolean): boolean {
  const value = declaredValue(env, name, { name, kind: 'boolean', fallback })?.toLowerCase();
  if (value === undefined) return fallback;
  if (['true', '1', 'yes', 'on'].includes(value)) return true;
  if (['false', '0', 'no', 'off'].includes(value)) return false;
  throw new ConfigError(name, `must be true or false, got "${value}"`);
}

export function oneOf<N extends string, T extends string>(env: SettingsEnv<N>, name: NoInfer<N>, allowed: readonly T[], fallback: T): T {
  const value = declaredValue(env, name, { name, kind: 'choice', fallback, allowed });
  if (value === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  }
  return value as T;
}

export function url<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>, fallback: string, protocols: string[]): string;
export function url<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>, fallback: undefined, protocols: string[]): string | undefined;
export function url<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>, fallback: string | undefined, protocols: string[]): string | undefined {
  const value = declaredValue(env, name, { name, kind: 'url', fallback, allowed: protocols }) ?? fallback;
  if (value === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new ConfigError(name, `must be a URL, got "${redactUrl(value)}"`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
  }
  return value;
}

/** Hides credentials when a URL is echoed in an error message. */
function redactUrl(value: string): string {
  return value.replace(/\/\/[^@/]*@/, '//***@');
}

export function list<N extends string>(env: SettingsEnv<N>, name: NoInfer<N>): string[] {
  return (declaredValue(env, name, { name, kind: 'list' }) ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/**
 * The injection token and value type of one config area (inject it as `authConfig.KEY`). The
 * value is the one loadConfig() read at start; the environment is never read again through it.
 */
export function configArea<T extends Record<string, unknown>>(area: string) {
  return registerAs(area, (): T => {
    throw new Error(`the "${area}" config is provided by loadConfig(), not loaded again`);
  });
}
