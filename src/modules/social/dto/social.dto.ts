import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalString, RequiredString } from '../../../common/validation/fields.js';

export class SocialLoginDto {
  @ApiPropertyOptional({ description: 'Google: an ID token (GIS `credential`) or an OAuth access token. Facebook: the user access token. Microsoft: an MSAL access token for Graph (User.Read).' })
  @OptionalString(8192)
  access_token?: string;

  @ApiPropertyOptional({ description: 'Google or Microsoft ID token' })
  @OptionalString(8192)
  id_token?: string;

  @ApiPropertyOptional({ description: 'Authorization code (Google, GitHub)' })
  @OptionalString(2048)
  code?: string;

  @ApiPropertyOptional({ description: 'The redirect_uri used to obtain `code`' })
  @OptionalString(2048)
  redirect_uri?: string;

  @ApiPropertyOptional({ description: 'PKCE verifier for `code` (Google)' })
  @OptionalString(256)
  code_verifier?: string;
}

export class ExchangeDto {
  @ApiProperty({ description: 'The one-time `code` the redirect flow put in the frontend URL' })
  @RequiredString(128)
  code: string;
}

export class SocialAccountResponse {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['google', 'facebook', 'microsoft', 'github'] })
  provider: string;

  @ApiProperty({ description: "The provider's stable id (Microsoft: tid:oid)" })
  uid: string;

  @ApiProperty({ type: String, nullable: true })
  email: string | null;

  @ApiProperty({ format: 'date-time' })
  date_joined: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_login: string | null;
}
