import { Injectable } from '@nestjs/common';
import { ThrottledError } from '../../common/errors/app-error.js';
import type { EscalatingBudget, Reservation } from '../../throttle/escalating-budget.js';
import { ThrottlePolicies } from '../../throttle/throttle-policies.js';
import { emailKey } from '../users/email.js';

/** A password check that has been let through; once the password proves right, say so. */
export interface PasswordAttempt {
  succeeded(): Promise<void>;
}

/**
 * Brute-force protection for every password check, at login and wherever the password is asked
 * again (SECURITY.md 25, 33): attempts are counted per account+IP, per account and per IP, and
 * reserved atomically before any hashing, so parallel guesses cannot share a free slot
 * (SECURITY.md 31). A wrong password keeps its reservation; a right one clears the account's
 * and hands the address its one back, so successful logins never spend an address's budget.
 */
@Injectable()
export class LoginThrottleService {
  constructor(private readonly policies: ThrottlePolicies) {}

  private keys(email: string, ip: string | null): [EscalatingBudget, string][] {
    const account = emailKey(email);
    const address = ip ?? 'unknown';
    return [
      [this.policies.passwordAccountIp, `${account}|${address}`],
      [this.policies.passwordAccount, account],
      [this.policies.passwordIp, address],
    ];
  }

  /**
   * An operator's unlock (admin API, CLI): the account's password budgets, from every address it
   * was tried from, and its second-factor budget start afresh. The per-IP budgets stay: an
   * address guessing at many accounts is not this account's to forgive.
   */
  async unlock(email: string, userId: string): Promise<void> {
    const account = emailKey(email);
    await Promise.all([
      this.policies.passwordAccount.clear(account),
      this.policies.passwordAccountIp.clearPrefixed(`${account}|`),
      // TotpService keys the second-factor budget by user id.
      this.policies.mfaCodes.clear(userId),
    ]);
  }

  /** Throws ThrottledError (429 with Retry-After) when any budget is spent, a 503 when the store is down. */
  async reserve(email: string, ip: string | null): Promise<PasswordAttempt> {
    const keys = this.keys(email, ip);
    const outcomes = await Promise.allSettled(keys.map(([budget, key]) => budget.reserve(key)));
    const taken: [EscalatingBudget, Reservation][] = [];
    let waitMs = 0;
    let failure: unknown;
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status === 'rejected') failure ??= outcome.reason;
      else if ('refused' in outcome.value) waitMs = Math.max(waitMs, outcome.value.refused.retryAfterMs);
      else taken.push([keys[index][0], outcome.value.reservation]);
    }
    if (failure !== undefined || waitMs > 0) {
      // Not checked after all: what it took from the other budgets goes back.
      const undone = await Promise.allSettled(taken.map(([budget, reservation]) => budget.undo(reservation)));
      const undoFailure = undone.find((result) => result.status === 'rejected');
      if (failure !== undefined) throw failure;
      if (undoFailure) throw undoFailure.reason;
      throw new ThrottledError(Math.ceil(waitMs / 1000));
    }
    return {
      // The account starts afresh; the address only gets this attempt back (one address, many accounts).
      succeeded: async () => {
        const [accountIp, account, address] = taken;
        await Promise.all([accountIp[0].clear(accountIp[1].key), account[0].clear(account[1].key), address[0].undo(address[1])]);
      },
    };
  }
}
