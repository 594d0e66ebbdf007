import { ApiProperty } from '@nestjs/swagger';

export class UserResponse {
  @ApiProperty({ format: 'uuid', example: '550e8400-e29b-41d4-a716-446655440000' })
  id: string;

  @ApiProperty({ format: 'email', example: 'john@example.com' })
  email: string;

  @ApiProperty({ example: 'John' })
  first_name: string;

  @ApiProperty({ example: 'Doe' })
  last_name: string;

  @ApiProperty({ type: String, nullable: true, example: null, description: 'E.164, unique when set' })
  phone: string | null;

  @ApiProperty({ example: false })
  email_verified: boolean;

  @ApiProperty({ example: true, description: 'false for accounts that only sign in through a provider' })
  has_password: boolean;

  @ApiProperty({ example: false })
  mfa_enabled: boolean;

  @ApiProperty({ format: 'date-time', example: '2025-10-29T12:00:00Z' })
  date_joined: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, example: '2025-10-29T12:00:00Z' })
  last_login: string | null;
}
