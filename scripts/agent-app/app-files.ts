/**
 * A ZAF app package as the validator sees it: file paths relative to the app root ("manifest.json",
 * "assets/iframe.html"), with `/` separators, mapped to their bytes. The rules (validate-*.ts) read
 * it through the helpers below; building the package is scripts/package-app.ts's job.
 */
export type AppFiles = ReadonlyMap<string, Uint8Array>;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

export function text(files: AppFiles, path: string): string | null {
  const bytes = files.get(path);
  return bytes ? new TextDecoder('utf-8').decode(bytes) : null;
}

/** Parses a JSON file: the value, or why it is not JSON (duplicate keys included: Zendesk refuses them). */
export function parseJsonFile(files: AppFiles, path: string): { value: Json } | { problem: string } | null {
  const source = text(files, path);
  if (source === null) return null;
  let value: Json;
  try {
    value = JSON.parse(source.replace(/^\uFEFF/, '')) as Json;
  } catch (e) {
    return { problem: `${path} is not valid JSON (${(e as Error).message})` };
  }
  const duplicates = duplicateKeys(source);
  if (duplicates.length > 0)
    return { problem: `${path} gives the key${duplicates.length === 1 ? '' : 's'} ${duplicates.map((k) => `"${k}"`).join(', ')} twice in the same object` };
  return { value };
}

/** Keys that appear twice in one object (JSON.parse would silently keep the last). */
export function duplicateKeys(source: string): string[] {
  const found = new Set<string>();
  const stack: (Set<string> | null)[] = [];
  const string = /"(?:[^"\\]|\\.)*"/y;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '"') {
      string.lastIndex = i;
      const m = string.exec(source);
      if (!m) return [...found];
      i += m[0].length - 1;
      const keys = stack[stack.length - 1];
      let j = i + 1;
      while (/\s/.test(source[j] ?? '')) j++;
      if (keys && source[j] === ':') {
        const key = JSON.parse(m[0]) as string;
        if (keys.has(key)) found.add(key);
        keys.add(key);
      }
    } else if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(null);
    else if (c === '}' || c === ']') stack.pop();
  }
  return [...found];
}

/** True for an absolute http(s) URL with a host. */
export function isHttpUrl(value: unknown, options: { httpsOnly?: boolean } = {}): boolean {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    const schemes = options.httpsOnly ? ['https:'] : ['http:', 'https:'];
    return schemes.includes(url.protocol) && url.hostname.length > 0;
  } catch {
    return false;
  }
}
