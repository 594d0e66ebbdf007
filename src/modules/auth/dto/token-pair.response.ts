import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UserResponse } from '../../users/dto/user.response.js';

export class TokenPairResponse {
  @ApiPropertyOptional({ description: 'Access JWT (60 minutes by default). Absent in cookie mode (AUTH_COOKIE=true), where it is set as an HttpOnly cookie', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  access?: string;

  @ApiPropertyOptional({ description: 'Refresh JWT (1 day by default); single use. Absent in cookie mode', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  refresh?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Cookie mode only: when the access cookie expires' })
  access_expiration?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Cookie mode only: when the refresh cookie expires' })
  refresh_expiration?: string;

  @ApiProperty({ type: UserResponse })
  user: UserResponse;
}

export class VerificationSentResponse {
  @ApiProperty({ example: 'Verification e-mail sent.' })
  detail: string;

  @ApiProperty({ type: UserResponse })
  user: UserResponse;
}
