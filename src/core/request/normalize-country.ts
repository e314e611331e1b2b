import countries from 'i18n-iso-countries';
import { collapseSpaces } from './collapse-spaces.js';
import type { FieldCheck } from './types.js';

// Names people write that are not (or not only) a country in ISO 3166: "UK" is reserved, not
// assigned, and the parts of the United Kingdom are GB in a certificate.
const ALIASES: Record<string, string> = {
  uk: 'GB',
  'great britain': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  holland: 'NL',
  'the netherlands': 'NL',
  america: 'US',
  'united states': 'US',
};

/**
 * The country as an ISO 3166-1 alpha-2 code, from a code (`gb`, `GBR`, `U.K.`) or a name in any
 * language i18n-iso-countries knows (`Switzerland`, `Schweiz`, `Deutschland`); `UK` means `GB`.
 */
export function normalizeCountry(raw: string): FieldCheck {
  const written = collapseSpaces(raw);
  const code = countryCode(written);
  if (code) return { ok: true, value: code };
  return {
    ok: false,
    value: written,
    message: `We could not recognise "${written}" as a country. Please give the 2-letter country code, for example GB for the United Kingdom or CH for Switzerland.`,
  };
}

// Longer than any country name; a lookup in every language is not free.
const MAX_COUNTRY_LENGTH = 80;

function countryCode(written: string): string | undefined {
  if (written.length > MAX_COUNTRY_LENGTH) return undefined;
  const direct = lookup(written);
  if (direct) return direct;
  // "United Kingdom (GB)", "GB - United Kingdom", "CH / Switzerland"
  const parts = written.split(/\s*[()/,;|–-]\s*/).filter(Boolean);
  if (parts.length > 4) return undefined;
  for (const part of parts) {
    const found = part.trim() && lookup(part.trim());
    if (found) return found;
  }
  return undefined;
}

function lookup(text: string): string | undefined {
  const compact = text.replace(/\.$/, '').trim();
  if (/^(?:[a-z]\.){1,2}[a-z]\.?$/i.test(text)) return lookupCode(text.replace(/\./g, ''));
  if (/^[a-z]{2,3}$/i.test(compact)) {
    const byCode = lookupCode(compact);
    if (byCode) return byCode;
  }
  const key = compact.toLowerCase();
  const alias = ALIASES[key] ?? ALIASES[key.replace(/^the\s+/, '')];
  if (alias) return alias;
  const index = countryNameIndex();
  return index.get(key) ?? index.get(key.replace(/^the\s+/, ''));
}

let nameIndex: Map<string, string> | undefined;

/** Every country name i18n-iso-countries knows, lower-cased, in every language (English first). */
function countryNameIndex(): Map<string, string> {
  if (nameIndex) return nameIndex;
  nameIndex = new Map();
  const langs = ['en', ...countries.langs().filter((lang) => lang !== 'en')];
  for (const lang of langs) {
    for (const [code, names] of Object.entries(countries.getNames(lang, { select: 'all' }))) {
      for (const name of names) {
        const key = name.toLowerCase();
        if (!nameIndex.has(key)) nameIndex.set(key, code);
      }
    }
  }
  return nameIndex;
}

function lookupCode(code: string): string | undefined {
  const upper = code.toUpperCase();
  if (upper === 'UK') return 'GB';
  if (upper.length === 2) return countries.isValid(upper) && /^[A-Z]{2}$/.test(upper) ? upper : undefined;
  return countries.alpha3ToAlpha2(upper);
}
