import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class RefreshResponse {
  @ApiPropertyOptional({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...', description: 'Absent in cookie mode (set as a cookie)' })
  access?: string;

  @ApiPropertyOptional({ example: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...', description: 'The successor refresh token; the one sent is now spent. Absent in cookie mode' })
  refresh?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Cookie mode only' })
  access_expiration?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Cookie mode only' })
  refresh_expiration?: string;
}

export class SessionResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'date-time' })
  created: string;

  @ApiProperty({ format: 'date-time', description: 'Sign-in or last token refresh' })
  last_used: string;

  @ApiProperty({ type: String, nullable: true, example: '203.0.113.7' })
  ip: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Mozilla/5.0' })
  user_agent: string | null;

  @ApiProperty({ description: 'True for the session of the token making this request' })
  current: boolean;
}

export class JwksResponse {
  @ApiProperty({ type: 'array', items: { type: 'object' }, example: [{ kty: 'RSA', n: '...', e: 'AQAB', kid: '...', alg: 'RS256', use: 'sig' }] })
  keys: object[];
}
