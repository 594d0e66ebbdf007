import { ApiProperty } from '@nestjs/swagger';
import { UserResponse } from '../../users/dto/user.response.js';

export class TokenPairResponse {
  @ApiProperty({ description: 'Access JWT (60 minutes by default)', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  access: string;

  @ApiProperty({ description: 'Refresh JWT (1 day by default); single use', example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...' })
  refresh: string;

  @ApiProperty({ type: UserResponse })
  user: UserResponse;
}

export class VerificationSentResponse {
  @ApiProperty({ example: 'Verification e-mail sent.' })
  detail: string;

  @ApiProperty({ type: UserResponse })
  user: UserResponse;
}
