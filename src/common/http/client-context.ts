import type { FastifyRequest } from 'fastify';
import type { ClientContext } from '../../modules/tokens/sessions.service.js';

/** The caller's address honours TRUST_PROXY (Fastify's trustProxy hop count), never a raw X-Forwarded-For. */
export function clientContext(request: FastifyRequest): ClientContext {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof userAgent === 'string' ? userAgent : null };
}
