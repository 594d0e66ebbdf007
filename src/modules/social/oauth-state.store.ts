import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { sha256Hex as sha256 } from '../../common/crypto.js';
import { OauthFlowsRepository, type ClaimedFlow } from './oauth-flows.repository.js';

const FLOW_MS = 10 * 60 * 1000;

/** A callback in progress; `flow` is set once its state is claimed, so a failure after that still lands on the flow's page. */
export interface CallbackContext {
  query: { code: string; state: string };
  flow?: ClaimedFlow;
}

/** The store itself failed (its database unreachable): the server's failure, never the provider's answer. */
export class StateStoreFailure extends Error {
  constructor(readonly failure: unknown) {
    super('the OAuth state store failed');
  }
}

type Done<T> = (error: Error | null, ...results: T[]) => void;

/**
 * passport-oauth2's state store interface, with PKCE (store with the verifier, verify hands it
 * back as `ok`). Passport's own stores keep this in a server session; this service has none.
 */
export interface PassportStateStore {
  store(req: unknown, verifier: string, state: { next?: unknown }, meta: unknown, done: Done<string>): void;
  verify(req: CallbackContext, providedState: string, done: Done<string | false | ClaimedFlow>): void;
}

/**
 * The state and PKCE verifier of every browser redirect flow, in the database rather than a
 * session: a random state (only its hash stored), valid ten minutes and claimed once.
 * The Passport strategies (Google, Facebook) reach it through `forPassport`, the openid-client
 * flows (Microsoft, GitHub) call it directly.
 */
@Injectable()
export class OauthStateStore {
  constructor(private readonly flows: OauthFlowsRepository) {}

  /** A new flow; returns the state to send to the provider. */
  async create(provider: string, codeVerifier: string, next: unknown): Promise<string> {
    const state = randomBytes(32).toString('base64url');
    await this.flows.insert({ provider, stateHash: sha256(state), codeVerifier, nextPath: safeNext(next), expiresAt: new Date(Date.now() + FLOW_MS) });
    return state;
  }

  /** The flow of an unused, unexpired state of this provider, now used; null otherwise. */
  claim(provider: string, state: string): Promise<ClaimedFlow | null> {
    return this.flows.claimState(provider, sha256(state));
  }

  /** Housekeeping: deletes up to `limit` flows finished for good at `now` (state and exchange code expired); either is refused once expired, row or not. */
  purgeExpired(now: Date, limit: number): Promise<number> {
    return this.flows.deleteExpired(now, limit);
  }

  forPassport(provider: string): PassportStateStore {
    return {
      store: (_req, verifier, state, _meta, done) => {
        this.create(provider, verifier, state?.next).then(
          (handle) => done(null, handle),
          (error: unknown) => done(new StateStoreFailure(error)),
        );
      },
      verify: (context, providedState, done) => {
        this.claim(provider, providedState).then((flow) => {
          if (!flow) return done(null, false);
          context.flow = flow;
          done(null, flow.codeVerifier, flow);
        }, (error: unknown) => done(new StateStoreFailure(error)));
      },
    };
  }
}

/** Only a path on the frontend: an absolute or protocol-relative `next` would be an open redirect. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])[\w\-./~%?=&#]*$/.test(next) && next.length <= 512 ? next : '/';
}
