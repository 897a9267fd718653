/*
 * raqib admin/summary.js: a filter version's (or an offered change's) summary in the
 * page's language. The server writes one English line per change ("term added: «x»
 * (insult, weight 3)"); the forms it writes are read here and said again in Arabic, with
 * names, terms and patterns isolated left to right where they are Latin. A line of another
 * form is shown as the server wrote it.
 */

import { catLabel } from '../shared/hits.js';
import { formatNumber, language, ltr, t } from '../shared/i18n.js';

const FORMS = [
  [/^term added: «(.*)» \((\w+), weight ([\d.]+)\)$/, function (m) {
    return t('sum.termAdded', { term: m[1], category: catLabel(m[2]), weight: formatNumber(Number(m[3])) });
  }],
  [/^term removed: «(.*)» \((\w+)\)$/, function (m) {
    return t('sum.termRemoved', { term: m[1], category: catLabel(m[2]) });
  }],
  [/^term \w+: «(.*)»$/, function (m) { return t('sum.termChanged', { term: m[1] }); }],
  [/^rule added: (\S+) \/(.*)\/$/, function (m) { return t('sum.ruleAdded', { name: ltr(m[1]), pattern: ltr('/' + m[2] + '/') }); }],
  [/^rule removed: (.+)$/, function (m) { return t('sum.ruleRemoved', { name: ltr(m[1]) }); }],
  [/^rule \w+: (.+)$/, function (m) { return t('sum.ruleChanged', { name: ltr(m[1]) }); }],
  [/^settings changed: (.*)$/, function (m) { return t('sum.settings', { detail: ltr(m[1]) }); }],
  [/^import: (\d+) terms added, (\d+) already there$/, function (m) {
    return t('sum.import', { added: formatNumber(Number(m[1])), skipped: formatNumber(Number(m[2])) });
  }],
  [/^seeded from the shipped word lists: (\d+) terms and domains, (\d+) rules$/, function (m) {
    return t('sum.seed', { terms: formatNumber(Number(m[1])), rules: formatNumber(Number(m[2])) });
  }],
  [/^shipped word lists of raqib (\S+): (\d+) terms added, (\d+) removed, (\d+) rules added, (\d+) removed(, settings changed)?$/, function (m) {
    return t('sum.shipped', { release: ltr(m[1]), added: formatNumber(Number(m[2])), removed: formatNumber(Number(m[3])),
      rulesAdded: formatNumber(Number(m[4])), rulesRemoved: formatNumber(Number(m[5])) })
      + (m[6] ? t('sum.andSettings') : '');
  }],
  [/^models retrained on (\d+) decisions \(abuse (\w+), spam (\w+)\); on (\d+) held back: abuse caught (\d+)% → (\d+)%, spam caught (\d+)% → (\d+)%, civil held (\d+)% → (\d+)%$/, function (m) {
    const wholePercent = function (x) { return formatNumber(Number(x), 0) + '%'; };
    return t('sum.models', { decisions: t('model.decisions', { count: Number(m[1]) }), held: t('model.decisions', { count: Number(m[4]) }),
      abuseBefore: wholePercent(m[5]), abuseAfter: wholePercent(m[6]), spamBefore: wholePercent(m[7]), spamAfter: wholePercent(m[8]),
      civilBefore: wholePercent(m[9]), civilAfter: wholePercent(m[10]) });
  }],
  [/^restored version (\d+)$/, function (m) { return t('sum.restored', { version: formatNumber(Number(m[1])) }); }],
  [/^promoted candidate (\d+): (.*)$/, function (m) {
    return t('sum.promoted', { id: formatNumber(Number(m[1])), what: summaryText(m[2]) });
  }],
];

/** `summary` in the page's language. */
export function summaryText(summary) {
  const s = String(summary || '');
  if (language() === 'en') return s;
  for (let i = 0; i < FORMS.length; i++) {
    const m = s.match(FORMS[i][0]);
    if (m) return FORMS[i][1](m);
  }
  return s;
}
