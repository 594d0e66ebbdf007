// npm run bench: throughput of the built service against a bare node:http server measured in
// the same run (absolute numbers drift on shared machines; ratios hold). Uses the embedded
// database unless DATABASE_URL / REDIS_URL are set.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';

const DURATION = Number(process.env.BENCH_SECONDS ?? 8);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PORT = 18000 + Math.floor(Math.random() * 1000);
const BASE = `http://127.0.0.1:${PORT}`;

function load(options) {
  return new Promise((resolve, reject) => {
    autocannon({ duration: DURATION, connections: CONNECTIONS, ...options }, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function summary(name, result, rssMb) {
  return {
    scenario: name,
    requests_per_second: Math.round(result.requests.average),
    p50_ms: result.latency.p50,
    p99_ms: result.latency.p99,
    non_2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    rss_mb: rssMb,
  };
}

async function bareBaseline() {
  const body = JSON.stringify({ status: 'ok' });
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const result = await load({ url: `http://127.0.0.1:${server.address().port}/` });
  await new Promise((resolve) => server.close(resolve));
  return summary('bare node:http (ceiling)', result, null);
}

async function startService(dataDir) {
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'warn', PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, JWT_SECRET: 'bench-secret-0123456789abcdef0123456789abcdef', DB_MIGRATIONS_RUN: 'true', SWAGGER_ENABLED: 'false', LOGIN_THROTTLE_IP_FREE: '100000', MFA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${BASE}/health/ready`)).ok) break;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { child, startupMs: Date.now() - started };
}

function rssOf(pid) {
  return new Promise((resolve) => {
    const ps = spawn('ps', ['-o', 'rss=', '-p', String(pid)]);
    let out = '';
    ps.stdout.on('data', (chunk) => (out += chunk));
    ps.on('close', () => resolve(Math.round(Number(out.trim()) / 1024)));
  });
}

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-bench-'));
  const results = [await bareBaseline()];
  const { child, startupMs } = await startService(dataDir);
  try {
    const email = `bench.${Date.now()}@example.com`;
    const password = 'bench-harbour-lantern-42';
    const signup = await fetch(`${BASE}/api/signup/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password, password_confirm: password }),
    }).then((response) => response.json());
    const auth = { authorization: `Bearer ${signup.access}` };

    results.push(summary('GET /health/live', await load({ url: `${BASE}/health/live` }), await rssOf(child.pid)));
    results.push(summary('GET /api/me/ (JWT + revocation check + user load)', await load({ url: `${BASE}/api/me/`, headers: auth }), await rssOf(child.pid)));
    results.push(
      summary(
        'POST /api/token/verify/',
        await load({ url: `${BASE}/api/token/verify/`, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: signup.access }) }),
        await rssOf(child.pid),
      ),
    );
    results.push(
      summary(
        'GET /api/auth/sessions/ with a revoked session (401 from the revocation set)',
        await (async () => {
          const other = await fetch(`${BASE}/api/login/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) }).then((r) => r.json());
          await fetch(`${BASE}/api/auth/logout/`, { method: 'POST', headers: { authorization: `Bearer ${other.access}` } });
          const result = await load({ url: `${BASE}/api/auth/sessions/`, headers: { authorization: `Bearer ${other.access}` } });
          result.non2xx = result.non2xx - result['4xx']; // 401 is the expected answer here
          return result;
        })(),
        await rssOf(child.pid),
      ),
    );
  } finally {
    child.kill('SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }

  const ceiling = results[0].requests_per_second;
  for (const row of results) row.ratio_to_ceiling = Number((row.requests_per_second / ceiling).toFixed(3));
  const report = {
    date: new Date().toISOString(),
    node: process.version,
    database: process.env.DATABASE_URL ? 'postgresql' : 'embedded PGlite',
    redis: Boolean(process.env.REDIS_URL),
    duration_s: DURATION,
    connections: CONNECTIONS,
    startup_ms: startupMs,
    results,
  };
  writeFileSync('bench/results.json', JSON.stringify(report, null, 2) + '\n');
  console.table(results);
  console.log(`start-up to ready: ${startupMs} ms (fresh embedded database, migrations included)`);
  console.log('written to bench/results.json');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
