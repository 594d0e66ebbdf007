import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, signup } from './factories/users.js';
import { decodePayload } from './factories/jwt.js';

// SECURITY.md 30: a database failure in the middle of a refresh leaves the old token valid
// or the new pair committed, never neither. The failure is real: a trigger makes PostgreSQL
// (or PGlite) reject the successor token's insert, after the old token was already marked spent
// in the same transaction.
describe('refresh rotation under a database failure', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp({ ACCOUNT_EMAIL_VERIFICATION: 'none' });
  });
  afterAll(() => t.close());

  it('keeps the old refresh token valid when the rotation fails half-way', async () => {
    const { refresh, access } = await signup(t.http);
    const sid = decodePayload(refresh).sid;
    const fn = `fail_rotation_${sid.replace(/-/g, '')}`;
    await t.db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.session_id = '${sid}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await t.db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON outstanding_tokens FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    try {
      const failed = await t.http.post('/api/token/refresh/').send({ refresh });
      expect(failed.status).toBe(500);
      expect(failed.body).toEqual({ detail: 'Internal server error.', code: 'server_error' });
      expect(failed.body.access).toBeUndefined();
      const [{ count }] = await t.db.query(
        `SELECT count(*)::int AS count FROM blacklisted_tokens b JOIN outstanding_tokens o ON o.id = b.token_id WHERE o.session_id = $1`,
        [sid],
      );
      expect(count).toBe(0);
    } finally {
      await t.db.query(`DROP TRIGGER ${fn} ON outstanding_tokens`);
      await t.db.query(`DROP FUNCTION ${fn}()`);
    }
    const retried = await t.http.post('/api/token/refresh/').send({ refresh });
    expect(retried.status).toBe(200);
    expect((await t.http.get('/api/me/').set(...bearer(retried.body.access))).status).toBe(200);
    expect((await t.http.get('/api/me/').set(...bearer(access))).status).toBe(200);
  });

  it('logs the failure with the request id and no internals in the answer', async () => {
    const { refresh } = await signup(t.http);
    const sid = decodePayload(refresh).sid;
    const fn = `fail_log_${sid.replace(/-/g, '')}`;
    await t.db.query(`CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.session_id = '${sid}' THEN RAISE EXCEPTION 'injected failure'; END IF; RETURN NEW; END $$`);
    await t.db.query(`CREATE TRIGGER ${fn} BEFORE INSERT ON outstanding_tokens FOR EACH ROW EXECUTE FUNCTION ${fn}()`);
    try {
      const failed = await t.http.post('/api/token/refresh/').set('X-Request-Id', 'trace-refresh-42').send({ refresh });
      expect(failed.status).toBe(500);
      expect(JSON.stringify(failed.body)).not.toMatch(/injected|trigger|SQL|outstanding/i);
      expect(t.logs.join('')).toMatch(/"reqId":"trace-refresh-42".*injected failure|injected failure.*"reqId":"trace-refresh-42"/);
    } finally {
      await t.db.query(`DROP TRIGGER ${fn} ON outstanding_tokens`);
      await t.db.query(`DROP FUNCTION ${fn}()`);
    }
  });
});
