/** `mfa`: the short-lived ticket between a correct password and the second factor. */
export type TokenType = 'access' | 'refresh' | 'mfa';

/** An MFA ticket lives five minutes. */
export const MFA_TOKEN_LIFETIME = 5 * 60;

/** The claims of API.md "Tokens"; `sub` and `user_id` both carry the user id (simplejwt compatibility). */
export interface TokenClaims {
  token_type: TokenType;
  jti: string;
  sub: string;
  user_id: string;
  sid: string;
  iat: number;
  exp: number;
  iss: string;
  aud: string;
}

export interface IssuedToken {
  token: string;
  jti: string;
  /** The `iat` claim as a date (whole seconds). */
  issuedAt: Date;
  expiresAt: Date;
}

export interface TokenPair {
  access: string;
  refresh: string;
}
