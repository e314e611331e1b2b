import TRANSLATIONS from './translations.js';

/**
 * The sidebar's texts, by key, from translations/<locale>.json — copied into assets/translations.js
 * by `npm run package-app`, because Zendesk serves only assets/ to the app's iframe. `{{name}}` in a
 * text takes `values.name`. A locale without its file falls back to its language, then to English;
 * an unknown key shows itself, so a missing text is seen rather than silently blank.
 */
let strings = TRANSLATIONS.en;

export function setLocale(locale) {
  const tag = String(locale || 'en').toLowerCase();
  strings = TRANSLATIONS[tag] || TRANSLATIONS[tag.split('-')[0]] || TRANSLATIONS.en;
}

export function t(key, values) {
  const text = key.split('.').reduce((node, part) => (node && typeof node === 'object' ? node[part] : undefined), strings);
  if (typeof text !== 'string') return key;
  return text.replace(/\{\{(\w+)\}\}/g, (match, name) => (values && name in values ? String(values[name]) : match));
}
