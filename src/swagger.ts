import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { MethodNotAllowedError } from './common/errors/app-error.js';
import { MESSAGES } from './common/validation/messages.js';
import type { SocialConfig } from './config/social.config.js';
import { PROVIDER_NAMES, PROVIDERS } from './modules/social/providers/registry.js';

/** Providers without credentials answer 404 provider_not_configured; the document says which. */
function markUnconfiguredProviders(document: OpenAPIObject, social: SocialConfig): void {
  for (const provider of PROVIDER_NAMES) {
    const operation = document.paths[`/api/auth/${provider}`]?.post;
    if (!operation || PROVIDERS[provider].configured(social)) continue;
    operation.summary = `${operation.summary} (not configured on this server)`;
    operation.description = `**Not configured on this server: answers 404 provider_not_configured.** ${operation.description ?? ''}`;
  }
}

/** Swagger UI at /api/docs/ from swagger-ui-dist in node_modules (no CDN); the document at /api/docs-json. */
export function setupSwagger(app: INestApplication, social: SocialConfig): void {
  const config = new DocumentBuilder()
    .setTitle('Auth service')
    .setDescription(
      'Email/password sign-up and login, JWT access/refresh pairs, sessions and the account. ' +
        'Press **Authorize** and paste an `access` token from signup or login to call protected endpoints. ' +
        'Errors: 400 is a map of field → messages; other errors are `{"detail", "code"}`. ' +
        `A method a path does not take is 405 \`${JSON.stringify(new MethodNotAllowedError('GET', []).body())}\` with an \`Allow\` header listing the ones it does; ` +
        `text fields refuse NUL and lone UTF-16 surrogates with a 400 ("${MESSAGES.nullCharacters}").`,
    )
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The `access` token from signup, login or refresh' })
    .addBasicAuth({ type: 'http', scheme: 'basic', description: 'Login only: email and password' })
    .addTag(
      'admin',
      'Operators: staff only (`is_staff`, read from the database on every request). Granting or removing staff and superuser rights, and changing another staff account, need `is_superuser`. ' +
        'With ADMIN_REQUIRE_MFA (on by default in production) the session must have been opened through the MFA step: otherwise 403 `admin_mfa_required`. ' +
        'Every change is an audit event with the actor, the target and the change (GET /api/admin/events/). The last active superuser cannot be deactivated, demoted or deleted.',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  markUnconfiguredProviders(document, social);
  SwaggerModule.setup('api/docs', app, document, {
    jsonDocumentUrl: 'api/docs-json',
    yamlDocumentUrl: 'api/docs-yaml',
    customSiteTitle: 'Auth service API',
    swaggerOptions: { persistAuthorization: false, displayRequestDuration: true },
  });
}
