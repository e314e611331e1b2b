/** `links.next` of a webhooks-API list: the list's URL with the page's last id as `page[after]`. */
function pageLink(listUrl: string, after: string, size: number): string {
  const u = new URL(listUrl);
  u.searchParams.set('page[after]', after);
  u.searchParams.set('page[size]', String(size));
  return u.toString();
}

/**
 * The `meta` and `links` of a webhooks-API list page (webhooks, invocations), whose cursors are the
 * ids themselves (Zendesk's other lists encode theirs: paginate.ts).
 */
export function cursorAnswer(
  ids: string[],
  hasMore: boolean,
  listUrl: string,
  size: number,
): { meta: Record<string, unknown>; links: Record<string, unknown> } {
  const meta: Record<string, unknown> = { has_more: hasMore };
  const links: Record<string, unknown> = {};
  const first = ids[0];
  const last = ids[ids.length - 1];
  if (last !== undefined) meta.after_cursor = last;
  if (first !== undefined) meta.before_cursor = first;
  if (hasMore && last !== undefined) links.next = pageLink(listUrl, last, size);
  return { meta, links };
}
