import { User } from '../modules/users/user.entity.js';
import { BlacklistedToken } from '../modules/tokens/blacklisted-token.entity.js';
import { OutstandingToken } from '../modules/tokens/outstanding-token.entity.js';
import { Session } from '../modules/tokens/session.entity.js';
import { AccountToken } from '../modules/auth/account-token.entity.js';
import { OutboxMail } from '../modules/mail/outbox-mail.entity.js';
import { MfaChallenge } from '../modules/auth/mfa/mfa-challenge.entity.js';
import { MfaTotp } from '../modules/auth/mfa/mfa-totp.entity.js';
import { RecoveryCode } from '../modules/auth/mfa/recovery-code.entity.js';
import { OauthFlow } from '../modules/social/oauth-flow.entity.js';
import { SocialAccount } from '../modules/social/social-account.entity.js';
import { SecurityEvent } from '../modules/audit/security-event.entity.js';
import { CreateUsersAndSessions1795447945185 } from '../../migrations/1795447945185-CreateUsersAndSessions.js';
import { CreateMailOutboxAndAccountTokens1795450477796 } from '../../migrations/1795450477796-CreateMailOutboxAndAccountTokens.js';
import { CreateSecurityEvents1795451335450 } from '../../migrations/1795451335450-CreateSecurityEvents.js';
import { CreateMfaTables1795452491495 } from '../../migrations/1795452491495-CreateMfaTables.js';
import { CreateSocialAccounts1795453072268 } from '../../migrations/1795453072268-CreateSocialAccounts.js';
import { CreateOauthFlows1795453294684 } from '../../migrations/1795453294684-CreateOauthFlows.js';
import { AddRefreshSuccessor1795968651092 } from '../../migrations/1795968651092-AddRefreshSuccessor.js';
import { AddUsersEmailKey1795968695884 } from '../../migrations/1795968695884-AddUsersEmailKey.js';
import { DropMailOutboxBodies1795968790556 } from '../../migrations/1795968790556-DropMailOutboxBodies.js';
import { AddUsersCredentialsVersion1795972418066 } from '../../migrations/1795972418066-AddUsersCredentialsVersion.js';

// Listed explicitly rather than globbed: globs resolve differently under tsc output and Jest's ESM loader.
export const ENTITIES = [User, Session, OutstandingToken, BlacklistedToken, OutboxMail, AccountToken, SecurityEvent, MfaTotp, RecoveryCode, MfaChallenge, SocialAccount, OauthFlow];
// In the order they were written (their timestamps); TypeORM applies them in this order.
export const MIGRATIONS = [
  CreateUsersAndSessions1795447945185,
  CreateMailOutboxAndAccountTokens1795450477796,
  CreateSecurityEvents1795451335450,
  CreateMfaTables1795452491495,
  CreateSocialAccounts1795453072268,
  CreateOauthFlows1795453294684,
  AddRefreshSuccessor1795968651092,
  AddUsersEmailKey1795968695884,
  DropMailOutboxBodies1795968790556,
  AddUsersCredentialsVersion1795972418066,
];
