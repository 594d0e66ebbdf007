import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { MESSAGES } from '../../../common/validation/messages.js';
import { PASSWORD_FIELD_MAX } from '../../auth/dto/signup.dto.js';

export class DeleteAccountDto {
  @ApiPropertyOptional({ example: 'correct-horse-battery', description: 'Required when the account has a password' })
  @IsOptional()
  @IsString({ message: MESSAGES.notString })
  @MaxLength(PASSWORD_FIELD_MAX, { message: MESSAGES.maxLength(PASSWORD_FIELD_MAX) })
  password?: string;
}
