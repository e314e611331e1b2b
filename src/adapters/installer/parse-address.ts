/** A `host:port` address (INSTALL_VERIFY_ADDR); IPv6 hosts in brackets, `[::1]:8443`. */
export interface HostPort {
  host: string;
  port: number;
}

/** Parses `host:port`; throws TypeError when it is not one (configuration is checked at start-up). */
export function parseAddress(address: string): HostPort {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new TypeError(`not a host:port address: ${JSON.stringify(address)}`);
  return { host: match[1] ?? match[2]!, port };
}

/** The address written back, with brackets around IPv6 hosts. */
export function formatAddress({ host, port }: HostPort): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
