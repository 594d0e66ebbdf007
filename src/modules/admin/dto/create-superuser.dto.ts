import { RequiredEmail, RequiredString } from '../../../common/validation/fields.js';
import { PASSWORD_FIELD_MAX } from '../../auth/dto/signup.dto.js';

/** A new superuser's address and password (CLI createsuperuser, ADMIN_BOOTSTRAP_*), under signup's field rules and messages. */
export class CreateSuperuserDto {
  @RequiredEmail()
  email: string;

  @RequiredString(PASSWORD_FIELD_MAX)
  password: string;
}
