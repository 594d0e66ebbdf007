import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { PROCESS_ROLE, type ProcessRole } from '../../common/process-role.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { adminConfig, type AdminConfig } from '../../config/admin.config.js';
import { ConfigError } from '../../config/env.js';
import { UsersService } from '../users/users.service.js';
import { SuperusersService } from './superusers.service.js';

/**
 * ADMIN_BOOTSTRAP_EMAIL/PASSWORD: the server's start creates that superuser while there is no
 * superuser at all, so a fresh deployment (a container, say) has an operator without a shell.
 * Later starts find one and do nothing, even when the settings stay. The password is never
 * logged; a policy refusal stops the start naming the setting, before the service listens.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('AdminBootstrap');

  constructor(
    @Inject(adminConfig.KEY) private readonly config: AdminConfig,
    @Inject(PROCESS_ROLE) private readonly role: ProcessRole,
    private readonly superusers: SuperusersService,
    private readonly users: UsersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const wanted = this.config.bootstrap;
    // The CLI never bootstraps: a command does what it says and nothing else.
    if (!wanted || this.role !== 'server' || (await this.superusers.anySuperuser())) return;
    try {
      const user = await this.superusers.create({ user: null, client: null }, { email: wanted.email, password: wanted.password }, { via: 'bootstrap' });
      this.logger.log({ userId: user.id, email: user.email }, `Created the superuser ${user.email} (ADMIN_BOOTSTRAP_EMAIL): the database had none`);
    } catch (error) {
      if (!(error instanceof ValidationFailedError)) throw error;
      const { email, password } = error.fields;
      if (email?.includes(MESSAGES.emailTaken)) return this.addressTaken(wanted.email);
      if (password) throw new ConfigError('ADMIN_BOOTSTRAP_PASSWORD', `is refused by the password policy: ${password.join(' ')}`);
      if (email) throw new ConfigError('ADMIN_BOOTSTRAP_EMAIL', `is refused: ${email.join(' ')}`);
      throw error;
    }
  }

  /**
   * The address has an account already. Made by another instance starting at the same moment:
   * nothing to say. Anyone else's account is never promoted, since whoever signed up with the
   * address first would get superuser rights. The start goes on with an error in the log rather
   * than stopping: a refusal would let whoever holds the address keep the service down (an
   * upgrade of a deployment that already has users, say), and the CLI can make the superuser.
   */
  private async addressTaken(email: string): Promise<void> {
    const holder = await this.users.findByEmail(email);
    if (holder?.isSuperuser) return;
    this.logger.error(
      `ADMIN_BOOTSTRAP_EMAIL (${email}) belongs to an existing account that is not a superuser: it was not promoted and no superuser was created. ` +
        'Promote it knowingly (cli users:set-superuser <email> true) or create one (cli createsuperuser --email <email>).',
    );
  }
}
