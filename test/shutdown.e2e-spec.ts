import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { loadDatabaseConfig } from '../src/config/database.config.js';
import { createDataSource } from '../src/database/data-source.js';
import { applyMigrations } from '../src/database/migrations.js';
import { signup, PASSWORD } from './factories/users.js';
import { ownDatabase, type OwnDatabase } from './setup/own-database.js';
import { startServerProcess, type ServerProcess } from './setup/server-process.js';
import { SmtpSink } from './setup/smtp-sink.js';

/** The database of `env` opened in this process while no server has it (the embedded one is one process's at a time). */
async function withDatabase<T>(env: Record<string, string>, use: (db: DataSource) => Promise<T>): Promise<T> {
  const config = loadDatabaseConfig({ ...process.env, ...env });
  const db = await createDataSource(config);
  await db.initialize();
  try {
    await applyMigrations(db, config.embedded);
    return await use(db);
  } finally {
    await db.destroy();
  }
}

/** Queues one plain notice per address, oldest first (the worker's order), as a request that changed a password would. */
async function queueMail(env: Record<string, string>, addresses: string[]): Promise<void> {
  await withDatabase(env, async (db) => {
    for (const [index, address] of addresses.entries()) {
      await db.query(
        `INSERT INTO mail_outbox (id, to_address, kind, params, resolved_at, created_at) VALUES ($1, $2, 'password_changed', '{}', now(), now() - ($3 || ' seconds')::interval)`,
        [randomUUID(), address, String(addresses.length - index)],
      );
    }
  });
}

function outbox(env: Record<string, string>): Promise<{ to_address: string; attempts: number; sent: boolean }[]> {
  return withDatabase(env, (db) => db.query(`SELECT to_address, attempts, sent_at IS NOT NULL AS sent FROM mail_outbox ORDER BY created_at`));
}

/** A request the server has read the head of (it answered 100 Continue) and waits for the body of. */
async function requestInFlight(port: number, path: string, body: string): Promise<{ sendBody(): void; response: Promise<string> }> {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  const response = new Promise<string>((resolve, reject) => {
    socket.on('data', (chunk) => (received += String(chunk)));
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
  const continued = new Promise<void>((resolve) => socket.on('data', () => received.includes('100 Continue') && resolve()));
  socket.write(
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\nExpect: 100-continue\r\n\r\n`,
  );
  await continued;
  return { sendBody: () => socket.write(body), response };
}

/** Resolves once a new connection to `port` is refused: the server no longer accepts. */
async function refusesConnections(port: number): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(false)));
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
  }
  throw new Error(`port ${port} still accepts connections`);
}

describe('graceful shutdown (SIGTERM)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function server(env: Record<string, string | undefined>): Promise<ServerProcess> {
    const started = await startServerProcess(env);
    cleanup.push(async () => {
      started.signal('SIGKILL');
      await started.exited;
    });
    return started;
  }

  async function database(prefix: string): Promise<OwnDatabase> {
    const db = await ownDatabase(prefix);
    cleanup.push(() => db.drop());
    return db;
  }

  it('stops accepting, completes the request in flight, answers it with Connection: close, and exits 0', async () => {
    const db = await database('shutdown_http');
    const running = await server(db.env);
    const { email } = await signup(request(running.url));
    const login = await requestInFlight(running.port, '/api/login/', JSON.stringify({ email, password: PASSWORD }));

    running.signal('SIGTERM');
    await running.waitForLine(/shutdown: SIGTERM/);
    await refusesConnections(running.port);
    // The body comes only now: the login (argon2, the session row) runs during the shutdown.
    login.sendBody();
    const response = await login.response;

    expect(response).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(response).toMatch(/\r\nconnection: close\r\n/i);
    expect(JSON.parse(response.slice(response.indexOf('\r\n\r\n{') + 4))).toMatchObject({ access: expect.any(String), refresh: expect.any(String) });
    expect(await running.exited).toBe(0);
    expect(running.messages().slice(-1)).toEqual(['shutdown: done']);
  });

  it('lets the mail being sent finish, starts no other, and the next start sends the rest: each mail once', async () => {
    const db = await database('shutdown_mail');
    const sink = await SmtpSink.start();
    cleanup.push(() => sink.stop());
    const addresses = ['first', 'second', 'third', 'fourth'].map((name) => `${name}.${randomUUID().slice(0, 8)}@example.com`);
    await queueMail(db.env, addresses);
    const held = sink.holdNext();
    const first = await server({ ...db.env, SMTP_URL: sink.url });

    // Its worker claimed all four at start and is sending the first: the sink holds it.
    await held.arrived;
    first.signal('SIGTERM');
    await first.waitForLine(/shutdown: SIGTERM/);
    held.release();
    expect(await first.exited).toBe(0);
    expect(sink.messages.map((mail) => mail.to)).toEqual([[addresses[0]]]);
    // The other three were handed back, due now and with no attempt counted; not left to their lease.
    expect(await outbox(db.env)).toEqual(addresses.map((address, index) => ({ to_address: address, attempts: index === 0 ? 1 : 0, sent: index === 0 })));

    const second = await server({ ...db.env, SMTP_URL: sink.url });
    for (const address of addresses) await sink.waitFor(address, /./);
    second.signal('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(sink.messages.map((mail) => mail.to).sort()).toEqual(addresses.map((address) => [address]).sort());
  });

  it('exits 1 saying so when the grace runs out mid-send; the mail cut short is sent after its lease, once', async () => {
    const db = await database('shutdown_grace');
    const sink = await SmtpSink.start();
    cleanup.push(() => sink.stop());
    const addresses = ['cut', 'next'].map((name) => `${name}.${randomUUID().slice(0, 8)}@example.com`);
    await queueMail(db.env, addresses);
    // Held and never released: an SMTP server that takes longer than the grace to answer.
    const held = sink.holdNext();
    const first = await server({ ...db.env, SMTP_URL: sink.url, SHUTDOWN_GRACE_SECONDS: '1', MAIL_LEASE_MS: '1000' });
    await held.arrived;

    first.signal('SIGTERM');
    expect(await first.exited).toBe(1);
    expect(first.messages()).toContainEqual(expect.stringMatching(/^shutdown: not finished within SHUTDOWN_GRACE_SECONDS \(1 s\)/));
    // The SMTP transaction never completed: nothing was delivered.
    expect(sink.messages).toEqual([]);

    const second = await server({ ...db.env, SMTP_URL: sink.url, MAIL_LEASE_MS: '1000' });
    for (const address of addresses) await sink.waitFor(address, /./);
    second.signal('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(sink.messages.map((mail) => mail.to).sort()).toEqual(addresses.map((address) => [address]).sort());
  });
});
