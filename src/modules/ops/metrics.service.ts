import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';

/** How a sign-in attempt ended. `mfa_required`: the first factor held and a ticket for the second step was handed out. */
export type SignInOutcome = 'succeeded' | 'mfa_required' | 'failed' | 'throttled' | 'refused';
/** Where the attempt came in: a password, a provider, a new account, or the second step of an MFA login. */
export type SignInMetricMethod = 'password' | 'social' | 'signup' | 'mfa';
/** The outcomes each way in can have (a provider's refusal is its route's 4xx, not counted here). */
const SIGN_INS: Record<SignInMetricMethod, SignInOutcome[]> = {
  password: ['succeeded', 'mfa_required', 'failed', 'throttled', 'refused'],
  social: ['succeeded', 'mfa_required', 'refused'],
  signup: ['succeeded'],
  mfa: ['succeeded', 'failed', 'throttled', 'refused'],
};
/** A refresh: rotated (or the grace window's retry handed its successor again), replay caught (family revoked), or refused. */
const REFRESH_OUTCOMES = ['rotated', 'retried', 'reuse_detected', 'refused'] as const;
const MFA_METHODS = ['totp', 'recovery_code'] as const;
const MFA_OUTCOMES = ['passed', 'failed', 'throttled'] as const;
/** One outbox pass over one mail: sent, done with nothing to send, failed and retried later, or failed for the last time. */
const MAIL_OUTCOMES = ['sent', 'skipped', 'failed', 'given_up'] as const;

export type RefreshOutcome = (typeof REFRESH_OUTCOMES)[number];
export type MfaMethod = (typeof MFA_METHODS)[number];
export type MfaOutcome = (typeof MFA_OUTCOMES)[number];
export type MailOutcome = (typeof MAIL_OUTCOMES)[number];

/** From sub-millisecond answers (/health/live) to seconds; logins (argon2) land around 0.05–0.5 s. */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The service's own counters, in a registry of this application instance (several instances in
 * one process, as in the tests, never share or collide), with one intent-named method per thing
 * counted, called at the one place that decides it. Every label value is one of a fixed set
 * (the types above, route templates, throttle policy names): never an address, id or token.
 * The gauges read at scrape time are StateMetrics'; the process's own metrics, process-metrics.ts.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly requests = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route template, method and status, with their latency; _count is the number of requests.',
    labelNames: ['route', 'method', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });

  private readonly signIns = this.counter('auth_sign_ins_total', 'Sign-in attempts by method and outcome.', ['method', 'outcome']);
  private readonly refreshes = this.counter('auth_token_refreshes_total', 'Refresh-token rotations by outcome.', ['outcome']);
  private readonly throttleBlocks = this.counter('auth_throttle_blocks_total', 'Attempts refused by a throttle, by policy.', ['policy']);
  private readonly mfaChecks = this.counter('auth_mfa_checks_total', 'Second-factor code checks by method and outcome.', ['method', 'outcome']);
  private readonly mail = this.counter('auth_mail_deliveries_total', 'Outbox delivery attempts by outcome.', ['outcome']);
  private readonly redisErrors = this.counter('auth_redis_errors_total', "Errors reported by the shared Redis client's connection.", []);

  constructor() {
    // Every series exists at 0 from the start: rate() and increase() cannot see a counter's first
    // increment when the series only appears with it (a first reuse_detected would go unnoticed).
    for (const [method, outcomes] of Object.entries(SIGN_INS)) for (const outcome of outcomes) this.signIns.inc({ method, outcome }, 0);
    for (const outcome of REFRESH_OUTCOMES) this.refreshes.inc({ outcome }, 0);
    for (const method of MFA_METHODS) for (const outcome of MFA_OUTCOMES) this.mfaChecks.inc({ method, outcome }, 0);
    for (const outcome of MAIL_OUTCOMES) this.mail.inc({ outcome }, 0);
    this.redisErrors.inc(0);
  }

  private counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** One answered HTTP request; `route` is the route's template, never the path that was asked for. */
  request(route: string, method: string, status: number, seconds: number): void {
    this.requests.observe({ route, method, status_code: status }, seconds);
  }

  signIn(method: SignInMetricMethod, outcome: SignInOutcome): void {
    this.signIns.inc({ method, outcome });
  }

  refresh(outcome: RefreshOutcome): void {
    this.refreshes.inc({ outcome });
  }

  /**
   * What a throttle calls when it refuses an attempt. `policy` is the budget's name
   * (ThrottlePolicies), never its key; its series starts at 0 now.
   */
  throttled(policy: string): () => void {
    const labels = { policy };
    this.throttleBlocks.inc(labels, 0);
    return () => this.throttleBlocks.inc(labels);
  }

  mfa(method: MfaMethod, outcome: MfaOutcome): void {
    this.mfaChecks.inc({ method, outcome });
  }

  mailDelivery(outcome: MailOutcome): void {
    this.mail.inc({ outcome });
  }

  redisError(): void {
    this.redisErrors.inc();
  }
}
