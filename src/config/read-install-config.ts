import type { EnvReader } from './env-reader.js';
import type { Config, InstallerKind } from './config.js';

const INSTALLERS: readonly InstallerKind[] = ['tls-front', 'nginx', 'command'];

/**
 * INSTALLER and what each installer needs: nginx its certificate directory and reload command,
 * command its command, and both the addresses where the new certificate is checked live
 * (INSTALL_VERIFY_ADDR: one host:port, or a comma-separated list of every edge server of the site).
 */
export function readInstallConfig(env: EnvReader): Config['install'] {
  const installer = env.oneOf('INSTALLER', INSTALLERS, 'tls-front');
  const verifyAddrs = env.list('INSTALL_VERIFY_ADDR', ',');
  for (const a of verifyAddrs) {
    if (!/^(\[[0-9a-f:]+\]|[a-z0-9.-]+):\d{1,5}$/i.test(a))
      env.problem(`INSTALL_VERIFY_ADDR must be host:port, or a comma-separated list of them (got "${a}").`);
  }
  if (new Set(verifyAddrs.map((a) => a.toLowerCase())).size !== verifyAddrs.length) env.problem('INSTALL_VERIFY_ADDR names the same address twice.');
  const verifyAddr = verifyAddrs[0] ?? null;
  const nginxCertDir = env.path('NGINX_CERT_DIR');
  const nginxReloadCmd = env.get('NGINX_RELOAD_CMD') ?? null;
  const installCommand = env.get('INSTALL_COMMAND') ?? null;
  if (installer === 'nginx') {
    if (nginxCertDir === null) env.problem('INSTALLER=nginx needs NGINX_CERT_DIR (where fullchain.pem and privkey.pem are written).');
    if (nginxReloadCmd === null) env.problem('INSTALLER=nginx needs NGINX_RELOAD_CMD (e.g. "nginx -s reload").');
  }
  if (installer === 'command' && installCommand === null) env.problem('INSTALLER=command needs INSTALL_COMMAND.');
  if (installer !== 'tls-front' && verifyAddr === null) {
    env.problem(`INSTALLER=${installer} needs INSTALL_VERIFY_ADDR (host:port where the new certificate is checked live).`);
  }
  return {
    installer,
    tlsFrontPort: env.port('TLS_FRONT_PORT', 8443),
    nginxCertDir,
    nginxTestCmd: env.get('NGINX_TEST_CMD') ?? 'nginx -t',
    nginxReloadCmd,
    installCommand,
    verifyAddr,
    verifyAddrs,
  };
}
