import { ApiProperty } from '@nestjs/swagger';

export class ErrorResponse {
  @ApiProperty({ example: 'Given token not valid for any token type' })
  detail: string;

  @ApiProperty({ example: 'token_not_valid' })
  code: string;
}

export class DetailResponse {
  @ApiProperty({ example: 'Successfully logged out.' })
  detail: string;
}
