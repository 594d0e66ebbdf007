import { createHash } from 'node:crypto';
import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { ADMIN_UI_HTML, ADMIN_UI_STYLE } from './admin-ui.page.js';
import { ADMIN_UI_SCRIPT } from './admin-ui.script.js';

const STYLE_HASH = createHash('sha256').update(ADMIN_UI_STYLE).digest('base64');

/**
 * Its own CSP: the script from this origin only, the one stylesheet by its hash (no other inline
 * style), calls to this origin only, no images, frames, forms or base URL. Trusted Types are
 * required, so the browser itself refuses any markup the script might try to write as HTML.
 */
export const ADMIN_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "connect-src 'self'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** GET /api/admin/ui/: the admin page, mounted only when ADMIN_UI=true; it holds no data, the admin API decides who sees what. */
@ApiExcludeController()
@Public()
@Controller('api/admin/ui')
export class AdminUiController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', ADMIN_UI_CSP)
  page(): string {
    return ADMIN_UI_HTML;
  }

  @Get('app.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('content-security-policy', ADMIN_UI_CSP)
  script(): string {
    return ADMIN_UI_SCRIPT;
  }
}
