import { Module } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { JwtModule } from '@nestjs/jwt';
import { authConfig } from '../../config/auth.config.js';
import { TokenKeysService } from './token-keys.service.js';

@Module({ providers: [TokenKeysService], exports: [TokenKeysService] })
class KeysModule {}

/** JwtService signing and verifying with our KeyObjects and a one-algorithm allow-list. */
export const TokenJwtModule = JwtModule.registerAsync({
  imports: [KeysModule],
  inject: [TokenKeysService, authConfig.KEY],
  useFactory: (keys: TokenKeysService, config: ConfigType<typeof authConfig>) => ({
    privateKey: keys.signingKey,
    publicKey: keys.verifyKey,
    signOptions: { algorithm: keys.algorithm, keyid: keys.kid },
    verifyOptions: { algorithms: [keys.algorithm], issuer: config.issuer, audience: config.audience },
  }),
});

export { KeysModule as TokenKeysModule };
