import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { accountConfig } from '../../../config/account.config.js';
import { mfaConfig } from '../../../config/mfa.config.js';
import { ThrottledError, ValidationFailedError } from '../../../common/errors/app-error.js';
import { MESSAGES } from '../../../common/validation/messages.js';
import type { ClientContext } from '../../../common/http/client-context.js';
import { ThrottlePolicies } from '../../../throttle/throttle-policies.js';
import { SecurityEventsService } from '../../audit/security-events.service.js';
import { MetricsService, type MfaMethod } from '../../ops/metrics.service.js';
import type { User } from '../../users/user.entity.js';
import { SessionsService } from '../../tokens/sessions.service.js';
import { UsersService } from '../../users/users.service.js';
import { ReauthService } from '../reauth.service.js';
import { MfaRepository } from './mfa.repository.js';
import { open, seal } from './secret-box.js';

const PERIOD = 30;
const RECOVERY_CODES = 10;
const INVALID_CODE = () => ValidationFailedError.field('code', MESSAGES.invalidCode);

/** Recovery codes: 10 groups of base32, about 50 random bits each, easy to type. */
function newRecoveryCode(): string {
  const raw = new OTPAuth.Secret({ buffer: randomBytes(7).buffer }).base32.slice(0, 10).toLowerCase();
  return `${raw.slice(0, 5)}-${raw.slice(5)}`;
}

/**
 * TOTP (RFC 6238, via otpauth) with recovery codes. A code is accepted within ±1 step and
 * only once; recovery codes are single-use and stored hashed (SECURITY.md 21). Every code
 * check first takes a point from the user's MFA budget (MFA_MAX_FAILURES in 15 minutes, then
 * 429), atomically, so parallel guesses cannot share one (SECURITY.md 31); a right code gives
 * its point back.
 */
@Injectable()
export class TotpService {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly mfa: MfaRepository,
    private readonly users: UsersService,
    private readonly reauth: ReauthService,
    private readonly policies: ThrottlePolicies,
    private readonly events: SecurityEventsService,
    private readonly sessions: SessionsService,
    private readonly metrics: MetricsService,
    @Inject(mfaConfig.KEY) private readonly config: ConfigType<typeof mfaConfig>,
    @Inject(accountConfig.KEY) private readonly account: ConfigType<typeof accountConfig>,
  ) {}

  private totp(user: User, secret: string): OTPAuth.TOTP {
    return new OTPAuth.TOTP({ issuer: this.config.issuer, label: user.email, algorithm: 'SHA1', digits: 6, period: PERIOD, secret: OTPAuth.Secret.fromBase32(secret) });
  }

  async setup(user: User): Promise<{ secret: string; otpauth_url: string; qr_code: string }> {
    if (user.mfaEnabled) throw ValidationFailedError.field('non_field_errors', 'MFA is already enabled.');
    // A second factor enrolled on an address nobody has proven could be a squatter's (SECURITY.md 34),
    // and an owner's proof would then have to choose between keeping it and turning MFA off.
    if (this.account.emailVerification !== 'none' && !user.emailVerified) {
      throw ValidationFailedError.field('non_field_errors', 'Verify your e-mail address before turning on MFA.');
    }
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    await this.mfa.savePending(user.id, seal(secret, this.config.encryptionKey));
    const url = this.totp(user, secret).toString();
    return { secret, otpauth_url: url, qr_code: await QRCode.toDataURL(url) };
  }

  async confirm(user: User, code: string, client: ClientContext): Promise<string[]> {
    if (user.mfaEnabled) throw ValidationFailedError.field('non_field_errors', 'MFA is already enabled.');
    const record = await this.mfa.findTotp(user.id);
    if (!record) throw ValidationFailedError.field('non_field_errors', 'Start with /api/auth/mfa/totp/setup/.');
    if (!(await this.checkTotp(user, code))) throw INVALID_CODE();
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.txHost.withTransaction(async () => {
      await this.mfa.confirm(user.id);
      await this.mfa.replaceRecoveryCodes(user.id, codes);
      await this.users.enableMfa(user.id);
      await this.events.record('mfa_enabled', user.id, client, null);
    });
    return codes;
  }

  /** Turning MFA off needs a current code (TOTP or recovery) or the password (SECURITY.md 20). */
  async disable(user: User, proof: { code?: string; password?: string }, client: ClientContext): Promise<void> {
    if (!user.mfaEnabled) throw ValidationFailedError.field('non_field_errors', 'MFA is not enabled.');
    let ok = false;
    if (proof.code) ok = await this.verifySecondFactor(user, proof.code);
    else if (proof.password && user.passwordHash) ok = await this.reauth.passwordMatches(user, proof.password, client);
    else throw ValidationFailedError.field('non_field_errors', 'Send a current code or your password.');
    if (!ok) throw proof.code ? INVALID_CODE() : ValidationFailedError.field('password', MESSAGES.invalidPassword);
    await this.txHost.withTransaction(async () => {
      await this.mfa.deleteAll(user.id);
      await this.users.disableMfa(user.id);
      await this.sessions.forgetSecondFactor(user.id);
      await this.events.record('mfa_disabled', user.id, client, null);
    });
  }

  async regenerateRecoveryCodes(user: User, code: string, client: ClientContext): Promise<string[]> {
    if (!user.mfaEnabled) throw ValidationFailedError.field('non_field_errors', 'MFA is not enabled.');
    if (!(await this.checkTotp(user, code))) throw INVALID_CODE();
    const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
    await this.txHost.withTransaction(async () => {
      await this.mfa.replaceRecoveryCodes(user.id, codes);
      await this.events.record('mfa_recovery_codes_regenerated', user.id, client, null);
    });
    return codes;
  }

  /** A TOTP code or an unused recovery code. */
  async verifySecondFactor(user: User, code: string): Promise<boolean> {
    const trimmed = code.replace(/\s/g, '');
    if (/^\d{6}$/.test(trimmed)) return this.checkTotp(user, trimmed);
    return this.throttled(user.id, 'recovery_code', () => this.mfa.useRecoveryCode(user.id, trimmed.toLowerCase()));
  }

  private checkTotp(user: User, code: string): Promise<boolean> {
    return this.throttled(user.id, 'totp', async () => {
      const record = await this.mfa.findTotp(user.id);
      const trimmed = code.replace(/\s/g, '');
      if (!record || !/^\d{6}$/.test(trimmed)) return false;
      const now = Date.now();
      const delta = this.totp(user, open(record.secretEncrypted, this.config.encryptionKey)).validate({ token: trimmed, timestamp: now, window: 1 });
      return delta !== null && (await this.mfa.useStep(user.id, Math.floor(now / 1000 / PERIOD) + delta));
    });
  }

  /** Takes the attempt's point before the check; a right code gives it back. Every code check passes here, so it is counted here. */
  private async throttled(userId: string, method: MfaMethod, check: () => Promise<boolean>): Promise<boolean> {
    const verdict = await this.policies.mfaCodes.take(userId);
    if (!verdict.allowed) {
      this.metrics.mfa(method, 'throttled');
      throw new ThrottledError(Math.ceil(verdict.retryAfterMs / 1000));
    }
    const ok = await check();
    this.metrics.mfa(method, ok ? 'passed' : 'failed');
    if (ok) await this.policies.mfaCodes.giveBack(userId);
    return ok;
  }
}
