import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { OptionalString, PhoneField, RequiredEmail, RequiredString } from '../../../common/validation/fields.js';

/** Longest password string accepted at all; the policy caps real passwords at 128 code points. */
export const PASSWORD_FIELD_MAX = 4096;

export class SignupDto {
  @ApiProperty({ format: 'email', example: 'john@example.com' })
  @RequiredEmail()
  email: string;

  @ApiProperty({ example: 'correct-horse-battery', minLength: 8, maxLength: 128, description: '8–128 characters; not common, not all digits, not like the email or name' })
  @RequiredString(PASSWORD_FIELD_MAX)
  password: string;

  @ApiProperty({ example: 'correct-horse-battery' })
  @RequiredString(PASSWORD_FIELD_MAX)
  password_confirm: string;

  @ApiPropertyOptional({ example: 'John', maxLength: 150 })
  @OptionalString(150)
  first_name?: string;

  @ApiPropertyOptional({ example: 'Doe', maxLength: 150 })
  @OptionalString(150)
  last_name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+14155550123', description: 'E.164, unique when set' })
  @PhoneField({ required: false })
  phone?: string | null;
}
