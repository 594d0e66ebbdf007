import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalString, RequiredEmail, RequiredString } from '../../../common/validation/fields.js';
import { PASSWORD_FIELD_MAX } from './signup.dto.js';

export class VerifyEmailDto {
  @ApiProperty({ description: 'The `key` from the verification link', example: 'kX3v0b6JmZ0c2S1f2c5y8Q0a9m4t7r1w3e6u9i2o5p8' })
  @RequiredString(128)
  key: string;

  @ApiPropertyOptional({
    description:
      'The account\'s password. With it (or with a bearer token or cookie of one of the account\'s own sessions) everything on the account is kept; without either, the password, sessions, MFA and linked providers set up before the address was confirmed are revoked.',
    example: 'violet-harbour-lantern-42',
  })
  @OptionalString(PASSWORD_FIELD_MAX)
  password?: string;
}

export class EmailDto {
  @ApiProperty({ format: 'email', example: 'john@example.com' })
  @RequiredEmail()
  email: string;
}

export class PasswordChangeDto {
  @ApiPropertyOptional({ example: 'violet-harbour-lantern-42', description: 'Required when the account has a password' })
  @OptionalString(PASSWORD_FIELD_MAX)
  old_password?: string;

  @ApiProperty({ example: 'quiet-meadow-copper-77' })
  @RequiredString(PASSWORD_FIELD_MAX)
  new_password1: string;

  @ApiProperty({ example: 'quiet-meadow-copper-77' })
  @RequiredString(PASSWORD_FIELD_MAX)
  new_password2: string;
}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The `uid` from the reset link', example: 'NTUwZTg0MDAtZTI5Yi00MWQ0LWE3MTYtNDQ2NjU1NDQwMDAw' })
  @RequiredString(128)
  uid: string;

  @ApiProperty({ description: 'The `token` from the reset link', example: 'Zk9yR2V0TWVOb3Q...' })
  @RequiredString(128)
  token: string;

  @ApiProperty({ example: 'quiet-meadow-copper-77' })
  @RequiredString(PASSWORD_FIELD_MAX)
  new_password1: string;

  @ApiProperty({ example: 'quiet-meadow-copper-77' })
  @RequiredString(PASSWORD_FIELD_MAX)
  new_password2: string;
}
