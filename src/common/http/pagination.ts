import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../errors/app-error.js';

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

/** DRF's page-number pagination: `{count, next, previous, results}`, next and previous as absolute URLs. */
export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface PageRequest {
  page: number;
  size: number;
  offset: number;
}

const invalidPage = () => new NotFoundError('Invalid page.');

/**
 * `page` and `page_size` as DRF reads them: a page that is not a positive whole number is 404
 * "Invalid page."; a `page_size` that is not one falls back to the default, and a larger one is
 * cut to MAX_PAGE_SIZE.
 */
export function pageRequest(page: string | undefined, pageSize: string | undefined): PageRequest {
  const number = page === undefined || page === '' ? 1 : /^\d{1,9}$/.test(page) ? Number(page) : 0;
  if (number < 1) throw invalidPage();
  const asked = pageSize !== undefined && /^\d{1,9}$/.test(pageSize) ? Number(pageSize) : 0;
  const size = asked >= 1 ? Math.min(asked, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  return { page: number, size, offset: (number - 1) * size };
}

/**
 * The answer for one page; a page past the last (but the first, which may be empty) is 404
 * "Invalid page.". The links are absolute on PUBLIC_URL when it is set, and relative otherwise:
 * never built from the request's Host or X-Forwarded-* headers, which the caller chooses.
 */
export function pageOf<T>(request: FastifyRequest, publicUrl: string | undefined, asked: PageRequest, count: number, results: T[]): Page<T> {
  if (asked.page > 1 && asked.offset >= count) throw invalidPage();
  const link = (page: number) => {
    const url = new URL(request.url, 'http://relative.invalid');
    if (page === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(page));
    const path = url.pathname + url.search;
    return publicUrl ? publicUrl.replace(/\/+$/, '') + path : path;
  };
  return {
    count,
    next: asked.offset + results.length < count ? link(asked.page + 1) : null,
    previous: asked.page > 1 ? link(asked.page - 1) : null,
    results,
  };
}
