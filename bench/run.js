// npm run bench: the service under the loads its users put on it, reported as ratios to
// ceilings measured in the same run (absolute numbers drift on shared machines; ratios hold):
// a bare node:http server for request handling, and bare argon2 on every core for logins.
// Uses the embedded database unless DATABASE_URL / REDIS_URL are set; with both, it also runs
// two instances side by side. Writes bench/results.json and bench/results.svg.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as argon2 from 'argon2';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CORES = availableParallelism();
const PASSWORD = 'bench-harbour-lantern-42';
const SERVERS = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION, connections: CONNECTIONS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function row(name, result, rssMb, expectedStatus = '2xx') {
  const unexpected = expectedStatus === '2xx' ? result.non2xx : result.non2xx - (result['4xx'] ?? 0);
  return { scenario: name, requests_per_second: Math.round(result.requests.average), p50_ms: result.latency.p50, p99_ms: result.latency.p99, unexpected_status: unexpected, errors: result.errors + result.timeouts, rss_mb: rssMb };
}

async function bareHttp() {
  const body = JSON.stringify({ status: 'ok' });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const result = await load({ url: `http://127.0.0.1:${server.address().port}/` });
  await new Promise((resolve) => server.close(resolve));
  return row('bare node:http (ceiling)', result, null);
}

/** argon2id at the service's parameters on every core: the most logins per second this machine can do. */
async function bareArgon2() {
  const options = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 };
  const hash = await argon2.hash(PASSWORD, options);
  const until = Date.now() + DURATION * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: CORES }, async () => {
    while (Date.now() < until) {
      await argon2.verify(hash, PASSWORD);
      done++;
    }
  }));
  return done / DURATION;
}

class Service {
  constructor(port, env) {
    this.port = port;
    this.base = `http://127.0.0.1:${port}`;
    this.env = env;
  }

  async start() {
    const started = Date.now();
    this.child = spawn(process.execPath, ['dist/src/main.js'], { env: { ...process.env, ...this.env, PORT: String(this.port) }, stdio: ['ignore', 'inherit', 'inherit'] });
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`service exited with ${this.child.exitCode}`);
      try {
        if ((await fetch(`${this.base}/health/ready`)).ok) break;
      } catch {}
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    return Date.now() - started;
  }

  async stop() {
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }

  rssMb() {
    return new Promise((resolve) => {
      const ps = spawn('ps', ['-o', 'rss=', '-p', String(this.child.pid)]);
      let out = '';
      ps.stdout.on('data', (chunk) => (out += chunk));
      ps.on('close', () => resolve(Math.round(Number(out.trim()) / 1024)));
    });
  }

  async post(path, body, headers = {}) {
    const response = await fetch(`${this.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json().catch(() => null) };
  }
}

/** Runs `work` while sampling the server's RSS; returns the work's result and the peak RSS. */
async function withPeakRss(service, work) {
  let peak = 0;
  const timer = setInterval(async () => (peak = Math.max(peak, await service.rssMb())), 250);
  try {
    const result = await work();
    return { result, peak: Math.max(peak, await service.rssMb()) };
  } finally {
    clearInterval(timer);
  }
}

function chart(results, ceiling) {
  const width = 760;
  const barHeight = 26;
  const height = 60 + results.length * (barHeight + 10);
  const scale = (width - 320) / Math.max(ceiling, ...results.map((r) => r.requests_per_second));
  const bars = results
    .map((r, i) => {
      const y = 40 + i * (barHeight + 10);
      const w = Math.max(1, r.requests_per_second * scale);
      return `<text x="8" y="${y + 17}" font-size="12">${r.scenario.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text><rect x="300" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="#4a7bd0"/><text x="${(305 + w).toFixed(1)}" y="${y + 17}" font-size="12">${r.requests_per_second} req/s</text>`;
    })
    .join('\n');
  const x = 300 + ceiling * scale;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><text x="8" y="20" font-size="14" font-weight="bold">Throughput per scenario; red line: bare node:http ceiling (${ceiling} req/s)</text>\n${bars}\n<line x1="${x.toFixed(1)}" y1="30" x2="${x.toFixed(1)}" y2="${height - 10}" stroke="#c33" stroke-dasharray="4"/></svg>\n`;
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    DB_MIGRATIONS_RUN: 'true',
    JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    SWAGGER_ENABLED: 'false',
    ACCOUNT_EMAIL_VERIFICATION: 'none',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    REFRESH_REUSE_GRACE_SECONDS: '0',
  };
  const ceiling = await bareHttp();
  const argon2PerSecond = await bareArgon2();
  const port = 18000 + Math.floor(Math.random() * 1000);
  const service = new Service(port, env);
  const coldStartMs = await service.start();
  const results = [ceiling];
  const report = { date: new Date().toISOString(), node: process.version, cores: CORES, database: SERVERS ? 'postgresql' : process.env.DATABASE_URL ? 'postgresql' : 'embedded PGlite', redis: Boolean(process.env.REDIS_URL), duration_s: DURATION, connections: CONNECTIONS };
  try {
    const users = [];
    for (let i = 0; i < 16; i++) {
      const email = `bench.${Date.now()}.${i}@example.com`;
      const created = await service.post('/api/signup/', { email, password: PASSWORD, password_confirm: PASSWORD });
      users.push({ email, access: created.body.access });
    }
    const auth = { authorization: `Bearer ${users[0].access}` };

    const live = await withPeakRss(service, () => load({ url: `${service.base}/health/live` }));
    results.push(row('GET /health/live', live.result, live.peak));
    const me = await withPeakRss(service, () => load({ url: `${service.base}/api/me/`, headers: auth }));
    results.push(row('GET /api/me/ (JWT + revocation + user load)', me.result, me.peak));
    const verify = await withPeakRss(service, () =>
      load({ url: `${service.base}/api/token/verify/`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: users[0].access }) }),
    );
    results.push(row('POST /api/token/verify/', verify.result, verify.peak));

    // Refresh: one client following its rotation chain, since every request must send the
    // token the previous one returned (a spent token is a replay and ends the session).
    let chain = (await service.post('/api/login/', { email: users[1].email, password: PASSWORD })).body.refresh;
    const refresh = await withPeakRss(service, () =>
      load({
        url: `${service.base}/api/token/refresh/`,
        connections: 1,
        requests: [
          {
            method: 'POST',
            setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refresh: chain }) }),
            onResponse: (status, body) => {
              if (status === 200) chain = JSON.parse(body).refresh;
            },
          },
        ],
      }),
    );
    results.push(row('POST /api/token/refresh/ (one client, sequential rotation)', refresh.result, refresh.peak));

    // Login flood with a liveness probe alongside: argon2 must stay off the event loop.
    let user = 0;
    const flood = await withPeakRss(service, () =>
      Promise.all([
        load({
          url: `${service.base}/api/login/`,
          connections: CORES * 4,
          requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: users[user++ % users.length].email, password: PASSWORD }) }) }],
        }),
        load({ url: `${service.base}/health/live`, connections: 1 }),
      ]),
    );
    const [logins, probe] = flood.result;
    results.push(row('POST /api/login/ (flood)', logins, flood.peak));
    results.push(row('GET /health/live during the login flood', probe, flood.peak));
    report.login_ratio_to_argon2 = Number((logins.requests.average / argon2PerSecond).toFixed(3));
    report.health_p99_during_flood_ms = probe.latency.p99;
  } finally {
    await service.stop();
  }
  report.warm_start_ms = await service.start();
  await service.stop();
  rmSync(dataDir, { recursive: true, force: true });

  for (const r of results) r.ratio_to_ceiling = Number((r.requests_per_second / ceiling.requests_per_second).toFixed(3));
  const me = results.find((r) => r.scenario.startsWith('GET /api/me/'));
  const verify = results.find((r) => r.scenario.startsWith('POST /api/token/verify/'));
  report.cold_start_ms = coldStartMs;
  report.argon2_verifications_per_second = Number(argon2PerSecond.toFixed(1));
  report.results = results;
  report.goals = {
    'GET /api/me/ >= 35% of ceiling': me.ratio_to_ceiling >= 0.35,
    'POST /api/token/verify/ >= 50% of ceiling': verify.ratio_to_ceiling >= 0.5,
    'logins >= 90% of bare argon2': report.login_ratio_to_argon2 >= 0.9,
    '/health/live p99 < 20 ms during the login flood': report.health_p99_during_flood_ms < 20,
    'server RSS < 250 MB under load': Math.max(...results.map((r) => r.rss_mb ?? 0)) < 250,
    'start-up on an existing embedded database < 2 s': report.warm_start_ms < 2000,
  };
  writeFileSync('bench/results.json', JSON.stringify(report, null, 2) + '\n');
  writeFileSync('bench/results.svg', chart(results, ceiling.requests_per_second));
  console.table(results);
  console.log(`argon2id verifications/s on ${CORES} cores: ${report.argon2_verifications_per_second}; logins/s ÷ that: ${report.login_ratio_to_argon2}`);
  console.log(`/health/live p99 during the login flood: ${report.health_p99_during_flood_ms} ms`);
  console.log(`start-up: ${coldStartMs} ms on a new database (migrations included), ${report.warm_start_ms} ms on the existing one`);
  for (const [goal, met] of Object.entries(report.goals)) console.log(`${met ? 'met   ' : 'MISSED'}  ${goal}`);
  console.log('written to bench/results.json and bench/results.svg');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
