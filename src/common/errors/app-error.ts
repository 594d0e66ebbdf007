/**
 * Domain errors carry the HTTP status, the machine-readable `code` and the exact `detail`
 * text of API.md. The global exception filter renders them; nothing else decides a shape.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly headers: Record<string, string> = {};

  constructor(readonly detail: string) {
    super(detail);
    this.name = new.target.name;
  }

  body(): Record<string, unknown> {
    return { detail: this.detail, code: this.code };
  }
}

export type FieldErrors = Record<string, string[]>;

/** DRF's 400 shape: a map of field to messages; errors tied to no field go under non_field_errors. */
export class ValidationFailedError extends AppError {
  readonly status = 400;
  readonly code = 'invalid';

  constructor(readonly fields: FieldErrors) {
    super('Invalid input.');
  }

  static field(field: string, message: string): ValidationFailedError {
    return new ValidationFailedError({ [field]: [message] });
  }

  override body(): Record<string, unknown> {
    return { ...this.fields };
  }
}

abstract class UnauthorizedError extends AppError {
  readonly status = 401;
  // RFC 6750 §3: a 401 on a bearer-protected resource names the scheme.
  override readonly headers = { 'WWW-Authenticate': 'Bearer realm="api"' };
}

export class AuthenticationFailedError extends UnauthorizedError {
  readonly code = 'authentication_failed';
  constructor() {
    super('Invalid email or password.');
  }
}

export class NotAuthenticatedError extends UnauthorizedError {
  readonly code = 'not_authenticated';
  constructor() {
    super('Authentication credentials were not provided.');
  }
}

export class TokenNotValidError extends UnauthorizedError {
  readonly code = 'token_not_valid';
  constructor() {
    super('Given token not valid for any token type');
  }
}

export class UserInactiveError extends AppError {
  readonly status = 403;
  readonly code = 'user_inactive';
  constructor() {
    super('User account is disabled.');
  }
}

export class PermissionDeniedError extends AppError {
  readonly status = 403;
  readonly code = 'permission_denied';
  constructor(detail = 'You do not have permission to perform this action.') {
    super(detail);
  }
}

/** ADMIN_REQUIRE_MFA: the admin API wants a session opened with the second factor, not only an account that has one. */
export class AdminMfaRequiredError extends AppError {
  readonly status = 403;
  readonly code = 'admin_mfa_required';
  constructor() {
    super('The admin API requires two-factor authentication: turn on MFA and sign in again with your code.');
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code = 'not_found';
  constructor(detail = 'Not found.') {
    super(detail);
  }
}

/** RFC 9110 §15.5.6: a 405 lists in Allow the methods the resource does answer. */
export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  readonly code = 'method_not_allowed';
  override readonly headers: Record<string, string>;

  constructor(method: string, allowed: string[]) {
    super(`Method "${method}" not allowed.`);
    this.headers = { Allow: allowed.join(', ') };
  }
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly code = 'service_unavailable';
  override readonly headers = { 'Retry-After': '5' };
  constructor(detail = 'Service temporarily unavailable, try again later.') {
    super(detail);
  }
}

export class ThrottledError extends AppError {
  readonly status = 429;
  readonly code = 'throttled';
  override readonly headers: Record<string, string>;

  constructor(readonly retryAfterSeconds: number) {
    super(`Request was throttled. Expected available in ${retryAfterSeconds} seconds.`);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}

export class EmailNotVerifiedError extends AppError {
  readonly status = 403;
  readonly code = 'email_not_verified';
  constructor() {
    super('E-mail is not verified.');
  }
}

export class CsrfFailedError extends AppError {
  readonly status = 403;
  readonly code = 'csrf_failed';
  constructor() {
    super('CSRF Failed: CSRF token missing or incorrect.');
  }
}

export class OAuthTokenInvalidError extends AppError {
  readonly status = 400;
  readonly code = 'oauth_token_invalid';
  constructor() {
    super('OAuth token invalid.');
  }
}

export class ProviderNotConfiguredError extends AppError {
  readonly status = 404;
  readonly code = 'provider_not_configured';
  constructor(provider: string) {
    super(`Sign-in with ${provider} is not configured on this server.`);
  }
}

/** A body that is not valid JSON (or nested deeper than JSON_MAX_DEPTH). */
export class ParseError extends AppError {
  readonly status = 400;
  readonly code = 'parse_error';
  constructor() {
    super('JSON parse error.');
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
  constructor() {
    super('Request body is too large.');
  }
}

export class UriTooLongError extends AppError {
  readonly status = 414;
  readonly code = 'uri_too_long';
  constructor() {
    super('Request URI is too long.');
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly code = 'unsupported_media_type';
  constructor() {
    super('Unsupported media type in request. Use application/json.');
  }
}

/** A 4xx raised by the framework for which the contract has no message of its own. */
export class RequestFailedError extends AppError {
  readonly code = 'error';
  constructor(readonly status: number) {
    super('Request failed.');
  }
}

/** Anything unexpected: logged with the request id, answered without any detail of the cause. */
export class InternalServerError extends AppError {
  readonly status = 500;
  readonly code = 'server_error';
  constructor() {
    super('Internal server error.');
  }
}
