import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { configProblems } from '../../helpers/config-problems.js';
import { PRODUCTION_ENV as production } from '../../helpers/production-env.js';

const POSTGRES = { DATABASE_URL: 'postgres://certdesk@db.internal/certdesk' };
const NGINX = { INSTALLER: 'nginx', NGINX_CERT_DIR: '/etc/nginx/certdesk', NGINX_RELOAD_CMD: 'systemctl reload nginx', INSTALL_VERIFY_ADDR: '10.0.0.5:443' };

describe('CERTDESK_ROLE', () => {
  it('is all by default, in sandbox mode and with SQLite', () => {
    expect(loadConfig({}, '/srv/certdesk').role).toBe('all');
    expect(loadConfig(production, '/srv/certdesk').role).toBe('all');
  });

  it('takes web and worker with PostgreSQL', () => {
    expect(loadConfig({ ...production, ...POSTGRES, CERTDESK_ROLE: 'web' }, '/srv/certdesk').role).toBe('web');
    expect(loadConfig({ ...production, ...POSTGRES, ...NGINX, CERTDESK_ROLE: 'worker' }, '/srv/certdesk').role).toBe('worker');
    // The embedded sandbox runs in a web process.
    expect(loadConfig({ ...POSTGRES, CERTDESK_ROLE: 'web' }, '/srv/certdesk').role).toBe('web');
  });

  it('takes a worker with the TLS front installer when INSTALL_VERIFY_ADDR lists the fronts it installs into', () => {
    const config = loadConfig(
      { ...production, ...POSTGRES, CERTDESK_ROLE: 'worker', INSTALLER: 'tls-front', INSTALL_VERIFY_ADDR: '10.0.0.5:443,10.0.0.6:443' },
      '/srv/certdesk',
    );
    expect(config.role).toBe('worker');
    expect(config.install.verifyAddrs).toEqual(['10.0.0.5:443', '10.0.0.6:443']);
  });

  it.each([
    [
      'web with SQLite',
      { ...production, CERTDESK_ROLE: 'web' },
      ['certdesk web: roles need DATABASE_URL (PostgreSQL); with the embedded SQLite store run certdesk all.'],
    ],
    [
      'worker with SQLite',
      { ...production, ...NGINX, CERTDESK_ROLE: 'worker' },
      ['certdesk worker: roles need DATABASE_URL (PostgreSQL); with the embedded SQLite store run certdesk all.'],
    ],
    [
      'a worker in sandbox mode',
      { ...POSTGRES, ...NGINX, CERTDESK_ROLE: 'worker' },
      ['certdesk worker: sandbox mode (no ZENDESK_URL) embeds the Zendesk sandbox in one process; run certdesk all, or set ZENDESK_URL.'],
    ],
    [
      'a worker with the TLS front installer and no INSTALL_VERIFY_ADDR',
      { ...production, ...POSTGRES, CERTDESK_ROLE: 'worker' },
      [
        "certdesk worker: INSTALLER=tls-front needs INSTALL_VERIFY_ADDR listing every web/all replica's TLS front (host:port each), where the worker checks its installs.",
      ],
    ],
    [
      'a worker with the TLS front installer and ACME (TLS-ALPN-01 needs the front)',
      { ...production, ...POSTGRES, CERTDESK_ROLE: 'worker', INSTALL_VERIFY_ADDR: '10.0.0.5:443', ACME_DIRECTORY_URL: 'https://acme.example/directory' },
      [
        'certdesk worker: ACME with INSTALLER=tls-front answers TLS-ALPN-01 from the TLS front of the process that orders, and a worker runs none; run certdesk all, or INSTALLER=nginx (HTTP-01).',
      ],
    ],
    [
      'a worker with the TLS front installer on SQLite',
      { ...production, CERTDESK_ROLE: 'worker', INSTALLER: 'tls-front', INSTALL_VERIFY_ADDR: '10.0.0.5:443' },
      ['certdesk worker: roles need DATABASE_URL (PostgreSQL); with the embedded SQLite store run certdesk all.'],
    ],
    ['an unknown role', { ...production, ...POSTGRES, CERTDESK_ROLE: 'api' }, ['CERTDESK_ROLE must be one of all, web, worker (got "api").']],
  ])('refuses %s with one line', (_name, env, problems) => {
    expect(configProblems(env)).toEqual(problems);
  });
});
