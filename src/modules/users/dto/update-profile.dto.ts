import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { PhoneField, RequiredString } from '../../../common/validation/fields.js';

/** PUT /api/me/: every editable field. Anything else in the body (email, is_staff, ...) is ignored. */
export class UpdateProfileDto {
  @ApiProperty({ example: 'John', maxLength: 150 })
  @RequiredString(150, { allowBlank: true })
  first_name: string;

  @ApiProperty({ example: 'Doe', maxLength: 150 })
  @RequiredString(150, { allowBlank: true })
  last_name: string;

  @ApiProperty({ type: String, nullable: true, example: '+14155550123', description: 'E.164; null or "" clears it' })
  @PhoneField({ required: true })
  phone: string | null;
}

/** PATCH /api/me/: any subset of the editable fields. */
export class PatchProfileDto extends PartialType(UpdateProfileDto) {
  @ApiPropertyOptional({ type: String, nullable: true, example: '+14155550123', description: 'E.164; null or "" clears it' })
  @PhoneField({ required: false })
  declare phone?: string | null;
}
