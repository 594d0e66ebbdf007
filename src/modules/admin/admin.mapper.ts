import { toSocialAccountResponse } from '../social/social-account.mapper.js';
import type { SecurityEvent } from '../audit/security-event.entity.js';
import type { User } from '../users/user.entity.js';
import { toUserResponse } from '../users/user.mapper.js';
import type { AdminEventResponse } from './dto/admin-event.dto.js';
import type { AdminUserDetailResponse, AdminUserResponse } from './dto/admin-user.dto.js';
import type { AdminUserDetail } from './admin-users.service.js';

/** What staff see of an account: the profile and its flags, never a hash or a secret. */
export function toAdminUserResponse(user: User): AdminUserResponse {
  return { ...toUserResponse(user), is_active: user.isActive, is_staff: user.isStaff, is_superuser: user.isSuperuser };
}

export function toAdminEventResponse(event: SecurityEvent): AdminEventResponse {
  return {
    id: event.id,
    event: event.event,
    created: event.createdAt.toISOString(),
    user: event.userId ?? event.targetId,
    actor: event.actorId,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details,
  };
}

export function toAdminUserDetailResponse(detail: AdminUserDetail): AdminUserDetailResponse {
  return {
    ...toAdminUserResponse(detail.user),
    sessions: detail.sessions.map((session) => ({
      id: session.id,
      created: session.createdAt.toISOString(),
      last_used: session.lastUsedAt.toISOString(),
      ip: session.ip,
      user_agent: session.userAgent,
      second_factor: session.secondFactor,
    })),
    social_accounts: detail.socialAccounts.map(toSocialAccountResponse),
    mfa: { enabled: detail.mfa.enabled, recovery_codes_left: detail.mfa.recoveryCodesLeft },
    events: detail.events.map(toAdminEventResponse),
  };
}
