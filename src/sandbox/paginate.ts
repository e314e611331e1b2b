import type { Request } from 'express';
import { badRequest } from './api-error.js';
import { queryString as q } from './sandbox-context.js';

/* Zendesk's two pagination styles for its lists (cursor and offset), the query they read and the answers they give. */

export interface CursorPage<T> {
  items: T[];
  meta: { has_more: boolean; after_cursor: string | null; before_cursor: string | null };
  links: { prev: string | null; next: string | null };
}

const encode = (id: number) => Buffer.from(`id:${id}`).toString('base64url');
function decode(cursor: string): number {
  const m = /^id:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw badRequest('page[after]/page[before] is not a valid cursor', 'InvalidPaginationParameter');
  return Number(m[1]);
}

/** True when the request asks for cursor pagination (`page[size]`, `page[after]` or `page[before]`). */
export function wantsCursor(req: Request): boolean {
  return ['page[size]', 'page[after]', 'page[before]'].some((k) => req.query[k] !== undefined);
}

/** `page[size]`: 1 to 100, and 100 when absent or not a number. */
export function pageSize(req: Request): number {
  return Math.min(100, Math.max(1, Number(q(req, 'page[size]') ?? 100) || 100));
}

/**
 * Zendesk cursor pagination: `page[size]` (≤ 100), `page[after]`/`page[before]`; the answer carries
 * `meta.has_more`, cursors and `links.next`/`links.prev` (zendesk-facts §4.3).
 */
export function cursorPage<T extends { id: number }>(
  req: Request,
  selfUrl: string,
  fetch: (q: { afterId?: number; beforeId?: number; desc: boolean; limit: number }) => T[],
  desc = false,
): CursorPage<T> {
  const size = pageSize(req);
  const after = q(req, 'page[after]');
  const before = q(req, 'page[before]');
  let items: T[];
  let hasMore: boolean;
  if (before) {
    const rows = fetch({ beforeId: decode(before), desc: !desc, limit: size + 1 });
    hasMore = rows.length > size;
    items = rows.slice(0, size).reverse();
  } else {
    const rows = fetch({ afterId: after ? decode(after) : undefined, desc, limit: size + 1 });
    hasMore = rows.length > size;
    items = rows.slice(0, size);
  }
  const first = items[0];
  const last = items[items.length - 1];
  const link = (key: string, cursor: string) => {
    const u = new URL(selfUrl);
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string' && !k.startsWith('page[')) u.searchParams.set(k, v);
    u.searchParams.set(key, cursor);
    u.searchParams.set('page[size]', String(size));
    return u.toString();
  };
  const nextExists = before ? true : hasMore;
  const prevExists = before ? hasMore : Boolean(after);
  return {
    items,
    meta: { has_more: before ? hasMore : hasMore, after_cursor: last ? encode(last.id) : null, before_cursor: first ? encode(first.id) : null },
    links: {
      next: nextExists && last ? link('page[after]', encode(last.id)) : null,
      prev: prevExists && first ? link('page[before]', encode(first.id)) : null,
    },
  };
}

/** Zendesk offset pagination: `page` (1-based) and `per_page` (≤ 100). */
export function offsetPage(
  req: Request,
  selfUrl: string,
  count: number,
): { offset: number; limit: number; next_page: string | null; previous_page: string | null } {
  const page = Math.max(1, Number(q(req, 'page') ?? 1) || 1);
  const limit = Math.min(100, Math.max(1, Number(q(req, 'per_page') ?? 100) || 100));
  const url = (p: number) => {
    const u = new URL(selfUrl);
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') u.searchParams.set(k, v);
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(limit));
    return u.toString();
  };
  return {
    offset: (page - 1) * limit,
    limit,
    next_page: page * limit < count ? url(page + 1) : null,
    previous_page: page > 1 ? url(page - 1) : null,
  };
}

/** An offset-paginated answer, `{ <key>: items, next_page, previous_page, count }`; a search's one page has no links. */
export function offsetAnswer(
  key: string,
  items: unknown[],
  page: { next_page: string | null; previous_page: string | null } | null,
  count: number,
): Record<string, unknown> {
  return { [key]: items, next_page: page?.next_page ?? null, previous_page: page?.previous_page ?? null, count };
}
