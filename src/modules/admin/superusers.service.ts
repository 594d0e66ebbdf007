import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import type { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ValidationFailedError, type FieldErrors } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import { DrfValidationPipe } from '../../common/validation/validation.pipe.js';
import type { AdminActor } from '../audit/security-events.service.js';
import { SecurityEventsService } from '../audit/security-events.service.js';
import { checkNewPassword } from '../auth/password-policy.js';
import { PasswordService } from '../auth/password.service.js';
import type { User } from '../users/user.entity.js';
import { UsersService } from '../users/users.service.js';
import { CreateSuperuserDto } from './dto/create-superuser.dto.js';

export interface NewSuperuser {
  email: string;
  password: string;
  /** The password typed a second time, when it was typed (the CLI's prompt). */
  confirmation?: string;
}

/**
 * Makes superusers: the CLI's createsuperuser and the bootstrap at start (ADMIN_BOOTSTRAP_*).
 * Never by promoting an account found under the address: whoever signed up with it first would
 * get the rights.
 */
@Injectable()
export class SuperusersService {
  private readonly validation = new DrfValidationPipe();

  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly users: UsersService,
    private readonly passwords: PasswordService,
    private readonly events: SecurityEventsService,
  ) {}

  anySuperuser(): Promise<boolean> {
    return this.users.anySuperuser();
  }

  /**
   * A new staff and superuser account with a verified address (the operator vouches for it),
   * on record as admin_superuser_created with `details`. Signup's checks and messages: a valid
   * address not yet taken (400 on `email`), a password the policy accepts (400 on `password`).
   */
  async create(actor: AdminActor, input: NewSuperuser, details: Record<string, unknown> = {}): Promise<User> {
    const { email, password } = (await this.validation.transform({ email: input.email, password: input.password }, { type: 'body', metatype: CreateSuperuserDto })) as CreateSuperuserDto;
    const errors: FieldErrors = {};
    if (await this.users.emailExists(email)) errors.email = [MESSAGES.emailTaken];
    const problems = checkNewPassword(password, input.confirmation ?? password, { email });
    if (problems.length) errors.password = problems;
    if (Object.keys(errors).length) throw new ValidationFailedError(errors);

    const passwordHash = await this.passwords.hash(password);
    return this.txHost.withTransaction(async () => {
      // A unique address: of two creations at once, the second fails here with the same 400.
      const user = await this.users.register({ id: randomUUID(), email, passwordHash, isStaff: true, isSuperuser: true, emailVerified: true, dateJoined: new Date() });
      await this.events.recordAdmin('admin_superuser_created', actor, user.id, { email: user.email, ...details });
      return user;
    });
  }
}
