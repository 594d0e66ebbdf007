// npm run bench: the service under the loads its users put on it, reported as ratios to
// ceilings measured in the same run (absolute numbers drift on shared machines; ratios hold):
// a bare node:http server for request handling, and bare argon2 on every core for logins.
// Uses the embedded database unless DATABASE_URL / REDIS_URL are set; with both, it also runs
// two instances side by side. Writes bench/results.json and bench/results.svg.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as argon2 from 'argon2';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const CORES = availableParallelism();
const PASSWORD = 'bench-harbour-lantern-42';
const SERVERS = Boolean(process.env.DATABASE_URL && process.env.REDIS_URL);
const PORT_BASE = 18000 + Math.floor(Math.random() * 900);

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION, connections: CONNECTIONS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Every scenario expects only 2xx answers: anything else counts as unexpected. */
function row(name, result, rssMb) {
  return { scenario: name, requests_per_second: Math.round(result.requests.average), p50_ms: result.latency.p50, p99_ms: result.latency.p99, unexpected_status: result.non2xx, errors: result.errors + result.timeouts, rss_mb: rssMb };
}

/**
 * The ceiling: a bare node:http server answering a small JSON body, in its own process like the
 * service, so that it does not share the load generator's event loop and core.
 */
const BARE_SERVER = `
  const body = JSON.stringify({ status: 'ok' });
  const server = require('node:http').createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send(server.address().port));
`;

async function bareHttp() {
  const child = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`bare server exited with ${code}`)));
  });
  try {
    const result = await load({ url: `http://127.0.0.1:${port}/` });
    return row('bare node:http (ceiling)', result, null);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
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

  async get(path, headers = {}) {
    const response = await fetch(`${this.base}${path}`, { headers });
    return { status: response.status, body: await response.json().catch(() => null) };
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

function chart(results, ceiling, argon2PerSecond) {
  const width = 1000;
  const left = 470;
  const barHeight = 26;
  const height = 60 + results.length * (barHeight + 10);
  const scale = (width - left - 120) / Math.max(ceiling, ...results.map((r) => r.requests_per_second));
  const bars = results
    .map((r, i) => {
      const y = 40 + i * (barHeight + 10);
      const w = Math.max(1, r.requests_per_second * scale);
      const label = (r.suite && r.suite !== 'baseline' ? `${r.suite} · ` : '') + r.scenario;
      return `<text x="8" y="${y + 17}" font-size="12">${label.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text><rect x="${left}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="#4a7bd0"/><text x="${(left + 5 + w).toFixed(1)}" y="${y + 17}" font-size="12">${r.requests_per_second} req/s${r.scenario.startsWith('POST /api/login/') ? ` (bare argon2: ${argon2PerSecond.toFixed(1)}/s)` : ''}</text>`;
    })
    .join('\n');
  const x = left + ceiling * scale;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif"><text x="8" y="20" font-size="14" font-weight="bold">Throughput per scenario; red line: bare node:http ceiling (${ceiling} req/s)</text>\n${bars}\n<line x1="${x.toFixed(1)}" y1="30" x2="${x.toFixed(1)}" y2="${height - 10}" stroke="#c33" stroke-dasharray="4"/></svg>\n`;
}

/** BENCH_ONLY=me,login runs only those scenarios (live, me, verify, refresh, login, instances). */
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const want = (name) => !ONLY || ONLY.has(name);

async function seedUsers(service, count) {
  const users = [];
  for (let i = 0; i < count; i++) {
    const email = `bench.${Date.now()}.${i}.${Math.random().toString(36).slice(2, 8)}@example.com`;
    const created = await service.post('/api/signup/', { email, password: PASSWORD, password_confirm: PASSWORD });
    if (created.status !== 201) throw new Error(`seeding failed: ${created.status} ${JSON.stringify(created.body)}`);
    users.push({ email, access: created.body.access, refresh: created.body.refresh });
  }
  return users;
}

/** The user-facing scenarios against one running instance; returns rows and summary figures. */
async function scenarios(service, suite) {
  const rows = [];
  const figures = {};
  const users = await seedUsers(service, 16);
  const auth = { authorization: `Bearer ${users[0].access}` };
  const add = (name, measured) => rows.push({ suite, ...row(name, measured.result, measured.peak) });

  if (want('live')) add('GET /health/live', await withPeakRss(service, () => load({ url: `${service.base}/health/live` })));
  if (want('me')) add('GET /api/me/ (JWT + revocation + user load)', await withPeakRss(service, () => load({ url: `${service.base}/api/me/`, headers: auth })));
  if (want('verify')) {
    const body = JSON.stringify({ token: users[0].access });
    add('POST /api/token/verify/', await withPeakRss(service, () => load({ url: `${service.base}/api/token/verify/`, method: 'POST', headers: { 'content-type': 'application/json' }, body })));
  }
  if (want('refresh')) {
    // One client following its rotation chain: every request must send the token the previous
    // one returned (a spent token is a replay and ends the session).
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
    add('POST /api/token/refresh/ (one client, sequential rotation)', refresh);
  }
  if (want('login')) {
    // Login flood with a liveness probe alongside: argon2 must stay off the event loop.
    let user = 0;
    const flood = await withPeakRss(service, () =>
      Promise.all([
        load({
          url: `${service.base}/api/login/`,
          connections: CORES * 4,
          requests: [{ method: 'POST', setupRequest: (req) => ({ ...req, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: users[user++ % users.length].email, password: PASSWORD }) }) }],
        }),
        // A liveness probe as an orchestrator sends it, at a steady 50 requests/s: it measures
        // how long the event loop keeps a request waiting, without adding load of its own.
        load({ url: `${service.base}/health/live`, connections: 1, overallRate: 50 }),
      ]),
    );
    const [logins, probe] = flood.result;
    rows.push({ suite, ...row('POST /api/login/ (flood)', logins, flood.peak) });
    rows.push({ suite, ...row('GET /health/live during the login flood', probe, flood.peak) });
    figures.logins_per_second = Math.round(logins.requests.average * 10) / 10;
    figures.health_p99_during_flood_ms = probe.latency.p99;
  }
  return { rows, figures };
}

/**
 * Two instances on one PostgreSQL and one Redis, load spread over both (as a load balancer
 * would), then the cross-instance guarantees checked on the running pair: a session ended on
 * A is refused on B at once, and failed logins counted on both add up.
 */
async function twoInstances(env) {
  const a = new Service(PORT_BASE + 11, env);
  const b = new Service(PORT_BASE + 12, env);
  await a.start();
  await b.start();
  try {
    const [user] = await seedUsers(a, 1);
    const headers = { authorization: `Bearer ${user.access}` };
    const [ra, rb] = await Promise.all([a, b].map((service) => load({ url: `${service.base}/api/me/`, headers, connections: CONNECTIONS / 2 })));
    const combined = {
      suite: 'postgresql+redis, 2 instances',
      scenario: 'GET /api/me/ spread over two instances',
      requests_per_second: Math.round(ra.requests.average + rb.requests.average),
      p50_ms: Math.max(ra.latency.p50, rb.latency.p50),
      p99_ms: Math.max(ra.latency.p99, rb.latency.p99),
      unexpected_status: ra.non2xx + rb.non2xx,
      errors: ra.errors + ra.timeouts + rb.errors + rb.timeouts,
      rss_mb: (await a.rssMb()) + (await b.rssMb()),
    };
    const [victim] = await seedUsers(a, 1);
    const before = (await b.get('/api/me/', { authorization: `Bearer ${victim.access}` })).status;
    await a.post('/api/auth/logout/', { refresh: victim.refresh }, { authorization: `Bearer ${victim.access}` });
    const after = (await b.get('/api/me/', { authorization: `Bearer ${victim.access}` })).status;
    // LOGIN_THROTTLE_ACCOUNT_IP_FREE failures are free per account+IP; spread them over both instances.
    const free = Number(env.LOGIN_THROTTLE_ACCOUNT_IP_FREE);
    const [target] = await seedUsers(b, 1);
    for (let i = 0; i <= free; i++) await (i % 2 ? a : b).post('/api/login/', { email: target.email, password: `wrong-password-${i}` });
    const throttled = (await a.post('/api/login/', { email: target.email, password: PASSWORD })).status;
    return {
      row: combined,
      checks: {
        'revoked on A is refused on B at once': before === 200 && after === 401,
        'failed logins on A and B add up to a throttle': throttled === 429,
      },
    };
  } finally {
    await a.stop();
    await b.stop();
  }
}

async function main() {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const base = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef',
    MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    SWAGGER_ENABLED: 'false',
    ACCOUNT_EMAIL_VERIFICATION: 'none',
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    REFRESH_REUSE_GRACE_SECONDS: '0',
    LOGIN_THROTTLE_ACCOUNT_IP_FREE: '4',
    DB_MIGRATIONS_RUN: 'true',
    // Production serves /metrics only behind a token or on a port of its own. METRICS_ENABLED is
    // left to the environment, so `METRICS_ENABLED=false npm run bench` measures what they cost.
    METRICS_TOKEN: 'bench-metrics-token-0123456789abcdef',
  };
  // The embedded run never sees the servers, even when they are configured for the second run.
  const embeddedEnv = { ...base, DATA_DIR: dataDir, DATABASE_URL: '', REDIS_URL: '' };
  const serversEnv = { ...base, DATABASE_URL: process.env.DATABASE_URL, REDIS_URL: process.env.REDIS_URL, REDIS_KEY_PREFIX: `bench:${Date.now()}:` };

  const ceiling = await bareHttp();
  const argon2PerSecond = await bareArgon2();
  const results = [{ suite: 'baseline', ...ceiling }];
  const ratioToCeiling = (r) => Number((r.requests_per_second / ceiling.requests_per_second).toFixed(3));
  const report = { date: new Date().toISOString(), node: process.version, cores: CORES, duration_s: DURATION, connections: CONNECTIONS, argon2_verifications_per_second: Number(argon2PerSecond.toFixed(1)), suites: {} };

  const suites = [['embedded PGlite', embeddedEnv]];
  if (SERVERS) suites.push(['postgresql+redis', serversEnv]);
  for (const [index, [name, env]] of suites.entries()) {
    const service = new Service(PORT_BASE + index, env);
    const coldStartMs = await service.start();
    let measured;
    try {
      measured = await scenarios(service, name);
    } finally {
      await service.stop();
    }
    const warmStartMs = await service.start();
    await service.stop();
    results.push(...measured.rows);
    const ratio = (prefix) => {
      const found = measured.rows.find((r) => r.scenario.startsWith(prefix));
      return found ? ratioToCeiling(found) : null;
    };
    const figures = {
      cold_start_ms: coldStartMs,
      warm_start_ms: warmStartMs,
      me_ratio_to_ceiling: ratio('GET /api/me/'),
      verify_ratio_to_ceiling: ratio('POST /api/token/verify/'),
      login_ratio_to_argon2: measured.figures.logins_per_second === undefined ? null : Number((measured.figures.logins_per_second / argon2PerSecond).toFixed(3)),
      health_p99_during_flood_ms: measured.figures.health_p99_during_flood_ms ?? null,
      peak_rss_mb: Math.max(...measured.rows.map((r) => r.rss_mb ?? 0)),
    };
    const known = (value, test) => (value === null ? 'not run' : test(value));
    figures.goals = {
      'GET /api/me/ >= 35% of ceiling': known(figures.me_ratio_to_ceiling, (v) => v >= 0.35),
      'POST /api/token/verify/ >= 50% of ceiling': known(figures.verify_ratio_to_ceiling, (v) => v >= 0.5),
      'logins >= 90% of bare argon2': known(figures.login_ratio_to_argon2, (v) => v >= 0.9),
      '/health/live p99 < 20 ms during the login flood': known(figures.health_p99_during_flood_ms, (v) => v < 20),
      'server RSS < 250 MB under load': figures.peak_rss_mb < 250,
      'start-up on an existing database < 2 s': warmStartMs < 2000,
    };
    report.suites[name] = figures;
  }
  rmSync(dataDir, { recursive: true, force: true });

  if (SERVERS && want('instances')) {
    const pair = await twoInstances(serversEnv);
    results.push(pair.row);
    report.two_instances = { requests_per_second: pair.row.requests_per_second, checks: pair.checks };
  }

  for (const r of results) r.ratio_to_ceiling = ratioToCeiling(r);
  report.results = results;
  report.total_s = Math.round((Date.now() - started) / 1000);
  writeFileSync('bench/results.json', JSON.stringify(report, null, 2) + '\n');
  writeFileSync('bench/results.svg', chart(results, ceiling.requests_per_second, argon2PerSecond));

  console.table(results.map(({ suite, scenario, requests_per_second, p50_ms, p99_ms, unexpected_status, errors, rss_mb, ratio_to_ceiling }) => ({ suite, scenario, 'req/s': requests_per_second, p50_ms, p99_ms, unexpected_status, errors, rss_mb, ratio: ratio_to_ceiling })));
  console.log(`bare node:http ceiling: ${ceiling.requests_per_second} req/s; bare argon2id on ${CORES} cores: ${report.argon2_verifications_per_second} verifications/s`);
  for (const [name, figures] of Object.entries(report.suites)) {
    console.log(`\n${name}: start-up ${figures.cold_start_ms} ms on a new database (migrations included), ${figures.warm_start_ms} ms on the existing one; peak RSS ${figures.peak_rss_mb} MB`);
    console.log(`  /api/me ${figures.me_ratio_to_ceiling} of the ceiling, verify ${figures.verify_ratio_to_ceiling}, logins ${figures.login_ratio_to_argon2} of argon2, /health/live p99 during the flood ${figures.health_p99_during_flood_ms} ms`);
    for (const [goal, met] of Object.entries(figures.goals)) console.log(`  ${met === true ? 'met   ' : met === false ? 'MISSED' : 'n/a   '}  ${goal}`);
  }
  if (report.two_instances) {
    console.log(`\ntwo instances: ${report.two_instances.requests_per_second} req/s combined on GET /api/me/`);
    for (const [check, held] of Object.entries(report.two_instances.checks)) console.log(`  ${held ? 'holds ' : 'BROKEN'}  ${check}`);
  }
  console.log(`\nwritten to bench/results.json and bench/results.svg in ${report.total_s} s`);
  if (report.two_instances && Object.values(report.two_instances.checks).includes(false)) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
