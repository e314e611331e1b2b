import { childSource, reportUnreadable, type Blob, type ExtractionContext } from './extraction-context.js';
import { expandZipEntry, listZipEntries, printable, ZipError } from './read-zip.js';

/**
 * Examines each file of a ZIP (nested folders included) within the submission's budgets: entries,
 * expanded bytes, per-entry size and compression ratio. A ZIP bomb is stopped after about one
 * inflate step and reported as UNREADABLE.
 */
export async function examineZip(ctx: ExtractionContext, blob: Blob): Promise<void> {
  let listing;
  try {
    listing = listZipEntries(blob.bytes, Math.max(0, ctx.limits.maxEntries - ctx.entries));
  } catch (error) {
    reportUnreadable(ctx, blob.source, error instanceof ZipError ? error.message : 'it is a damaged ZIP archive');
    return;
  }
  if (listing.truncated) {
    reportUnreadable(ctx, blob.source, `it has more than ${ctx.limits.maxEntries} files; only the first ones were read`);
  }
  for (const entry of listing.entries) {
    ctx.entries++;
    const name = printable(entry.name);
    const base = name.split('/').pop() ?? name;
    // Folders, and macOS resource forks (__MACOSX/, ._name) that accompany every file zipped on a Mac.
    if (name.endsWith('/') || name.startsWith('__MACOSX/') || base.startsWith('._')) continue;
    const source = childSource(blob.source, name);
    if (entry.encrypted) {
      reportUnreadable(ctx, source, 'it is password-protected; please send the archive without a password');
      continue;
    }
    const budget = Math.min(ctx.limits.maxEntryBytes, ctx.limits.maxExpandedBytes - ctx.expandedBytes);
    if (budget <= 0) {
      reportUnreadable(ctx, source, 'the archive expands to more data than any certificate bundle needs; the rest was not read');
      return;
    }
    const bytes = expandZipEntry(blob.bytes, entry, budget, ctx.limits);
    if (typeof bytes === 'string') {
      reportUnreadable(ctx, source, bytes);
      continue;
    }
    ctx.expandedBytes += bytes.length;
    await ctx.examine({ name: base, bytes, source, depth: blob.depth + 1 });
  }
}
