import type request from 'supertest';

/** Each sample of a Prometheus text page, by its series (`name{labels}`). */
export type Samples = Map<string, number>;

export function parseSamples(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** GET /metrics, parsed; fails the test unless it answers 200. */
export async function scrape(http: ReturnType<typeof request>, token?: string): Promise<Samples> {
  const call = http.get('/metrics');
  if (token) call.set('Authorization', `Bearer ${token}`);
  const response = await call;
  if (response.status !== 200) throw new Error(`GET /metrics: ${response.status} ${response.text}`);
  return parseSamples(response.text);
}

/** The series of `metric` that moved between two scrapes, with how much. */
export function moved(before: Samples, after: Samples, metric: string): Record<string, number> {
  const changes: Record<string, number> = {};
  for (const [series, value] of after) {
    if (!series.startsWith(`${metric}{`) && series !== metric) continue;
    const change = value - (before.get(series) ?? 0);
    if (change !== 0) changes[series] = change;
  }
  return changes;
}
