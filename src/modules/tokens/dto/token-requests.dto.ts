import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalBoolean, OptionalString, RequiredString } from '../../../common/validation/fields.js';

const JWT_MAX = 4096;

export class RefreshDto {
  @ApiPropertyOptional({ description: 'The refresh JWT; it is spent by this call. In cookie mode it may come from the refresh cookie instead.', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  @OptionalString(JWT_MAX)
  refresh?: string;
}

export class VerifyDto {
  @ApiProperty({ description: 'An access or refresh JWT', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  @RequiredString(JWT_MAX)
  token: string;
}

export class LogoutDto {
  @ApiPropertyOptional({ description: 'The refresh JWT of the session to end; defaults to the bearer token\'s session' })
  @OptionalString(JWT_MAX)
  refresh?: string;

  @ApiPropertyOptional({ description: 'End every session of the user', example: false })
  @OptionalBoolean()
  all?: boolean;
}
