import passport from 'passport';
import type { FastifyReply, FastifyRequest } from 'fastify';

const authenticators = new WeakMap<object, passport.Authenticator>();

/**
 * The Authenticator a strategy object is registered on: one created for that object alone, so
 * one per application, never passport's process-wide default. @nestjs/passport's strategy mixin
 * registers each strategy on whatever its `getPassportInstance()` returns (nestjs/passport#117);
 * the strategies of this service return this, and their guards authenticate through it. Several
 * applications in one process (tests, two instances) thus never see each other's strategies.
 */
export function ownPassport(strategy: object): passport.Authenticator {
  let authenticator = authenticators.get(strategy);
  if (!authenticator) {
    authenticator = new passport.Passport();
    authenticators.set(strategy, authenticator);
  }
  return authenticator;
}

/** What a strategy concluded: an error of the server or of the strategy's own checks, or a user, or neither with the strategy's reason. */
export interface StrategyOutcome<T> {
  error: unknown;
  user: T | false;
  info: unknown;
}

/** Runs a strategy once on a request, without a session, through passport's own authenticate(). */
export function runStrategy<T>(strategy: passport.Strategy & { name: string }, request: FastifyRequest, reply: FastifyReply): Promise<StrategyOutcome<T>> {
  return new Promise((resolve, reject) => {
    const middleware = ownPassport(strategy).authenticate(strategy.name, { session: false }, (error: unknown, user: T | false, info: unknown) =>
      resolve({ error, user, info }),
    );
    // Called only if a strategy passes the request on without a verdict, which ours never do.
    middleware(request, reply, (error?: unknown) => reject(error ?? new Error(`the ${strategy.name} strategy gave no verdict`)));
  });
}
