import { AttachmentRefusedError } from '../../ports/attachment-refused-error.js';
import { isAcceptableScheme, matchesAttachmentHost } from './attachment-host-pattern.js';
import type { ZendeskHttp } from './zendesk-http.js';

export interface DownloadOptions {
  attachmentHosts: readonly string[];
  maxBytes: number;
  maxRedirects: number;
}

/**
 * Downloads `contentUrl` without ever leaking credentials or fetching an unexpected host:
 * - every hop is checked before it is requested: the Zendesk origin (with credentials) or a host on
 *   the attachment allow-list (without them); anything else is refused, the first hop included;
 * - redirects are followed by hand (`redirect: 'manual'`), because fetch keeps `Authorization` on
 *   same-origin redirects and we want to decide per hop;
 * - the size is capped by `Content-Length` up front and again while streaming.
 */
export async function downloadAttachment(http: ZendeskHttp, contentUrl: string, options: DownloadOptions): Promise<Buffer> {
  const { res, url } = await openAttachment(http, contentUrl, options);
  return readCapped(res, options.maxBytes, url);
}

/**
 * Reads an attachment chunk by chunk, with the same host rules as `downloadAttachment`, handing each
 * chunk to `onChunk` and keeping none of them: for scanning a file too large to hold. Reads at most
 * `options.maxBytes`; `complete` is false when it stopped there, or when the file did not arrive
 * in full within the request's timeout (what arrived was handed over: a key in it is still found;
 * throwing would fail the job on every attempt for a slow 100 MB file until it is dead-lettered).
 */
export async function readAttachmentChunks(
  http: ZendeskHttp,
  contentUrl: string,
  options: DownloadOptions,
  onChunk: (chunk: Uint8Array) => void,
): Promise<{ bytes: number; complete: boolean }> {
  const { res } = await openAttachment(http, contentUrl, options);
  if (!res.body) return { bytes: 0, complete: true };
  const reader = res.body.getReader();
  let bytes = 0;
  for (;;) {
    let next: Awaited<ReturnType<typeof reader.read>>;
    try {
      next = await reader.read();
    } catch (error) {
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { bytes, complete: false };
      throw error;
    }
    const { done, value } = next;
    if (done) return { bytes, complete: true };
    const room = options.maxBytes - bytes;
    onChunk(value.byteLength > room ? value.subarray(0, room) : value);
    bytes += Math.min(room, value.byteLength);
    if (bytes >= options.maxBytes) {
      const more = value.byteLength > room || !(await reader.read()).done;
      await reader.cancel().catch(() => undefined);
      return { bytes, complete: !more };
    }
  }
}

/** Follows the redirects of `contentUrl`, checking every hop, to the response with the file. */
async function openAttachment(http: ZendeskHttp, contentUrl: string, options: DownloadOptions): Promise<{ res: Response; url: URL }> {
  let url = parseUrl(contentUrl);
  for (let hop = 0; ; hop++) {
    const toZendesk = url.origin === http.origin;
    if (!toZendesk) assertAllowed(url, options.attachmentHosts);
    const res = toZendesk
      ? await http.send({ method: 'GET', path: url.href, headers: { accept: '*/*' } })
      : await http.fetchClassified(url, { method: 'GET', redirect: 'manual', headers: { accept: '*/*', 'user-agent': 'certdesk' } });
    if (res.status >= 300 && res.status < 400) {
      await res.body?.cancel().catch(() => undefined);
      const location = res.headers.get('location');
      if (!location) throw new AttachmentRefusedError('invalid_url', `The attachment at ${describeHost(url)} redirected without a Location`);
      if (hop >= options.maxRedirects) {
        throw new AttachmentRefusedError('too_many_redirects', `The attachment redirected more than ${options.maxRedirects} times; refused`);
      }
      url = parseUrl(location, url);
      continue;
    }
    return { res, url };
  }
}

function parseUrl(value: string, base?: URL): URL {
  try {
    return new URL(value, base);
  } catch {
    throw new AttachmentRefusedError('invalid_url', 'The attachment URL is not a valid URL');
  }
}

function assertAllowed(url: URL, patterns: readonly string[]): void {
  if (!isAcceptableScheme(url) || url.username || url.password || !matchesAttachmentHost(url, patterns)) {
    throw new AttachmentRefusedError(
      'host_not_allowed',
      `Refused to download an attachment from ${describeHost(url)}: it is neither the Zendesk host nor in ZENDESK_ATTACHMENT_HOSTS`,
    );
  }
}

function describeHost(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

async function readCapped(res: Response, maxBytes: number, url: URL): Promise<Buffer> {
  const tooLarge = () => new AttachmentRefusedError('too_large', `The attachment from ${describeHost(url)} is larger than the ${maxBytes}-byte limit; refused`);
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks, total);
}
