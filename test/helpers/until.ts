/**
 * Resolves once `check` holds, looking every 10 ms on real timers. No time limit is asserted (the
 * test's own timeout bounds the wait); with `tries`, it gives up after that many looks and throws
 * `failure`, so a test that is stuck says where.
 */
export async function until(check: () => boolean | Promise<boolean>, options: { tries?: number; failure?: string } = {}): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (options.tries !== undefined && i >= options.tries) throw new Error(options.failure ?? `still not so after ${options.tries} looks`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
