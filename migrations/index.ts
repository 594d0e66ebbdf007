import { CreateUsersAndSessions1795447945185 } from './1795447945185-CreateUsersAndSessions.js';
import { CreateMailOutboxAndAccountTokens1795450477796 } from './1795450477796-CreateMailOutboxAndAccountTokens.js';
import { CreateSecurityEvents1795451335450 } from './1795451335450-CreateSecurityEvents.js';
import { CreateMfaTables1795452491495 } from './1795452491495-CreateMfaTables.js';
import { CreateSocialAccounts1795453072268 } from './1795453072268-CreateSocialAccounts.js';
import { CreateOauthFlows1795453294684 } from './1795453294684-CreateOauthFlows.js';
import { AddRefreshSuccessor1795968651092 } from './1795968651092-AddRefreshSuccessor.js';
import { AddUsersEmailKey1795968695884 } from './1795968695884-AddUsersEmailKey.js';
import { DropMailOutboxBodies1795968790556 } from './1795968790556-DropMailOutboxBodies.js';
import { AddUsersCredentialsVersion1795972418066 } from './1795972418066-AddUsersCredentialsVersion.js';
import { AddOauthFlowCredentialsVersion1795984090276 } from './1795984090276-AddOauthFlowCredentialsVersion.js';
import { AddOperators1795989900752 } from './1795989900752-AddOperators.js';
import { AddRetentionIndexes1795992150973 } from './1795992150973-AddRetentionIndexes.js';

/**
 * Every migration, in the order it was written (its timestamp); TypeORM applies them in this
 * order. Listed rather than globbed: globs resolve differently under tsc output and Jest's ESM
 * loader. Entities are not listed anywhere: each module registers its own (TypeOrmModule.forFeature).
 */
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
  AddOauthFlowCredentialsVersion1795984090276,
  AddOperators1795989900752,
  AddRetentionIndexes1795992150973,
];
