import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TokenKeysService } from './token-keys.service.js';

@Module({ providers: [TokenKeysService], exports: [TokenKeysService] })
class KeysModule {}

/**
 * JwtService signing with our KeyObject. It has no verification options of its own:
 * TokenVerifierService (./authentication/) passes the one set with every verification.
 */
export const TokenJwtModule = JwtModule.registerAsync({
  imports: [KeysModule],
  inject: [TokenKeysService],
  useFactory: (keys: TokenKeysService) => ({
    privateKey: keys.signingKey,
    signOptions: { algorithm: keys.algorithm, keyid: keys.kid },
  }),
});

export { KeysModule as TokenKeysModule };
