/**
 * Model-based property test of the token and session state machine (SECURITY.md 10, 13, 15).
 *
 * fast-check generates random sequences of logins, refreshes, replays of spent refresh tokens,
 * logouts (by bearer, by refresh token, of everything) and password changes, runs them against
 * the real application over HTTP, and after every step compares the application's answers with
 * a small model that says which sessions are live and which refresh tokens are spent.
 *
 * A failure prints the seed, the path and the shrunk command list with its replayPath. To replay it:
 *   FC_SEED=<seed> FC_PATH=<path> FC_REPLAY_PATH=<replayPath> npm test -- test/session-state.property
 */
import { afterAll, beforeAll, describe, it } from '@jest/globals';
import fc from 'fast-check';
import type { Response } from 'supertest';
import { startApp, type TestApp } from './setup/test-app.js';
import { bearer, signup } from './factories/users.js';
import { decodePayload } from './factories/jwt.js';

const NOT_VALID = { detail: 'Given token not valid for any token type', code: 'token_not_valid' };
const BAD_LOGIN = { detail: 'Invalid email or password.', code: 'authentication_failed' };
const LOGGED_OUT = { detail: 'Successfully logged out.' };
const SAVED = { detail: 'New password has been saved.' };
const WRONG_OLD_PASSWORD = { old_password: ['Your old password was entered incorrectly. Please enter it again.'] };

/** Two policy-compliant passwords the user alternates between; the model knows which one is current. */
const PASSWORDS = ['quartz-meadow-ferry-7319', 'copper-lagoon-thistle-8642'] as const;

type Http = TestApp['http'];

interface RefreshToken {
  token: string;
  spent: boolean;
}

interface SessionModel {
  sid: string;
  live: boolean;
  /** Every access token issued to the session, oldest first. All of them live and die with the session. */
  access: string[];
  /** Every refresh token issued to the session, oldest first; only the last one can be unspent. */
  refresh: RefreshToken[];
}

interface Model {
  email: string;
  /** Index into PASSWORDS of the password that currently signs in. */
  password: 0 | 1;
  sessions: SessionModel[];
}

interface Real {
  http: Http;
}

type Step = fc.AsyncCommand<Model, Real>;

// ---------------------------------------------------------------------------------------------
// Helpers that compare one HTTP answer with what the model predicts.

function describeAnswer(response: Response): string {
  return `${response.status} ${JSON.stringify(response.body)}`;
}

function expectAnswer(what: string, response: Response, status: number, body?: unknown): void {
  const statusOk = response.status === status;
  const bodyOk = body === undefined || JSON.stringify(response.body) === JSON.stringify(body);
  if (!statusOk || !bodyOk) {
    const wanted = body === undefined ? `${status}` : `${status} ${JSON.stringify(body)}`;
    throw new Error(`${what}: the model expects ${wanted}, the app answered ${describeAnswer(response)}`);
  }
}

function pick<T>(items: readonly T[], index: number): T {
  return items[index % items.length];
}

function currentRefresh(session: SessionModel): RefreshToken {
  return session.refresh[session.refresh.length - 1];
}

function spentRefreshes(session: SessionModel): RefreshToken[] {
  return session.refresh.filter((token) => token.spent);
}

function otherPassword(model: Model): string {
  return PASSWORDS[1 - model.password];
}

/** Checks a freshly issued pair: both tokens name the expected session, and the access token works. */
function checkPair(what: string, body: Record<string, unknown>, sid?: string): { access: string; refresh: string; sid: string } {
  const { access, refresh } = body as { access?: unknown; refresh?: unknown };
  if (typeof access !== 'string' || typeof refresh !== 'string') throw new Error(`${what}: no token pair in ${JSON.stringify(body)}`);
  const accessClaims = decodePayload(access);
  const refreshClaims = decodePayload(refresh);
  if (accessClaims.token_type !== 'access' || refreshClaims.token_type !== 'refresh') throw new Error(`${what}: token types are ${accessClaims.token_type}/${refreshClaims.token_type}`);
  if (accessClaims.sid !== refreshClaims.sid) throw new Error(`${what}: access and refresh tokens name different sessions`);
  if (sid !== undefined && accessClaims.sid !== sid) throw new Error(`${what}: the new pair belongs to session ${accessClaims.sid}, not ${sid}`);
  return { access, refresh, sid: accessClaims.sid };
}

async function expectAccess(http: Http, what: string, access: string, live: boolean, email: string): Promise<void> {
  const response = await http.get('/api/me/').set(...bearer(access));
  if (live) {
    expectAnswer(`${what} at GET /api/me/`, response, 200);
    if (response.body.email !== email) throw new Error(`${what}: /api/me/ answered for ${response.body.email}, not ${email}`);
  } else {
    expectAnswer(`${what} at GET /api/me/`, response, 401, NOT_VALID);
  }
}

/** /api/token/verify/ reports the state of a refresh token without spending it. */
async function expectRefreshState(http: Http, what: string, refresh: string, usable: boolean): Promise<void> {
  const response = await http.post('/api/token/verify/').send({ token: refresh });
  if (usable) expectAnswer(`${what} at /api/token/verify/`, response, 200, {});
  else expectAnswer(`${what} at /api/token/verify/`, response, 401, NOT_VALID);
}

/**
 * The invariant, checked after every step on a bounded sample: for each session its newest and
 * oldest access token work iff the session is live, its current refresh token verifies iff the
 * session is live, its latest spent refresh token never verifies; and the session list seen from
 * a live session is exactly the model's live sessions.
 */
async function checkInvariant(model: Model, http: Http): Promise<void> {
  const probes: Promise<void>[] = [];
  for (const [index, session] of model.sessions.entries()) {
    const state = session.live ? 'live' : 'ended';
    const newest = session.access[session.access.length - 1];
    probes.push(expectAccess(http, `newest access token of ${state} session #${index}`, newest, session.live, model.email));
    if (session.access[0] !== newest) {
      probes.push(expectAccess(http, `first access token of ${state} session #${index}`, session.access[0], session.live, model.email));
    }
    probes.push(expectRefreshState(http, `current refresh token of ${state} session #${index}`, currentRefresh(session).token, session.live));
    const spent = spentRefreshes(session).at(-1);
    if (spent) probes.push(expectRefreshState(http, `latest spent refresh token of session #${index}`, spent.token, false));
  }
  await Promise.all(probes);

  const live = model.sessions.filter((session) => session.live);
  if (live.length === 0) return;
  const viewer = live[live.length - 1];
  const response = await http.get('/api/auth/sessions/').set(...bearer(viewer.access[viewer.access.length - 1]));
  expectAnswer('GET /api/auth/sessions/', response, 200);
  const listed = (response.body as { id: string; current: boolean }[]).map((row) => row.id).sort();
  const expected = live.map((session) => session.sid).sort();
  if (JSON.stringify(listed) !== JSON.stringify(expected)) {
    throw new Error(`GET /api/auth/sessions/ lists ${JSON.stringify(listed)}, the model's live sessions are ${JSON.stringify(expected)}`);
  }
  const current = (response.body as { id: string; current: boolean }[]).filter((row) => row.current).map((row) => row.id);
  if (JSON.stringify(current) !== JSON.stringify([viewer.sid])) {
    throw new Error(`GET /api/auth/sessions/ marks ${JSON.stringify(current)} as current, expected only ${viewer.sid}`);
  }
}

/** Every token the run has seen, after the last step: each access and refresh token against the model. */
async function checkEveryToken(model: Model, http: Http): Promise<void> {
  const probes: Promise<void>[] = [];
  for (const [index, session] of model.sessions.entries()) {
    for (const [n, access] of session.access.entries()) {
      probes.push(expectAccess(http, `access token ${n} of session #${index}`, access, session.live, model.email));
    }
    for (const [n, refresh] of session.refresh.entries()) {
      probes.push(expectRefreshState(http, `refresh token ${n} of session #${index}`, refresh.token, session.live && !refresh.spent));
    }
  }
  await Promise.all(probes);
}

function endAll(model: Model, except?: SessionModel): void {
  for (const session of model.sessions) if (session !== except) session.live = false;
}

// ---------------------------------------------------------------------------------------------
// Commands. Sessions and tokens are chosen by index modulo the count, so every generated
// command applies to any state and shrinking keeps sequences meaningful.

/** POST /api/login/ with the current password (a new live session) or the other one of the two (401). */
class Login implements Step {
  constructor(readonly withOtherPassword: boolean) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const password = this.withOtherPassword ? otherPassword(model) : PASSWORDS[model.password];
    const response = await real.http.post('/api/login/').send({ email: model.email, password });
    if (this.withOtherPassword) {
      expectAnswer(`${this}`, response, 401, BAD_LOGIN);
    } else {
      expectAnswer(`${this}`, response, 200);
      const pair = checkPair(`${this}`, response.body);
      if (model.sessions.some((session) => session.sid === pair.sid)) throw new Error(`${this}: login reused session ${pair.sid}`);
      model.sessions.push({ sid: pair.sid, live: true, access: [pair.access], refresh: [{ token: pair.refresh, spent: false }] });
    }
    await checkInvariant(model, real.http);
  }
  toString(): string {
    return `Login(${this.withOtherPassword ? 'the other, wrong password' : 'current password'})`;
  }
}

/** Refreshes a session with its current refresh token: a new pair while live, 401 once ended. */
class Refresh implements Step {
  constructor(readonly session: number) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const session = pick(model.sessions, this.session);
    const token = currentRefresh(session);
    const response = await real.http.post('/api/token/refresh/').send({ refresh: token.token });
    if (session.live) {
      expectAnswer(`${this}`, response, 200);
      const pair = checkPair(`${this}`, response.body, session.sid);
      token.spent = true;
      session.access.push(pair.access);
      session.refresh.push({ token: pair.refresh, spent: false });
    } else {
      expectAnswer(`${this}`, response, 401, NOT_VALID);
    }
    await checkInvariant(model, real.http);
  }
  toString(): string {
    return `Refresh(session ${this.session})`;
  }
}

/** Presents an already spent refresh token again: always 401, and a live session is revoked (grace 0). */
class Replay implements Step {
  constructor(readonly token: number) {}
  check(model: Readonly<Model>): boolean {
    return model.sessions.some((session) => spentRefreshes(session).length > 0);
  }
  async run(model: Model, real: Real): Promise<void> {
    const candidates = model.sessions.flatMap((session) => spentRefreshes(session).map((token) => ({ session, token })));
    const { session, token } = pick(candidates, this.token);
    const response = await real.http.post('/api/token/refresh/').send({ refresh: token.token });
    expectAnswer(`${this}`, response, 401, NOT_VALID);
    session.live = false;
    await checkInvariant(model, real.http);
  }
  toString(): string {
    return `Replay(spent refresh token ${this.token})`;
  }
}

type LogoutVia = 'bearer' | 'refresh' | 'spent refresh';

/**
 * POST /api/auth/logout/ for one session:
 * - by bearer access token: 200 and the session ends while live; 401 once ended (the guard refuses the token);
 * - by its current refresh token: 200 and the session ends; 200 again once ended (idempotent);
 * - by a spent refresh token: 401 and nothing changes while live (a stale copy cannot end a session); 200 once ended.
 */
class Logout implements Step {
  constructor(
    readonly session: number,
    readonly via: LogoutVia,
    readonly token: number,
  ) {}
  check(model: Readonly<Model>): boolean {
    return this.via !== 'spent refresh' || spentRefreshes(pick(model.sessions, this.session)).length > 0;
  }
  async run(model: Model, real: Real): Promise<void> {
    const session = pick(model.sessions, this.session);
    let response: Response;
    if (this.via === 'bearer') {
      response = await real.http.post('/api/auth/logout/').set(...bearer(pick(session.access, this.token))).send({});
      if (session.live) expectAnswer(`${this}`, response, 200, LOGGED_OUT);
      else expectAnswer(`${this}`, response, 401, NOT_VALID);
      session.live = false;
    } else if (this.via === 'refresh') {
      response = await real.http.post('/api/auth/logout/').send({ refresh: currentRefresh(session).token });
      expectAnswer(`${this}`, response, 200, LOGGED_OUT);
      session.live = false;
    } else {
      response = await real.http.post('/api/auth/logout/').send({ refresh: pick(spentRefreshes(session), this.token).token });
      if (session.live) expectAnswer(`${this}`, response, 401, NOT_VALID);
      else expectAnswer(`${this}`, response, 200, LOGGED_OUT);
    }
    await checkInvariant(model, real.http);
  }
  toString(): string {
    return `Logout(session ${this.session} by ${this.via}${this.via === 'refresh' ? '' : ` ${this.token}`})`;
  }
}

/** POST /api/auth/logout/ {"all": true} with a bearer of one session: every session ends; 401 when that session already ended. */
class LogoutAll implements Step {
  constructor(
    readonly session: number,
    readonly token: number,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const session = pick(model.sessions, this.session);
    const response = await real.http.post('/api/auth/logout/').set(...bearer(pick(session.access, this.token))).send({ all: true });
    if (session.live) {
      expectAnswer(`${this}`, response, 200, LOGGED_OUT);
      endAll(model);
    } else {
      expectAnswer(`${this}`, response, 401, NOT_VALID);
    }
    await checkInvariant(model, real.http);
  }
  toString(): string {
    return `LogoutAll(bearer ${this.token} of session ${this.session})`;
  }
}

/**
 * POST /api/auth/password/change/ from one session. With the right old password the password
 * switches and every other session ends while this one stays; with the wrong one it is 400 and
 * nothing changes; from an ended session it is 401.
 */
class ChangePassword implements Step {
  constructor(
    readonly session: number,
    readonly withWrongOldPassword: boolean,
  ) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const session = pick(model.sessions, this.session);
    const next = otherPassword(model);
    const old = this.withWrongOldPassword ? next : PASSWORDS[model.password];
    const response = await real.http
      .post('/api/auth/password/change/')
      .set(...bearer(session.access[session.access.length - 1]))
      .send({ old_password: old, new_password1: next, new_password2: next });
    if (!session.live) {
      expectAnswer(`${this}`, response, 401, NOT_VALID);
    } else if (this.withWrongOldPassword) {
      expectAnswer(`${this}`, response, 400, WRONG_OLD_PASSWORD);
    } else {
      expectAnswer(`${this}`, response, 200, SAVED);
      model.password = model.password === 0 ? 1 : 0;
      endAll(model, session);
    }
    await checkInvariant(model, real.http);
  }
  toString(): string {
    return `ChangePassword(from session ${this.session}${this.withWrongOldPassword ? ', wrong old password' : ''})`;
  }
}

/** Any access token the user was ever given, old ones included: GET /api/me/ is 200 iff its session is live. */
class UseAccess implements Step {
  constructor(readonly token: number) {}
  check(): boolean {
    return true;
  }
  async run(model: Model, real: Real): Promise<void> {
    const all = model.sessions.flatMap((session) => session.access.map((access) => ({ session, access })));
    const { session, access } = pick(all, this.token);
    await expectAccess(real.http, `${this}`, access, session.live, model.email);
  }
  toString(): string {
    return `UseAccess(token ${this.token})`;
  }
}

const index = fc.nat({ max: 63 });
/** One time in four a login or password change uses the wrong password. */
const sometimes = fc.nat({ max: 3 }).map((n) => n === 0);

// Listing an arbitrary more than once makes that command more frequent: logins and refreshes
// build up several live sessions with long token chains before logouts and replays tear them down.
const login = sometimes.map((other) => new Login(other));
const refresh = index.map((session) => new Refresh(session));
const steps = fc.commands<Model, Real, false>(
  [
    login,
    login,
    login,
    refresh,
    refresh,
    refresh,
    index.map((token) => new Replay(token)),
    index.map((token) => new Replay(token)),
    fc.tuple(index, fc.constantFrom<LogoutVia>('bearer', 'refresh', 'spent refresh'), index).map(([session, via, token]) => new Logout(session, via, token)),
    fc.tuple(index, fc.constantFrom<LogoutVia>('bearer', 'refresh', 'spent refresh'), index).map(([session, via, token]) => new Logout(session, via, token)),
    fc.tuple(index, index).map(([session, token]) => new LogoutAll(session, token)),
    fc.tuple(index, sometimes).map(([session, wrong]) => new ChangePassword(session, wrong)),
    fc.tuple(index, sometimes).map(([session, wrong]) => new ChangePassword(session, wrong)),
    index.map((token) => new UseAccess(token)),
  ],
  // A reported failure names its replayPath next to the commands; fast-check needs it, with the seed and path, to replay it.
  { maxCommands: 14, size: 'max', replayPath: process.env.FC_REPLAY_PATH || undefined },
);

/** FC_SEED / FC_PATH (with FC_REPLAY_PATH above) replay a reported failure; otherwise fast-check picks (and on failure prints) a seed. */
function replayParameters(): fc.Parameters<unknown> {
  const seed = process.env.FC_SEED;
  if (seed === undefined || seed === '') return {};
  return { seed: Number(seed), path: process.env.FC_PATH || undefined };
}

describe('token and session state machine (property-based)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({
      // A replayed refresh token revokes its session at once, without the parallel-refresh grace window.
      REFRESH_REUSE_GRACE_SECONDS: '0',
      ACCOUNT_EMAIL_VERIFICATION: 'none',
      // The highest values the config accepts: the wrong-password logins of the runs never get throttled.
      LOGIN_THROTTLE_ACCOUNT_IP_FREE: '1000',
      LOGIN_THROTTLE_ACCOUNT_FREE: '10000',
      LOGIN_THROTTLE_IP_FREE: '100000',
    });
  });
  // When startApp failed, there is nothing to close and the failure of beforeAll is the report.
  afterAll(() => t?.close());

  it('keeps exactly the tokens of live sessions valid under any sequence of logins, refreshes, replays, logouts and password changes', async () => {
    await fc.assert(
      fc.asyncProperty(steps, async (commands) => {
        let model: Model | undefined;
        const setup = async () => {
          // A fresh user per run; signup opens its first session.
          const user = await signup(t.http, { password: PASSWORDS[0] });
          const pair = checkPair('signup', { access: user.access, refresh: user.refresh });
          model = {
            email: user.email,
            password: 0,
            sessions: [{ sid: pair.sid, live: true, access: [user.access], refresh: [{ token: user.refresh, spent: false }] }],
          };
          return { model, real: { http: t.http } };
        };
        await fc.asyncModelRun(setup, commands);
        await checkEveryToken(model!, t.http);
      }),
      { numRuns: 15, ...replayParameters() },
    );
  }, 120_000);
});
