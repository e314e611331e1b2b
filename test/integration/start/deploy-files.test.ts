import { describe, expect, it } from 'vitest';
import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';

const ROOT = join(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const dockerCmd = () => JSON.parse(/^CMD (\[.*\])$/m.exec(read('Dockerfile'))![1]!) as string[];
const hasSystemdAnalyze = spawnSync('systemd-analyze', ['--version']).status === 0;

describe('the deployment files', () => {
  it.runIf(hasSystemdAnalyze)('the systemd unit passes `systemd-analyze verify`', () => {
    // verify checks every directive and that ExecStart's binary exists (this machine's node is /usr/bin/node).
    const result = spawnSync('systemd-analyze', ['verify', join(ROOT, 'deploy/certdesk.service')], { encoding: 'utf8' });
    expect(result.stderr + result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it.skipIf(hasSystemdAnalyze)('says plainly that systemd-analyze is missing here, so the unit was not verified', () => {
    console.warn('systemd-analyze not found (Debian package systemd): deploy/certdesk.service was NOT verified');
  });

  it('the systemd unit runs the same node command as the container, and is hardened as the README says', () => {
    const unit = read('deploy/certdesk.service');
    const execStart = /^ExecStart=(.*)$/m.exec(unit)![1]!.split(' ');
    const [, ...args] = dockerCmd();
    expect(execStart[0]).toBe('/usr/bin/node');
    expect(execStart.slice(1)).toEqual([...args.slice(0, -1), `/opt/certdesk/${args.at(-1)}`]);
    for (const line of [
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'EnvironmentFile=/etc/certdesk/certdesk.env',
      'ReadWritePaths=/var/lib/certdesk -/etc/nginx/certdesk',
      'KillSignal=SIGTERM',
    ]) {
      expect(unit.split('\n')).toContain(line);
    }
  });

  it('compose.yaml runs the image with DATA_DIR on a volume and a stop grace longer than the job grace', () => {
    const compose = yaml.load(read('compose.yaml')) as {
      services: Record<string, { environment: Record<string, string>; volumes: string[]; stop_grace_period: string }>;
    };
    expect(Object.keys(compose.services)).toEqual(['certdesk']);
    const certdesk = compose.services.certdesk!;
    expect(certdesk.volumes).toContain(`certdesk-data:${certdesk.environment.DATA_DIR}`);
    expect(Number.parseInt(certdesk.stop_grace_period, 10)).toBeGreaterThan(10);
  });

  it('compose.postgres.yaml runs a web and a worker process on its PostgreSQL service, the worker verifying at the web front', () => {
    type Service = { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown>; stop_grace_period?: string };
    const compose = yaml.load(read('compose.postgres.yaml')) as { services: Record<string, Service> };
    expect(Object.keys(compose.services).sort()).toEqual(['certdesk-web', 'certdesk-worker', 'postgres']);
    for (const [name, role] of [
      ['certdesk-web', 'web'],
      ['certdesk-worker', 'worker'],
    ] as const) {
      const service = compose.services[name]!;
      // The container's own command (Dockerfile CMD) with the role: the same node flags and entry point.
      expect(service.command).toEqual([...dockerCmd(), role]);
      expect(new URL(service.environment!.DATABASE_URL!).host).toBe('postgres:5432');
      expect(Object.keys(service.depends_on!)).toEqual(['postgres']);
      expect(Number.parseInt(service.stop_grace_period!, 10)).toBeGreaterThan(10);
    }
    expect(compose.services['certdesk-worker']!.environment!.INSTALL_VERIFY_ADDR).toBe('certdesk-web:8443');
  });

  it('the Dockerfile runs as a non-root user with DATA_DIR as a volume, and its HEALTHCHECK follows /readyz', async () => {
    const dockerfile = read('Dockerfile');
    const dataDir = /DATA_DIR=(\S+)/.exec(dockerfile)![1]!;
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toContain(`VOLUME ["${dataDir}"]`);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    // The health check's own command, run against a server whose /readyz says ready, then not.
    const healthcheck = JSON.parse(/^ {2}CMD (\["node", "-e", .*\])$/m.exec(dockerfile)![1]!) as string[];
    let ready = true;
    const server = createServer((req, res) => res.writeHead(req.url === '/readyz' && ready ? 200 : 503).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = String((server.address() as AddressInfo).port);
    const check = () =>
      new Promise<number>((r) => execFile(process.execPath, healthcheck.slice(1), { env: { ...process.env, PORT: port } }, (e) => r(e ? Number(e.code) : 0)));
    try {
      expect(await check()).toBe(0);
      ready = false;
      expect(await check()).toBe(1);
    } finally {
      server.close();
    }
  });
});
