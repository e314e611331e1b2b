import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { crc32 } from '../../../scripts/agent-app/read-png-size.js';

const REPO = resolve(import.meta.dirname, '../../..');
const ASSETS = join(REPO, 'assets');
const ZAF_SDK = 'https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js';
const read = (f: string) => readFileSync(join(ASSETS, f), 'utf8');
const textAssets = readdirSync(ASSETS).filter((f) => /\.(js|html|css)$/.test(f));
const scripts = textAssets.filter((f) => f.endsWith('.js'));
const manifest = JSON.parse(readFileSync(join(REPO, 'manifest.json'), 'utf8')) as { parameters: { name: string; secure?: boolean }[] };

describe('the sidebar follows the ZAF app conventions', () => {
  it('creates the ZAF client in exactly one place', () => {
    const calls = textAssets.flatMap((f) => (read(f).match(/ZAFClient\.init\(/g) ?? []).map(() => f));
    expect(calls).toEqual(['main.js']);
  });

  it('loads nothing from outside the app but the ZAF SDK', () => {
    const html = read('iframe.html');
    const sources = [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual(['sidebar.css', ZAF_SDK, 'main.js']);
    for (const f of textAssets) {
      const urls = (read(f).match(/\bhttps?:\/\/[^\s"'`)]+/g) ?? []).filter((u) => u !== ZAF_SDK);
      expect(urls, f).toEqual([]);
    }
  });

  it('every local script and stylesheet it loads or imports exists', () => {
    const html = read('iframe.html');
    const local = [...html.matchAll(/\b(?:src|href)="([^":]+)"/g)].map((m) => m[1]!);
    const imports = scripts.flatMap((f) => [...read(f).matchAll(/\bfrom '\.\/([^']+)'/g)].map((m) => m[1]!));
    for (const f of [...local, ...imports]) expect(existsSync(join(ASSETS, f)), f).toBe(true);
  });

  it('never writes markup from data (a ticket may carry hostile text)', () => {
    for (const f of scripts) expect(read(f), f).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
  });

  it('reads only settings the manifest declares, and never a secure one in the page', () => {
    const names = new Map(manifest.parameters.map((p) => [p.name, p]));
    for (const f of scripts) {
      const source = read(f);
      for (const [, name] of source.matchAll(/\{\{setting\.([a-z_]+)\}\}/g)) expect(names.has(name!), `${f}: {{setting.${name}}}`).toBe(true);
      for (const [, name] of source.matchAll(/settings\?*\.([a-z_]+)/g)) {
        expect(names.get(name!), `${f}: settings.${name}`).toMatchObject({ name });
        expect(names.get(name!)!.secure, `${f} reads the secure setting ${name}`).not.toBe(true);
      }
    }
  });
});

describe('the logos', () => {
  it.each([
    ['logo.png', 320],
    ['logo-small.png', 128],
  ])('%s is a complete %ipx square RGBA PNG whose every chunk checks out', (file, size) => {
    const png = readFileSync(join(ASSETS, file));
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const chunks: { type: string; data: Buffer }[] = [];
    for (let p = 8; p < png.length; ) {
      const length = png.readUInt32BE(p);
      const type = png.subarray(p + 4, p + 8).toString('latin1');
      const data = png.subarray(p + 8, p + 8 + length);
      expect(crc32(png.subarray(p + 4, p + 8 + length)), `${type} CRC`).toBe(png.readUInt32BE(p + 8 + length));
      chunks.push({ type, data });
      p += 12 + length;
    }
    expect(chunks[0]!.type).toBe('IHDR');
    expect(chunks.at(-1)!.type).toBe('IEND');
    const ihdr = chunks[0]!.data;
    expect([ihdr.readUInt32BE(0), ihdr.readUInt32BE(4), ihdr[8], ihdr[9]]).toEqual([size, size, 8, 6]);
    const pixels = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
    expect(pixels.length).toBe((size * 4 + 1) * size);
  });
});
