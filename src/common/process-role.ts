import { Global, Module, type DynamicModule } from '@nestjs/common';

/**
 * Which program this process is. The server also does the background work of the service (the
 * mail outbox worker, the superuser bootstrap); the operator CLI runs one command and exits, and
 * does nothing else on the way: it would otherwise deliver queued mail with whatever settings the
 * operator's shell has, or keep the process alive.
 */
export type ProcessRole = 'server' | 'cli';

export const PROCESS_ROLE = Symbol('PROCESS_ROLE');

@Global()
@Module({})
export class ProcessRoleModule {
  static forRoot(role: ProcessRole): DynamicModule {
    return { module: ProcessRoleModule, providers: [{ provide: PROCESS_ROLE, useValue: role }], exports: [PROCESS_ROLE] };
  }
}
