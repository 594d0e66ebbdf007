/**
 * Each config area declares its settings with their documentation (defineSettings), and its
 * loader reads the environment only through that declaration (area.read). The readers of env.ts
 * accept only a declared name, checked by the compiler and again when read, so a setting cannot
 * be read without a description. docs/configuration.md is generated from these declarations and
 * from what the readers are told (type, default, range): `npm run docs:config`.
 */
export type Env = Record<string, string | undefined>;

/**
 * A setting's meaning. `default` and `values` replace what the reader would print, for the few
 * settings whose default is computed (LOG_LEVEL, JWT_SECRET) or whose reader shows only one shape
 * of the value (TRUST_PROXY).
 */
export type SettingDoc = string | { doc: string; default?: string; values?: string };

const DECLARED = Symbol('declared settings');

/** The environment as one loader sees it: only the declared settings, with their values. */
export type SettingsEnv<N extends string> = { readonly [K in N]?: string } & { readonly [DECLARED]: ReadonlySet<string> };

export interface SettingsArea<N extends string> {
  /** Heading of the area in docs/configuration.md. */
  readonly title: string;
  readonly settings: Readonly<Record<N, SettingDoc>>;
  /** The variables of this area, and of the areas it borrows from, as its loader may read them. */
  read<B extends SettingsArea<string>[]>(source: Env, ...borrowed: B): SettingsEnv<N | NamesOf<B[number]>>;
}

type NamesOf<A> = A extends SettingsArea<infer M> ? M : never;

/** One call of a reader: what docs/configuration.md says about the value. */
export interface SettingRead {
  name: string;
  kind: 'text' | 'integer' | 'boolean' | 'choice' | 'url' | 'list';
  fallback?: string | number | boolean;
  min?: number;
  max?: number;
  /** The choices of oneOf, or the protocols of url. */
  allowed?: readonly string[];
}

export interface Recording {
  /** The areas whose loaders ran, in the order they ran. */
  areas: SettingsArea<string>[];
  reads: SettingRead[];
}

/** Set only while recordSettings runs (for the documentation); loading never depends on it. */
let recording: Recording | undefined;

/** Runs load (synchronously) and returns the areas it declared and every reader call it made. */
export function recordSettings(load: () => unknown): Recording {
  const previous = recording;
  const current: Recording = { areas: [], reads: [] };
  recording = current;
  try {
    load();
  } finally {
    recording = previous;
  }
  return current;
}

export function defineSettings<const T extends Record<string, SettingDoc>>(title: string, settings: T): SettingsArea<keyof T & string> {
  const area: SettingsArea<keyof T & string> = {
    title,
    settings,
    read(source, ...borrowed) {
      if (recording && !recording.areas.includes(area)) recording.areas.push(area);
      const names = new Set([area, ...borrowed].flatMap((declared) => Object.keys(declared.settings)));
      const env: Record<string | symbol, unknown> = { [DECLARED]: names };
      for (const name of names) env[name] = source[name];
      return env as SettingsEnv<never>;
    },
  };
  return area;
}

/** The value of a declared setting, trimmed; empty counts as unset. */
export function declaredValue(env: SettingsEnv<string>, name: string, read: SettingRead): string | undefined {
  if (!env[DECLARED].has(name)) throw new Error(`${name} is read by a config loader but declared in no defineSettings() table`);
  recording?.reads.push(read);
  const value = (env as Record<string, string | undefined>)[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
