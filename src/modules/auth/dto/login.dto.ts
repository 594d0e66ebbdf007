import { ApiProperty } from '@nestjs/swagger';
import { RequiredString } from '../../../common/validation/fields.js';
import { PASSWORD_FIELD_MAX } from './signup.dto.js';

export class LoginDto {
  @ApiProperty({ format: 'email', example: 'john@example.com' })
  @RequiredString(254)
  email: string;

  @ApiProperty({ example: 'correct-horse-battery' })
  @RequiredString(PASSWORD_FIELD_MAX)
  password: string;
}
