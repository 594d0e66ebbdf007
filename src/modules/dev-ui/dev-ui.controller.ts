import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../common/decorators/public.decorator.js';
import { DEV_UI_HTML, DEV_UI_SCRIPT } from './dev-ui.page.js';

/** Its own CSP: scripts from this origin only, calls to this origin only, QR codes as data: images. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'";

/** GET /api/auth/ui/: the developer test page, mounted only when AUTH_DEV_UI=true (never in production). */
@ApiExcludeController()
@Public()
@Controller('api/auth/ui')
export class DevUiController {
  @Get()
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CSP)
  page(): string {
    return DEV_UI_HTML;
  }

  @Get('app.js')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('content-security-policy', CSP)
  script(): string {
    return DEV_UI_SCRIPT;
  }
}
