import { SetMetadata } from '@nestjs/common';

export const IS_OPTIONAL_AUTH = 'isOptionalAuth';

/** A bearer token is used when present (and must then be valid), but is not required. */
export const OptionalAuth = () => SetMetadata(IS_OPTIONAL_AUTH, true);
