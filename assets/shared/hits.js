/*
 * raqib shared/hits.js: the filter's hits as the console and the admin page show them:
 * marked in the text (<mark data-rule data-hit>) and listed with their category, weight,
 * excerpt and rule (<li data-raqib="hit">). Spans are UTF-8 byte offsets (shared/spans.js).
 */

import { el } from './dom.js';
import { formatNumber, language, ltr, signed, t, tOr } from './i18n.js';
import { FAMILY, segmentText, spanToRange } from './spans.js';

export function catLabel(c) { return c ? tOr('cat.' + c, c) : '—'; }
export function classLabel(c) { return tOr('class.' + c, c); }

/**
 * Why a hit counted, in the page's language, built from its rule id (`list:<list>:<entry>`,
 * `signal:<name>[:…]`, `model:<family>`, `rule:<name>`); the server's explanation (English)
 * gives the numbers and domains it names, and stands alone only for what the page has no
 * words for.
 */
export function explain(h) {
  const rule = String(h.rule || '');
  const english = String(h.explanation || '');
  if (language() === 'en') return english;
  const number = (english.match(/\d+(?:\.\d+)?/) || [null])[0];
  const named = (english.match(/\(([^()]+)\)\s*$/) || english.match(/^link to (\S+)/) || [null, ''])[1];
  const vars = { n: number === null ? '' : formatNumber(Number(number)), x: ltr(named) };
  if (rule.indexOf('list:') === 0) {
    const rest = rule.slice(5);
    const cut = rest.indexOf(':');
    const list = cut < 0 ? rest : rest.slice(0, cut);
    return t('expl.list', { entry: cut < 0 ? '' : rest.slice(cut + 1), list: listLabel(list) });
  }
  if (rule.indexOf('rule:') === 0) return t('expl.rule', { name: ltr(rule.slice(5)) });
  const key = rule.indexOf('signal:') === 0 ? 'expl.signal.' + rule.slice(7).split(':')[0]
    : rule.indexOf('model:') === 0 ? 'expl.model.' + rule.slice(6) : null;
  if (key && tOr(key, null) !== null) return t(key, vars);
  return english;
}

/** A word list's name as a reader of the page says it (`ar/insult` → «الإهانات، عربي»). */
export function listLabel(name) {
  if (name === 'admin') return t('list.admin');
  const slash = name.indexOf('/');
  const kind = slash < 0 ? name : name.slice(slash + 1);
  const words = tOr('list.' + kind, null);
  if (words === null) return ltr(name);
  return slash < 0 ? words : words + '، ' + tOr('lang.' + name.slice(0, slash), name.slice(0, slash));
}

/** The hits of one field, each with its index in the full list (for data-hit links). */
export function hitsOf(hits, field) {
  return (hits || []).map(function (h, i) { return { hit: h, i: i }; })
    .filter(function (x) { return x.hit && (x.hit.field || 'body') === field && x.hit.span; });
}

/**
 * `text` as text nodes and <mark>s for the given hits ({hit, i, kind?}). A piece covered by
 * several hits names the strongest (non-shadow first) in data-rule and all in its title.
 * `kind` ('new' or 'lost', back-test examples) adds a class.
 */
export function highlighted(text, entries) {
  text = text == null ? '' : String(text);
  if (!entries.length) return [text];
  const segments = segmentText(text, entries.map(function (e) { return e.hit; }));
  return segments.map(function (seg) {
    if (!seg.hits.length) return seg.text;
    const covering = seg.hits.map(function (k) { return entries[k]; });
    covering.sort(function (x, y) {
      if (!!x.hit.shadow !== !!y.hit.shadow) return x.hit.shadow ? 1 : -1;
      return Math.abs(Number(y.hit.weight) || 0) - Math.abs(Number(x.hit.weight) || 0);
    });
    const primary = covering[0];
    const allShadow = covering.every(function (e) { return e.hit.shadow; });
    const kinds = covering.map(function (e) { return e.kind; });
    const kind = kinds.indexOf('new') >= 0 ? 'new' : kinds.indexOf('lost') >= 0 ? 'lost' : null;
    return el('mark', {
      class: 'hit fam-' + (FAMILY[primary.hit.category] || 'neutral') + ' cat-' + primary.hit.category
        + (allShadow ? ' shadow' : '') + (covering.length > 1 ? ' overlap' : '') + (kind ? ' hit-' + kind : ''),
      'data-rule': primary.hit.rule,
      'data-category': primary.hit.category,
      'data-hit': covering.map(function (e) { return e.i; }).join(' '),
      'data-shadow': allShadow ? 'true' : null,
      title: covering.map(function (e) { return hitTitle(e.hit, e.kind); }).join('\n'),
      text: seg.text,
    });
  });
}

export function hitTitle(h, kind) {
  return (kind ? t('hit.' + kind) + ': ' : '')
    + (explain(h) || catLabel(h.category)) + ' (' + signed(h.weight) + ') — ' + ltr(h.rule)
    + (h.shadow ? ' [' + t('hits.shadow') + ']' : '');
}

/**
 * The hit list (<ul class="hits-list">). `sources` maps a field to its text (for excerpts).
 * options.kind ('new' | 'lost') marks new or lost hits, options.offset is added to data-hit,
 * options.focusable lets a row with an excerpt take the focus (the console flashes its marks).
 */
export function hitList(hits, sources, options) {
  const o = options || {};
  const list = el('ul', { class: 'hits-list' });
  (hits || []).forEach(function (h, i) {
    if (!h) return;
    const field = h.field || 'body';
    const source = sources[field];
    let excerpt = null;
    if (source != null && h.span) {
      const r = spanToRange(String(source), h.span);
      if (r) excerpt = String(source).slice(r[0], r[1]);
    }
    list.appendChild(el('li', {
      class: 'hit-row fam-' + (FAMILY[h.category] || 'neutral') + (h.shadow ? ' shadow' : '') + (o.kind ? ' hit-' + o.kind : ''),
      'data-raqib': 'hit', 'data-rule': h.rule, 'data-hit': (o.offset || 0) + i,
      tabindex: o.focusable && excerpt !== null ? '0' : null,
    }, [
      o.kind ? el('span', { class: 'hit-tag', text: o.kind === 'new' ? '+' : '−' }) : null,
      el('span', { class: 'hit-cat', text: catLabel(h.category) }),
      el('span', { class: 'hit-weight', dir: 'ltr', text: signed(h.weight) }),
      excerpt !== null ? el('q', { class: 'hit-excerpt' }, el('bdi', { text: excerpt })) : null,
      el('span', { class: 'hit-expl', text: explain(h) }),
      field !== 'body' ? el('span', { class: 'hit-tag', text: t('hits.field', { field: tOr('where.' + field, field) }) }) : null,
      h.action && h.action !== 'score' ? el('span', { class: 'hit-tag hit-force', text: t('hits.forces', { 'class': classLabel(h.action) }) }) : null,
      h.shadow ? el('span', { class: 'hit-tag hit-shadow', text: t('hits.shadow') }) : null,
      el('code', { class: 'hit-rule', dir: 'ltr', text: h.rule }),
    ]));
  });
  return list;
}
