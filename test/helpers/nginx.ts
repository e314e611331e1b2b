/**
 * A real nginx (the Debian package, /usr/sbin/nginx) for tests: its own temporary prefix with
 * config, pid file, error log and temp paths; listening on 127.0.0.1 at a free high port; one
 * server block per site using `<certDir>/<site>/fullchain.pem` and `privkey.pem`, and a default
 * server that rejects any other name. `stop()` shuts it down; so does the test process exiting.
 *
 *   const nginx = await startNginx({ certDir, sites: ['my.a.test'] });   // the files must exist
 *   // NGINX_TEST_CMD = nginx.testCommand, NGINX_RELOAD_CMD = nginx.reloadCommand, INSTALL_VERIFY_ADDR = nginx.address
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './certdesk-process.js';

export const NGINX_BINARY = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find((p) => existsSync(p)) ?? '/usr/sbin/nginx';

export interface NginxOptions {
  certDir: string;
  sites: string[];
  /** Serve a site from other files than `<certDir>/<site>/…` (a configuration "pointing elsewhere"). */
  filesFor?: Record<string, { fullchain: string; privkey: string }>;
}

export interface TestNginx {
  port: number;
  /** `127.0.0.1:<port>`, for INSTALL_VERIFY_ADDR. */
  address: string;
  prefix: string;
  /** For NGINX_TEST_CMD: `nginx -t` on this instance's configuration. */
  testCommand: string;
  /** For NGINX_RELOAD_CMD: `nginx -s reload` to this instance (returns once the signal is sent). */
  reloadCommand: string;
  errorLog(): string;
  stop(): Promise<void>;
}

export async function startNginx(options: NginxOptions): Promise<TestNginx> {
  if (!existsSync(NGINX_BINARY)) throw new Error('nginx is not installed: run `bash scripts/install-test-prerequisites.sh` (as root)');
  const prefix = mkdtempSync(join(tmpdir(), 'certdesk-nginx-'));
  mkdirSync(join(prefix, 'temp'));
  const conf = join(prefix, 'nginx.conf');
  const errorLog = join(prefix, 'error.log');
  const flags = `-p ${prefix}/ -c ${conf} -e ${errorLog}`;
  // A port picked free can be taken before nginx binds it: try a few.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    writeFileSync(conf, config(options, prefix, port, errorLog));
    const child = spawn(NGINX_BINARY, [...flags.split(' '), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const stopOnExit = () => child.kill('SIGTERM');
    process.once('exit', stopOnExit);
    const up = await waitUntilListening(child, port);
    if (!up) {
      process.off('exit', stopOnExit);
      child.kill('SIGKILL');
      const log = `${stderr}${existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''}`;
      if (attempt < 5 && log.includes('Address already in use')) continue;
      rmSync(prefix, { recursive: true, force: true });
      throw new Error(`nginx did not start:\n${log}`);
    }
    return {
      port,
      address: `127.0.0.1:${port}`,
      prefix,
      testCommand: `${NGINX_BINARY} -t -q ${flags}`,
      reloadCommand: `${NGINX_BINARY} -s reload ${flags}`,
      errorLog: () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : ''),
      async stop() {
        process.off('exit', stopOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          await new Promise<void>((resolve) => {
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          });
        }
        rmSync(prefix, { recursive: true, force: true });
      },
    };
  }
}

function config(options: NginxOptions, prefix: string, port: number, errorLog: string): string {
  const servers = options.sites.map((site) => {
    const files = options.filesFor?.[site] ?? { fullchain: join(options.certDir, site, 'fullchain.pem'), privkey: join(options.certDir, site, 'privkey.pem') };
    return `  server {
    listen 127.0.0.1:${port} ssl;
    server_name ${site};
    ssl_certificate ${files.fullchain};
    ssl_certificate_key ${files.privkey};
    return 200 "${site}\\n";
  }`;
  });
  return `worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${errorLog} notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${prefix}/temp/body;
  proxy_temp_path ${prefix}/temp/proxy;
  fastcgi_temp_path ${prefix}/temp/fastcgi;
  uwsgi_temp_path ${prefix}/temp/uwsgi;
  scgi_temp_path ${prefix}/temp/scgi;
  server {
    listen 127.0.0.1:${port} ssl default_server;
    ssl_reject_handshake on;
  }
${servers.join('\n')}
}
`;
}

async function waitUntilListening(child: ChildProcess, port: number): Promise<boolean> {
  for (let i = 0; i < 400; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}
