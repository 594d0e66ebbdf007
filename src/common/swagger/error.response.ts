import { ApiProperty } from '@nestjs/swagger';
import { TokenNotValidError } from '../errors/app-error.js';

const EXAMPLE = new TokenNotValidError();

export class ErrorResponse {
  @ApiProperty({ example: EXAMPLE.detail })
  detail: string;

  @ApiProperty({ example: EXAMPLE.code })
  code: string;
}

export class DetailResponse {
  @ApiProperty({ example: 'Successfully logged out.' })
  detail: string;
}
