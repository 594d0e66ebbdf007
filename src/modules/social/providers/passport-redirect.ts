import type { Strategy } from 'passport-oauth2';
import { AppError, OAuthTokenInvalidError, ServiceUnavailableError } from '../../../common/errors/app-error.js';
import { StateStoreFailure, type CallbackContext } from '../oauth-state.store.js';
import type { RedirectSignIn, SocialProfile } from './social-provider.js';

type Outcome = { redirect: string } | { profile: SocialProfile } | { failed: true };

/**
 * The redirect flow through a passport-oauth2 strategy (passport-google-oauth20,
 * passport-facebook), built with `state: true`, `pkce: true` and OauthStateStore's Passport
 * store, and a verify callback that checks the provider's answer with the provider adapter.
 *
 * The strategy is run here for one request, the way passport.authenticate() runs it: a copy
 * whose redirect/success/fail/error actions settle a promise. So it is never registered in
 * Passport's process-wide registry (two apps in one process keep their own strategies), and
 * no session is involved: passport.initialize() and req.session are never used.
 */
export class PassportRedirect implements RedirectSignIn {
  private strategy?: Strategy;

  /** `create` is called once, on first use: the strategies refuse to be built without credentials. */
  constructor(
    private readonly create: () => Strategy,
    private readonly timeoutMs: number,
  ) {}

  async authorizationUrl(next: unknown): Promise<string> {
    const outcome = await this.run({ query: {} }, { state: { next } });
    if (!('redirect' in outcome)) throw new Error('the strategy did not redirect to the provider');
    return outcome.redirect;
  }

  async profileFromCallback(context: CallbackContext): Promise<SocialProfile | null> {
    const outcome = await this.run(context, {});
    if ('profile' in outcome) return outcome.profile;
    // Passport fails a callback whose state the store did not accept; nothing else in our verify fails.
    if ('failed' in outcome && !context.flow) return null;
    throw new OAuthTokenInvalidError();
  }

  /**
   * node-oauth, under passport-oauth2, puts no time limit on the code exchange: a provider that
   * does not answer in SOCIAL_HTTP_TIMEOUT_MS is a 503 here (its late answer is ignored; the
   * verify callback has no side effect to undo).
   */
  private run(request: object, options: object): Promise<Outcome> {
    this.strategy ??= this.create();
    const strategy = this.strategy;
    return new Promise<Outcome>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ServiceUnavailableError('The sign-in provider did not answer in time, try again later.')), this.timeoutMs);
      const settle = <T>(settler: (value: T) => void) => (value: T) => {
        clearTimeout(timer);
        settler(value);
      };
      const run = Object.assign(Object.create(strategy) as Strategy, {
        redirect: settle((url: string) => resolve({ redirect: url })),
        success: settle((profile: SocialProfile) => resolve({ profile })),
        fail: settle(() => resolve({ failed: true })),
        error: settle((error: Error) => reject(providerError(error))),
        pass: settle(() => reject(new Error('the strategy passed'))),
      });
      run.authenticate(request as never, options);
    });
  }
}

/**
 * An error of ours (from the verify callback) stands; the state store's own failure (its
 * database unreachable) is the server's and goes to the exception filter as it was thrown (a 503
 * when the database is down); the provider down is a 503; anything else it said is a refusal.
 */
function providerError(error: Error): unknown {
  if (error instanceof AppError) return error;
  if (error instanceof StateStoreFailure) return error.failure;
  const cause = (error as { oauthError?: { statusCode?: number } }).oauthError;
  if (cause && (cause.statusCode === undefined || cause.statusCode >= 500)) return new ServiceUnavailableError('The sign-in provider is unavailable, try again later.');
  return new OAuthTokenInvalidError();
}
