/*
 * raqib admin/backtest.js: the back-test of the staged change on past comments: the headline
 * (approved comments it would have held, data-raqib="newly-flagged-approved"), the figures,
 * the class changes, precision and recall before and after, and the comments that would
 * change class with their new and lost hits marked.
 */

import { clear, el, hook } from '../shared/dom.js';
import { formatNumber, formatPercent, t, tOr } from '../shared/i18n.js';
import { api } from '../shared/api.js';
import { clearFieldErrors, numberOf, setBusy, setFieldError } from '../shared/forms.js';
import { classLabel, highlighted, hitList, hitsOf } from '../shared/hits.js';
import { classBadge, showFormError } from './page.js';
import { proposalOf, stageSize } from './stage.js';
import { CLASSES, F, state } from './state.js';

export function onBacktestSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  const days = numberOf(form.elements.days);
  const comments = numberOf(form.elements.comments);
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > 365)) { setFieldError(form, 'days', t('backtest.badDays')); return; }
  if (comments !== null && (!Number.isInteger(comments) || comments < 1 || comments > 200000)) { setFieldError(form, 'comments', t('backtest.badComments')); return; }
  const request = proposalOf(state.stage);
  if (days !== null) request.days = days;
  if (comments !== null) request.comments = comments;
  setBusy(form, true);
  const box = hook('backtest-result');
  box.setAttribute('aria-busy', 'true');
  api('POST', F + '/backtest', request).then(function (report) {
    state.backtest = report;
    state.backtest.empty = !stageSize(state.stage);
    renderBacktest();
  }, function (err) { showFormError(form, err); })
    .then(function () { setBusy(form, false); box.setAttribute('aria-busy', 'false'); });
}

export const CLASS_RANK = { ok: 0, hold: 1, spam: 2, block: 3 };

export function renderBacktest() {
  const box = hook('backtest-result');
  clear(box);
  const r = state.backtest;
  if (!r) { box.hidden = true; return; }
  box.className = 'panel';
  box.setAttribute('data-version', r.version);

  // The headline: approved comments the change would have held.
  const nfa = r.newly_flagged_approved || 0;
  box.appendChild(el('div', {
    class: 'verdict-banner' + (nfa > 0 ? ' bad' : ''), 'data-raqib': 'newly-flagged-approved', 'data-count': nfa, role: 'status',
  }, [
    nfa > 0 ? t('backtest.flaggedApproved', { n: formatNumber(nfa, 0) }) : t('backtest.flaggedApprovedNone'),
    el('span', { class: 'sub', text: t('backtest.window', { days: formatNumber(r.days, 0), v: formatNumber(r.version, 0) }) }),
  ]));
  const npb = r.newly_passed_bad || 0;
  box.appendChild(el('div', {
    class: 'verdict-banner' + (npb > 0 ? ' warn' : ''), 'data-raqib': 'newly-passed-bad', 'data-count': npb,
  }, npb > 0 ? t('backtest.passedBad', { n: formatNumber(npb, 0) }) : t('backtest.passedBadNone')));
  if (r.empty) box.appendChild(el('p', { class: 'notice', text: t('backtest.emptyProposal') }));
  if (r.stale) box.appendChild(el('p', { class: 'notice', 'data-raqib': 'stale-result', text: t('proposal.resultStale') }));

  // Figures.
  const figure = function (value, label, hookName) {
    return el('div', { class: 'figure', 'data-raqib': hookName || null }, [
      el('span', { class: 'value', text: formatNumber(value, 0) }),
      el('span', { class: 'label', text: label }),
    ]);
  };
  box.appendChild(el('div', { class: 'card figures' }, [
    figure(r.replayed, t('backtest.replayed'), 'bt-replayed'),
    figure(r.decided, t('backtest.decided'), 'bt-decided'),
    figure(r.changed, t('backtest.changed'), 'bt-changed'),
    figure(r.elapsed_ms, t('backtest.elapsed')),
  ]));

  // Transitions.
  const transitions = Object.keys(r.transitions || {});
  if (transitions.length) {
    const chips = el('div', { class: 'transitions', 'data-raqib': 'transitions' });
    transitions.sort(function (a, b) { return r.transitions[b] - r.transitions[a]; }).forEach(function (key) {
      const parts = key.split('→');
      const up = parts.length === 2 && CLASS_RANK[parts[1]] > CLASS_RANK[parts[0]];
      chips.appendChild(el('span', { class: 'transition ' + (up ? 'up' : 'down'), 'data-transition': key },
        [parts.length === 2 ? classLabel(parts[0]) + ' → ' + classLabel(parts[1]) : key, ': ', el('strong', { text: formatNumber(r.transitions[key], 0) })]));
    });
    box.appendChild(el('section', { class: 'card' }, [el('h3', { class: 'hits-title', text: t('backtest.transitions') }), chips]));
  }

  // Quality, before and after.
  box.appendChild(qualityTable(r));

  // Examples.
  const examples = r.examples || [];
  const section = el('section', { class: 'card', 'data-raqib': 'bt-examples' }, [
    el('h3', { class: 'hits-title', text: t('backtest.examples', { n: formatNumber(examples.length, 0) }) }),
  ]);
  if (!examples.length) section.appendChild(el('p', { class: 'hits-none', text: t('backtest.noExamples') }));
  examples.forEach(function (x) { section.appendChild(exampleCard(x)); });
  box.appendChild(section);
  box.hidden = false;
}

export function qualityTable(r) {
  const table = el('table', { class: 'grid quality', 'data-raqib': 'quality' });
  table.appendChild(el('thead', null, el('tr', null, [
    el('th', { text: t('backtest.metric') }),
    el('th', { class: 'num', text: t('backtest.before') }),
    el('th', { class: 'num', text: t('backtest.after') }),
    el('th', { class: 'num', text: t('backtest.delta') }),
  ])));
  const body = el('tbody');
  // [key, higher is better?, ratio?]
  const metrics = [['precision', true, true], ['recall', true, true], ['flagged', null, false],
    ['true_positives', true, false], ['false_positives', false, false], ['false_negatives', false, false]];
  ['spam', 'hold'].forEach(function (kind) {
    body.appendChild(el('tr', { class: 'detail-row' }, el('td', { colspan: '4' }, el('strong', { text: t('backtest.kind.' + kind) }))));
    metrics.forEach(function (m) {
      const before = r.before && r.before[kind] ? r.before[kind][m[0]] : null;
      const after = r.after && r.after[kind] ? r.after[kind][m[0]] : null;
      const show = function (v) {
        if (!m[2]) return formatNumber(v, 0);
        return v === null || v === undefined ? [t('backtest.na')] : [formatPercent(v), el('meter', { min: '0', max: '1', value: v })];
      };
      let delta = '';
      let cls = 'num';
      if (before !== null && before !== undefined && after !== null && after !== undefined && after !== before) {
        const d = after - before;
        delta = m[2] ? (d > 0 ? '+' : '−') + formatPercent(Math.abs(d)) : (d > 0 ? '+' : '−') + formatNumber(Math.abs(d), 0);
        if (m[1] !== null) cls += ((d > 0) === m[1]) ? ' better' : ' worse';
      }
      body.appendChild(el('tr', { 'data-metric': kind + '.' + m[0] }, [
        el('td', { text: t('backtest.m.' + m[0]) }),
        el('td', { class: 'num', 'data-when': 'before' }, show(before)),
        el('td', { class: 'num', 'data-when': 'after' }, show(after)),
        el('td', { class: cls, dir: 'ltr', text: delta }),
      ]));
    });
  });
  body.appendChild(el('tr', { class: 'detail-row' }, el('td', { colspan: '4' }, el('strong', { text: t('backtest.classes') }))));
  CLASSES.forEach(function (c) {
    const before = (r.before && r.before.classes && r.before.classes[c]) || 0;
    const after = (r.after && r.after.classes && r.after.classes[c]) || 0;
    const d = after - before;
    body.appendChild(el('tr', { 'data-metric': 'classes.' + c }, [
      el('td', null, classBadge(c)),
      el('td', { class: 'num', text: formatNumber(before, 0) }),
      el('td', { class: 'num', text: formatNumber(after, 0) }),
      el('td', { class: 'num', dir: 'ltr', text: d ? (d > 0 ? '+' : '−') + formatNumber(Math.abs(d), 0) : '' }),
    ]));
  });
  table.appendChild(body);
  return el('section', { class: 'card' }, [
    el('h3', { class: 'hits-title', text: t('backtest.quality') }),
    el('p', { class: 'hint', text: t('backtest.qualityHint') }),
    el('div', { class: 'table-wrap', tabindex: '0' }, table),
  ]);
}

export function exampleCard(x) {
  const approvedFlagged = x.status === 'approved' && CLASS_RANK[x.after] >= 1 && CLASS_RANK[x.before] === 0;
  const entries = hitsOf(x.new_hits, 'body').map(function (e) { return { hit: e.hit, i: e.i, kind: 'new' }; })
    .concat(hitsOf(x.lost_hits, 'body').map(function (e) { return { hit: e.hit, i: 1000 + e.i, kind: 'lost' }; }));
  const card = el('article', { class: 'example' + (approvedFlagged ? ' approved-flagged' : ''), 'data-raqib': 'bt-example', 'data-id': x.id }, [
    el('div', { class: 'example-head' }, [
      el('strong', { text: '#' + x.id }),
      el('bdi', { class: 'muted', dir: 'auto', text: x.article }),
      el('span', { class: 'badge status-' + x.status, text: tOr('status.' + x.status, x.status) }),
      classBadge(x.before), '→', classBadge(x.after),
      el('span', { class: 'muted', dir: 'ltr', text: formatNumber(x.before_score) + ' → ' + formatNumber(x.after_score) }),
    ]),
    el('div', { class: 'item-body', dir: 'auto' }, highlighted(x.excerpt, entries)),
  ]);
  const hits = el('div', { class: 'item-hits' });
  const sources = { body: x.excerpt };
  if ((x.new_hits || []).length) hits.appendChild(hitList(x.new_hits, sources, { kind: 'new', offset: 0 }));
  if ((x.lost_hits || []).length) hits.appendChild(hitList(x.lost_hits, sources, { kind: 'lost', offset: 1000 }));
  card.appendChild(hits);
  return card;
}
