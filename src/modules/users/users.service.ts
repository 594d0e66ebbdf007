import { Injectable } from '@nestjs/common';
import { ValidationFailedError } from '../../common/errors/app-error.js';
import { MESSAGES } from '../../common/validation/messages.js';
import type { User } from './user.entity.js';
import { UsersRepository, type ProfileChanges } from './users.repository.js';
import type { PatchProfileDto } from './dto/update-profile.dto.js';

@Injectable()
export class UsersService {
  constructor(private readonly users: UsersRepository) {}

  /** `user` is the active user the authentication step loaded for this request. */
  async updateProfile(user: User, dto: PatchProfileDto): Promise<User> {
    const changes: ProfileChanges = {};
    if (dto.first_name !== undefined) changes.firstName = dto.first_name;
    if (dto.last_name !== undefined) changes.lastName = dto.last_name;
    if (dto.phone !== undefined) {
      if (dto.phone !== null && (await this.users.phoneTaken(dto.phone, user.id))) {
        throw ValidationFailedError.field('phone', MESSAGES.phoneTaken);
      }
      changes.phone = dto.phone;
    }
    await this.users.updateProfile(user.id, changes);
    return { ...user, ...changes };
  }
}
