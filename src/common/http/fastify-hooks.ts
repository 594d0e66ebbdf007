import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MethodNotAllowedError, ParseError, UnsupportedMediaTypeError, ValidationFailedError } from '../errors/app-error.js';
import { renderError } from '../errors/render-error.js';
import { unstorableFields } from '../validation/storable-text.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const REQUEST_ID = /^[\w.:-]{1,64}$/;

function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth > max) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** A caller-supplied X-Request-Id is kept when it is short and plain, so logs can be joined across services. */
export function requestId(request: { headers: Record<string, unknown> }): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * Fastify answers a bad URL or an over-long path parameter (414) before any route, hook or
 * Nest filter runs, with its own body echoing the path; this gives them the contract's shape.
 */
export function frameworkErrors(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const rendered = renderError(error);
  if (rendered.unexpected) request.log.error({ err: { type: error.name, message: error.message } }, 'request failed');
  reply.status(rendered.status).headers(rendered.headers).header('cache-control', 'no-store').header('x-request-id', request.id).send(rendered.body);
}

/**
 * JSON only (415 otherwise), bounded in size (Fastify's bodyLimit, 413) and nesting depth (400),
 * prototype-poisoning keys refused (SECURITY.md 26), strings PostgreSQL cannot store refused
 * with a 400 field error, and an id on every response.
 */
export function installHttpHooks(fastify: FastifyInstance, maxDepth: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request: FastifyRequest, body: string | Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    parseJson(request, body as string, (error: Error | null, parsed?: unknown) => {
      if (error) return done(error, undefined);
      if (depthExceeds(parsed, maxDepth)) return done(new ParseError(), undefined);
      done(null, parsed);
    });
  });

  // A path that exists under other methods is 405 with Allow, not 404 (API.md). OPTIONS is
  // listed when it is answered (CORS preflights), but on its own it does not make a path exist.
  fastify.addHook('onRequest', async (request) => {
    if (!request.is404) return;
    const url = request.url.split('?')[0];
    const allowed = METHODS.filter((method) => fastify.findRoute({ method, url }));
    if (!allowed.length) return;
    if (fastify.findRoute({ method: 'OPTIONS', url })) allowed.push('OPTIONS');
    throw new MethodNotAllowedError(request.method, allowed);
  });

  fastify.addHook('onRequest', async (request) => {
    if (!BODY_METHODS.has(request.method)) return;
    const length = request.headers['content-length'];
    const hasBody = (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
    const mime = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (hasBody && mime !== 'application/json') throw new UnsupportedMediaTypeError();
  });

  // Before any guard or handler: no endpoint can forget it, and a NUL never reaches a query
  // (PostgreSQL refuses it with a 500) nor a lone surrogate the driver (stored as U+FFFD).
  fastify.addHook('preValidation', async (request) => {
    const errors = unstorableFields(request.params ?? {});
    unstorableFields(request.query ?? {}, '', errors);
    unstorableFields(request.body ?? {}, '', errors);
    if (Object.keys(errors).length) throw new ValidationFailedError(errors);
  });

  fastify.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    if (request.url.startsWith('/api/') && !request.url.startsWith('/api/docs')) {
      // Token and account answers must not be cached (SECURITY.md 16), nor rendered as a page.
      reply.header('cache-control', 'no-store');
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
  });
}
