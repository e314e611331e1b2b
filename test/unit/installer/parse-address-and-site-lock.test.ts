import { describe, expect, it } from 'vitest';
import { formatAddress, parseAddress } from '../../../src/adapters/installer/parse-address.js';
import { KeyedLock } from '../../../src/lib/keyed-lock.js';

describe('INSTALL_VERIFY_ADDR', () => {
  it.each([
    ['127.0.0.1:8443', { host: '127.0.0.1', port: 8443 }],
    ['web.internal:443', { host: 'web.internal', port: 443 }],
    ['[::1]:8443', { host: '::1', port: 8443 }],
  ])('reads %s', (text, address) => {
    expect(parseAddress(text)).toEqual(address);
    expect(formatAddress(address)).toBe(text);
  });

  it.each(['127.0.0.1', ':443', 'host:0', 'host:70000', '::1:443', 'http://host:443'])('refuses %j', (text) => {
    expect(() => parseAddress(text)).toThrow(TypeError);
  });
});

describe('one install per site at a time', () => {
  it('runs the operations on one site in call order, one after the other, even after a failure', async () => {
    const lock = new KeyedLock();
    const events: string[] = [];
    const step =
      (name: string, fail = false) =>
      async () => {
        events.push(`${name} start`);
        await new Promise((r) => setTimeout(r, 5));
        events.push(`${name} end`);
        if (fail) throw new Error(name);
        return name;
      };
    const results = await Promise.allSettled([lock.run('a', step('a1', true)), lock.run('a', step('a2')), lock.run('a', step('a3'))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    expect(events).toEqual(['a1 start', 'a1 end', 'a2 start', 'a2 end', 'a3 start', 'a3 end']);
  });

  it('lets different sites run side by side', async () => {
    const lock = new KeyedLock();
    let release!: () => void;
    const held = lock.run('a', () => new Promise<void>((r) => (release = r)));
    expect(await lock.run('b', async () => 'b ran while a was held')).toBe('b ran while a was held');
    release();
    await held;
  });
});
