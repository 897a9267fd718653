/*
 * raqib shared/i18n.js: the language of the console and the admin page (Arabic by default,
 * English on request, remembered in this browser as `raqib.lang`), their words, and numbers
 * and times in that language.
 *
 * A page gives its own table of words to useWords() (added to shared/words.js) with the
 * function that re-renders what it shows; applyLanguage() then translates the static page:
 * data-i18n (text), data-i18n-placeholder, data-i18n-label (aria-label), data-i18n-title,
 * the title ('app.title') and the language button (data-raqib="lang", 'lang.other').
 */

import { $all, hook, store } from './dom.js';
import { SHARED_WORDS } from './words.js';

const LANG_KEY = 'raqib.lang';

let current = store.get(LANG_KEY) === 'en' ? 'en' : 'ar';
let words = SHARED_WORDS;
let rerender = null;

/** The page's words ({ar, en}) on top of the shared ones, and what to redo on a switch. */
export function useWords(table, onLanguage) {
  words = {
    ar: Object.assign({}, SHARED_WORDS.ar, table.ar),
    en: Object.assign({}, SHARED_WORDS.en, table.en),
  };
  rerender = onLanguage || null;
}

/** 'ar' or 'en'. */
export function language() { return current; }

/**
 * A word in the current language, with {name} placeholders filled in. A word that depends
 * on a number is an object of CLDR plural forms ({zero, one, two, few, many, other}: Arabic
 * uses all six, English one and other); `vars.count` (a number) picks the form by the
 * browser's CLDR rules (Intl.PluralRules), and {count} is that number in the page's digits.
 */
export function t(key, vars) {
  const here = words[current];
  let text = Object.prototype.hasOwnProperty.call(here, key) ? here[key]
    : (words.en[key] !== undefined ? words.en[key] : key);
  if (text !== null && typeof text === 'object') {
    const count = vars && typeof vars.count === 'number' ? vars.count : 0;
    text = text[pluralForm(count)] || text.other;
    vars = Object.assign({}, vars, { count: formatNumber(count) });
  }
  if (vars) {
    text = text.replace(/\{(\w+)\}/g, function (m, name) {
      return vars[name] === undefined ? m : String(vars[name]);
    });
  }
  return text;
}

/** A word that may be missing (a category or signal the page does not know yet). */
export function tOr(key, fallback) {
  const here = words[current];
  return Object.prototype.hasOwnProperty.call(here, key) ? here[key] : fallback;
}

let plurals = null;

/** The CLDR plural form of `n` in the page's language ('one', 'few', 'many', …). */
export function pluralForm(n) {
  if (!plurals || plurals.resolvedOptions().locale.slice(0, 2) !== locale().slice(0, 2)) {
    try { plurals = new Intl.PluralRules(locale()); } catch (e) { return n === 1 ? 'one' : 'other'; }
  }
  return plurals.select(n);
}

/** A length of time in seconds, in words: "3 دقائق", "45 seconds", "2 hours". */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 90) return t('time.seconds', { count: s });
  if (s < 90 * 60) return t('time.minutes', { count: Math.round(s / 60) });
  if (s < 36 * 3600) return t('time.hours', { count: Math.round(s / 3600) });
  return t('time.days', { count: Math.round(s / 86400) });
}

/**
 * Left-to-right text (an address, an email, a pattern) isolated for a sentence in either
 * direction, where it cannot be its own <bdi> (a toast, an option, a title).
 */
export function ltr(text) { return '\u2066' + String(text) + '\u2069'; }

export function locale() { return current === 'ar' ? 'ar' : 'en-GB'; }
export function listSeparator() { return current === 'ar' ? '، ' : ', '; }

/** A number in the page's language ('—' for none), at most `digits` (2) decimals. */
export function formatNumber(n, digits) {
  if (n === null || n === undefined || n === '') return '—';
  try {
    return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits === undefined ? 2 : digits }).format(n);
  } catch (e) { return String(n); }
}

export function formatPercent(x) {
  if (x === null || x === undefined) return '—';
  try {
    return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(x);
  } catch (e) { return Math.round(x * 1000) / 10 + '%'; }
}

/** A weight with its sign ("+3", "-1.5", "0"). */
export function signed(w) {
  const n = Number(w) || 0;
  return (n > 0 ? '+' : '') + formatNumber(n);
}

/**
 * A time given as milliseconds since the epoch or an RFC 3339 string ('—' for none): date
 * and time, or the time of day alone when `withDate` is false.
 */
export function formatTime(value, withDate) {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  if (isNaN(d.getTime())) return String(value);
  try {
    return new Intl.DateTimeFormat(locale(), withDate === false
      ? { hour: '2-digit', minute: '2-digit' }
      : { dateStyle: 'medium', timeStyle: 'short' }).format(d);
  } catch (e) { return d.toLocaleString(); }
}

/** Translates the static page, then lets the page re-render what it shows. */
export function applyLanguage() {
  const root = document.documentElement;
  root.lang = current;
  root.dir = current === 'ar' ? 'rtl' : 'ltr';
  document.title = t('app.title');
  $all('[data-i18n]').forEach(function (n) { n.textContent = t(n.getAttribute('data-i18n')); });
  $all('[data-i18n-placeholder]').forEach(function (n) { n.setAttribute('placeholder', t(n.getAttribute('data-i18n-placeholder'))); });
  $all('[data-i18n-label]').forEach(function (n) { n.setAttribute('aria-label', t(n.getAttribute('data-i18n-label'))); });
  $all('[data-i18n-title]').forEach(function (n) { n.setAttribute('title', t(n.getAttribute('data-i18n-title'))); });
  hook('lang').textContent = t('lang.other');
  hook('lang').setAttribute('lang', current === 'ar' ? 'en' : 'ar');
  if (rerender) rerender();
}

export function toggleLanguage() {
  current = current === 'ar' ? 'en' : 'ar';
  store.set(LANG_KEY, current);
  applyLanguage();
}
