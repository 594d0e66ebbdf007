import type { SocialAccountResponse } from './dto/social.dto.js';
import type { SocialAccount } from './social-account.entity.js';

export function toSocialAccountResponse(account: SocialAccount): SocialAccountResponse {
  return {
    id: account.id,
    provider: account.provider,
    uid: account.uid,
    email: account.email,
    date_joined: account.dateJoined.toISOString(),
    last_login: account.lastLogin ? account.lastLogin.toISOString() : null,
  };
}
