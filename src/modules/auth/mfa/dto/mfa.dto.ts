import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalString, RequiredString } from '../../../../common/validation/fields.js';

export class MfaCodeDto {
  @ApiProperty({ description: 'A 6-digit code from the authenticator app', example: '123456' })
  @RequiredString(32)
  code: string;
}

export class MfaDisableDto {
  @ApiPropertyOptional({ description: 'A current TOTP code or an unused recovery code', example: '123456' })
  @OptionalString(32)
  code?: string;

  @ApiPropertyOptional({ description: 'Or the account password', example: 'violet-harbour-lantern-42' })
  @OptionalString(4096)
  password?: string;
}

export class MfaLoginDto {
  @ApiProperty({ description: 'The mfa_token from POST /api/login/', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  @RequiredString(4096)
  mfa_token: string;

  @ApiProperty({ description: 'A TOTP code, or one of the recovery codes', example: '123456' })
  @RequiredString(32)
  code: string;
}

export class TotpSetupResponse {
  @ApiProperty({ description: 'Base32 secret, for manual entry', example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/Auth%20Service:john%40example.com?issuer=Auth%20Service&secret=...&algorithm=SHA1&digits=6&period=30' })
  otpauth_url: string;

  @ApiProperty({ description: 'The otpauth URL as a PNG QR code data URL', example: 'data:image/png;base64,iVBORw0KGgo...' })
  qr_code: string;
}

export class RecoveryCodesResponse {
  @ApiProperty({ type: [String], description: 'Shown once; each works once', example: ['k3j9d-x8q2m', 'p4t7v-b2n6c'] })
  recovery_codes: string[];
}

export class MfaRequiredResponse {
  @ApiProperty({ example: true })
  mfa_required: true;

  @ApiProperty({ description: 'Single-use, 5 minutes; send it with a code to /api/auth/login/mfa/' })
  mfa_token: string;

  @ApiProperty({ example: ['totp', 'recovery_code'] })
  methods: string[];
}
