import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { PatchString, PhoneField, RequiredString } from '../../../common/validation/fields.js';

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

/** PATCH /api/me/: any subset of the editable fields; null only for the phone (it clears it). */
export class PatchProfileDto {
  @ApiPropertyOptional({ example: 'John', maxLength: 150 })
  @PatchString(150)
  first_name?: string;

  @ApiPropertyOptional({ example: 'Doe', maxLength: 150 })
  @PatchString(150)
  last_name?: string;

  @ApiPropertyOptional({ type: String, nullable: true, example: '+14155550123', description: 'E.164; null or "" clears it' })
  @PhoneField({ required: false })
  phone?: string | null;
}
