import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { renderError } from '../errors/render-error.js';

/**
 * The one place where an exception becomes an HTTP response (API.md "Errors"). Nest also
 * routes Fastify's own errors (body parsing, size limits) here.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Exceptions');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const rendered = renderError(exception);
    if (rendered.unexpected) {
      const error = exception as Error;
      this.logger.error(
        { reqId: request.id, method: request.method, url: request.url.split('?')[0], err: { type: error?.name, message: error?.message, stack: error?.stack } },
        'request failed',
      );
    }
    reply.status(rendered.status).headers(rendered.headers).header('cache-control', 'no-store').send(rendered.body);
  }
}
