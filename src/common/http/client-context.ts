import type { FastifyRequest } from 'fastify';

export interface ClientContext {
  ip: string | null;
  userAgent: string | null;
}

/** The caller's address honours TRUST_PROXY (Fastify's trustProxy hop count), never a raw X-Forwarded-For. */
export function clientContext(request: FastifyRequest): ClientContext {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent : null };
}
