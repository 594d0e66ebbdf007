import { applyDecorators, Controller, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminMfaRequiredError, PermissionDeniedError, UserInactiveError } from '../../common/errors/app-error.js';
import { ApiErrors } from '../../common/swagger/api-errors.decorator.js';
import { StaffGuard } from './staff.guard.js';

/**
 * A controller of the admin API: its routes are under /api/admin/, staff only (StaffGuard), in
 * the OpenAPI document under the `admin` tag with their 401 and 403 answers. Every admin
 * controller is declared with this, so none can be mounted without the guard (admin-roles
 * e2e test walks the OpenAPI paths to prove it).
 */
export function AdminController(path: string) {
  return applyDecorators(
    Controller(`api/admin/${path}`),
    UseGuards(StaffGuard),
    ApiTags('admin'),
    ApiBearerAuth(),
    ApiErrors(401, {
      description: 'Not staff, staff without the MFA step (ADMIN_REQUIRE_MFA), a disabled account, or (writes) staff acting on another staff account without superuser rights',
      errors: [new PermissionDeniedError(), new AdminMfaRequiredError(), new UserInactiveError()],
    }),
  );
}
