import { Global, Module } from '@nestjs/common';
import { RateLimitStore } from './rate-limit.store.js';

@Global()
@Module({ providers: [RateLimitStore], exports: [RateLimitStore] })
export class ThrottleModule {}
