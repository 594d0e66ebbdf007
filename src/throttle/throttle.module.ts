import { Global, Module } from '@nestjs/common';
import { RateLimitGuard } from './rate-limit.guard.js';
import { ThrottlePolicies } from './throttle-policies.js';

@Global()
@Module({ providers: [ThrottlePolicies, RateLimitGuard], exports: [ThrottlePolicies, RateLimitGuard] })
export class ThrottleModule {}
