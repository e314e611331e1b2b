/**
 * certdesk as a real child process (`node --import tsx src/main.ts`) connected to a sandbox that
 * lives in the test process, so the child can be killed with SIGKILL and started again on the same
 * DATA_DIR and port while Zendesk (the sandbox) keeps its state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_OAUTH_CLIENT, type TestSandbox } from './sandbox.js';
import { dropServiceDatabase, serviceDatabase, type ServiceDatabase } from './service-database.js';

const ROOT = join(import.meta.dirname, '../..');

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface CertdeskProcess {
  url: string;
  dataDir: string;
  /** Its data: `database.env` starts another certdesk on them, `database.open()` opens the store. */
  database: ServiceDatabase;
  /** Starts (or restarts) the process and waits until /readyz answers. */
  start(): Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
  /** Kills it (SIGKILL) and drops its PostgreSQL database; the DATA_DIR stays for inspection. */
  dispose(): Promise<void>;
}

export interface CertdeskProcessOptions {
  /** `certdesk <role>` (default: none, i.e. CERTDESK_ROLE or `all`). */
  role?: 'all' | 'web' | 'worker';
  /**
   * The webhook signing secret to accept, when the test delivers the sandbox's webhooks itself
   * (a relay in front of several processes): no subscription of this process is created then.
   */
  webhookSecret?: string;
  /**
   * Runs the service transpiled to JavaScript (`node <build>/main.js`, from transpiledService()) as
   * production runs dist/main.js, instead of the sources through tsx: it starts in about a third of
   * the time (2–3 s against 8–9 s on the loaded 2-core machine), which matters to tests that
   * restart processes often.
   */
  entry?: string;
}

/**
 * src/ transpiled file by file into a fresh directory under node_modules/.cache (esbuild, as tsx
 * does on the fly; no bundling and no type check — typecheck does that — so a file another person
 * is half-way through editing does not stop the test, as `npm run build` would). The directory is
 * inside the repository so the packages resolve; remove it when done. Returns the main.js path.
 */
export async function transpiledService(): Promise<{ entry: string; remove(): void }> {
  const { build } = await import('esbuild');
  const src = join(ROOT, 'src');
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const outdir = mkdtempSync(join(cache, 'certdesk-test-build-'));
  const entryPoints = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => join(src, f));
  await build({ entryPoints, outdir, outbase: src, format: 'esm', platform: 'node', target: 'node20', logLevel: 'error' });
  return { entry: join(outdir, 'main.js'), remove: () => rmSync(outdir, { recursive: true, force: true }) };
}

export async function certdeskProcess(zd: TestSandbox, env: Record<string, string> = {}, options: CertdeskProcessOptions = {}): Promise<CertdeskProcess> {
  const dataDir = mkdtempSync(join(tmpdir(), 'certdesk-proc-'));
  // Every start, restarts included, is on the same database: the one kept with this DATA_DIR.
  const database = await serviceDatabase(env.DATA_DIR ?? dataDir, env);
  const port = await freePort();
  // Its own TLS front port too: test files run side by side, and the default 8443 is one for all.
  const tlsFrontPort = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const hook = options.webhookSecret !== undefined ? { secret: options.webhookSecret } : await zd.subscribe(`${url}/webhooks/zendesk`);
  const domainsFile = join(dataDir, 'domains.json');
  writeFileSync(domainsFile, JSON.stringify(zd.demo!.registry));
  const fullEnv = {
    ...process.env,
    PORT: String(port),
    TLS_FRONT_PORT: String(tlsFrontPort),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    ZENDESK_URL: zd.url,
    ZENDESK_EMAIL: zd.sandbox.apiUser.email,
    ZENDESK_OAUTH_CLIENT_ID: TEST_OAUTH_CLIENT.id,
    ZENDESK_OAUTH_CLIENT_SECRET: TEST_OAUTH_CLIENT.secret,
    ZENDESK_WEBHOOK_SECRET: hook.secret,
    ZENDESK_ATTACHMENT_HOSTS: zd.sandbox.attachmentHostPattern,
    KEY_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString('base64'),
    DOMAINS_FILE: domainsFile,
    JOB_LEASE_SECONDS: '1',
    ...database.env,
    ...env,
  };
  let child: ChildProcess | null = null;
  let out = '';
  const handle: CertdeskProcess = {
    url,
    dataDir,
    database,
    output: () => out,
    async start() {
      const entry = options.entry ? [options.entry] : ['--import', 'tsx', 'src/main.ts'];
      child = spawn(process.execPath, [...entry, ...(options.role ? [options.role] : [])], { cwd: ROOT, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      for (let i = 0; i < 400; i++) {
        if (child.exitCode !== null) throw new Error(`certdesk exited with ${child.exitCode}:\n${out}`);
        try {
          if ((await fetch(`${url}/readyz`)).ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`certdesk did not become ready:\n${out}`);
    },
    async kill(signal = 'SIGKILL') {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      // 'close', not 'exit': its output is complete once kill() resolves (a test may split it there).
      await new Promise<void>((resolve) => {
        c.once('close', () => resolve());
        c.kill(signal);
      });
    },
    async dispose() {
      await handle.kill('SIGKILL');
      await dropServiceDatabase(env.DATA_DIR ?? dataDir);
    },
  };
  return handle;
}
