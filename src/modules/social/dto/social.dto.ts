import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalString, RequiredString } from '../../../common/validation/fields.js';
import { PROVIDER_NAMES } from '../providers/registry.js';

export class SocialLoginDto {
  @ApiPropertyOptional({ description: 'Google: an ID token (GIS `credential`) or an OAuth access token. Facebook: the user access token. Microsoft: an MSAL access token for Graph (User.Read). A JWT over 8192 characters or an opaque token over 4096 is refused as "OAuth token invalid."' })
  @OptionalString(16384)
  access_token?: string;

  @ApiPropertyOptional({ description: 'Google or Microsoft ID token (RS256; at most 8192 characters)' })
  @OptionalString(16384)
  id_token?: string;

  @ApiPropertyOptional({ description: 'Authorization code (Google, GitHub); visible ASCII, at most 2048 characters' })
  @OptionalString(4096)
  code?: string;

  @ApiPropertyOptional({ description: 'The redirect_uri used to obtain `code` (an http(s) URL)' })
  @OptionalString(4096)
  redirect_uri?: string;

  @ApiPropertyOptional({ description: 'PKCE verifier for `code` (Google, GitHub; RFC 7636: 43–128 unreserved characters)' })
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

  @ApiProperty({ enum: PROVIDER_NAMES })
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
