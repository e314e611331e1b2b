/**
 * vitest globalSetup of the `postgres` project: a throwaway PostgreSQL cluster for the whole test run.
 * `initdb` into a new temporary directory, `pg_ctl start` on a free loopback port with its unix socket
 * in that directory, durability off (nothing here has to survive a crash of the machine), enough
 * connections for every test store's pool and every certdesk process running side by side.
 * PostgreSQL refuses to run as root, so as root the cluster belongs to an unprivileged user.
 * The admin URL reaches the test workers through vitest's provide/inject (`pgAdminUrl`); each test
 * file then creates its own databases (test/helpers/postgres.ts). Teardown stops the cluster at once
 * (`-m immediate`) and removes the directory: nothing in it is kept.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** postgres:// URL of the run's cluster, as its superuser, database `postgres`. */
    pgAdminUrl: string;
    /** The database new test databases are copied from (the store's migrations applied when possible). */
    pgTemplate: string;
  }
}

export const PG_USER = 'certdesk_test';
export const PG_TEMPLATE = 'certdesk_template';

/** The directory of initdb/pg_ctl: the newest Debian /usr/lib/postgresql/<version>/bin, else PATH. */
export function findPostgresBin(): string {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => existsSync(join(debian, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(debian, versions[0], 'bin');
  }
  const onPath = (process.env.PATH ?? '').split(delimiter).find((dir) => dir && existsSync(join(dir, 'initdb')));
  if (onPath) return onPath;
  throw new Error(
    'PostgreSQL is not installed (no /usr/lib/postgresql/<version>/bin/initdb, no initdb on PATH): run `bash scripts/install-test-prerequisites.sh` as root, or `npx vitest run --project sqlite`',
  );
}

/** As root: the unprivileged account that owns the cluster (Debian's `postgres`, else one made for it). */
function clusterAccount(): string | null {
  if (process.getuid?.() !== 0) return null;
  for (const name of ['postgres', 'certdesk-pg']) {
    try {
      execFileSync('id', ['-u', name], { stdio: 'ignore' });
      return name;
    } catch {
      // no such user
    }
  }
  execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'certdesk-pg']);
  return 'certdesk-pg';
}

/** A loopback port nobody listens on now (the OS picks it; the cluster takes it a moment later). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
  });
}

const OWNER_FILE = 'vitest.pid';

/**
 * Stops and removes the clusters of test runs that died without their teardown (killed by a timeout,
 * SIGKILL): each cluster's directory names the vitest process that started it.
 */
function stopAbandonedClusters(run: (tool: string, args: string[]) => string): void {
  for (const name of readdirSync(tmpdir()).filter((n) => n.startsWith('certdesk-pg-'))) {
    const dir = join(tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // being created right now, or not one of ours
    }
    if (!owner || processAlive(owner)) continue;
    try {
      run('pg_ctl', ['stop', '-D', join(dir, 'data'), '-m', 'immediate', '-w']);
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface TestCluster {
  adminUrl: string;
  dir: string;
  stop(): void;
}

/** Creates and starts a cluster; `stop()` stops it and removes its directory. */
export async function startTestCluster(): Promise<TestCluster> {
  const bin = findPostgresBin();
  const account = clusterAccount();
  const run = (tool: string, args: string[]) => {
    const argv = account ? (['runuser', ['-u', account, '--', join(bin, tool), ...args]] as const) : ([join(bin, tool), args] as const);
    try {
      return execFileSync(argv[0], [...argv[1]], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`${tool} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
    }
  };
  stopAbandonedClusters(run);
  const dir = mkdtempSync(join(tmpdir(), 'certdesk-pg-'));
  writeFileSync(join(dir, OWNER_FILE), String(process.pid));
  if (account) execFileSync('chown', [account, dir]);
  const data = join(dir, 'data');
  // A password for TCP (other users of the machine can reach the loopback port); the unix socket is
  // in the cluster's own directory, closed to them.
  const password = randomBytes(18).toString('base64url');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (account) execFileSync('chown', [account, pwfile]);
  let port = 0;
  let started = false;
  const stop = () => {
    if (started) {
      try {
        run('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w']);
      } catch {
        // already gone: nothing to stop
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', [
      '-D',
      data,
      '-U',
      PG_USER,
      '--pwfile',
      pwfile,
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '--encoding=UTF8',
      '--locale=C.UTF-8',
      '--no-instructions',
    ]);
    rmSync(pwfile);
    // The free port can be taken by someone else before the server binds it: then another one.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        `-p ${port}`,
        '-c listen_addresses=127.0.0.1',
        `-c unix_socket_directories=${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c shared_buffers=32MB',
        '-c max_connections=300',
        '-c max_wal_size=256MB',
        '-c log_min_messages=warning',
      ].join(' ');
      started = true;
      try {
        run('pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'postgres.log'), '-o', options]);
        break;
      } catch (e) {
        if (attempt === 3) throw new Error(`${(e as Error).message}\n${readFileSync(join(dir, 'postgres.log'), 'utf8').slice(-2000)}`);
      }
    }
  } catch (e) {
    stop();
    throw e;
  }
  return { adminUrl: `postgres://${PG_USER}:${password}@127.0.0.1:${port}/postgres`, dir, stop };
}

/**
 * The template every test database is copied from. With the PostgreSQL adapter present its migrations
 * are applied here once, so each test database starts migrated (opening it finds nothing to do).
 */
export async function createTemplate(adminUrl: string): Promise<void> {
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${PG_TEMPLATE} TEMPLATE template0 ENCODING 'UTF8'`);
  } finally {
    await admin.end();
  }
  const adapter = join(import.meta.dirname, '../../src/adapters/store/postgres/open-postgres-store.ts');
  if (!existsSync(adapter)) return;
  const { openPostgresStore } = await import('../../src/adapters/store/postgres/open-postgres-store.js');
  const url = new URL(adminUrl);
  url.pathname = `/${PG_TEMPLATE}`;
  const store = await openPostgresStore({ url: url.toString(), poolMax: 1 });
  await store.close();
}

export default async function setup(project: TestProject): Promise<() => void> {
  const t0 = performance.now();
  const cluster = await startTestCluster();
  try {
    await createTemplate(cluster.adminUrl);
  } catch (e) {
    cluster.stop();
    throw e;
  }
  project.provide('pgAdminUrl', cluster.adminUrl);
  project.provide('pgTemplate', PG_TEMPLATE);
  process.stderr.write(`postgres: throwaway cluster ready in ${Math.round(performance.now() - t0)} ms (${cluster.dir})\n`);
  return () => cluster.stop();
}
