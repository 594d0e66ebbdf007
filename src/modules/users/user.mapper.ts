import type { User } from './user.entity.js';
import type { UserResponse } from './dto/user.response.js';

/** The only way a user leaves the service: no hash, flag or secret beyond these fields. */
export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    first_name: user.firstName,
    last_name: user.lastName,
    phone: user.phone,
    email_verified: user.emailVerified,
    has_password: user.passwordHash !== null,
    mfa_enabled: user.mfaEnabled,
    date_joined: user.dateJoined.toISOString(),
    last_login: user.lastLogin ? user.lastLogin.toISOString() : null,
  };
}
