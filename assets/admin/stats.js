/*
 * raqib admin/stats.js: the Statistics tab: how often each term and rule fired on stored
 * comments and what moderators then decided, harmful ones (moderators approved half or more
 * of what they hit) marked, sortable and filterable, each opening its term or rule.
 */

import { $all, append, clear, el, hook } from '../shared/dom.js';
import { formatNumber, formatPercent, formatTime, t, tOr } from '../shared/i18n.js';
import { api, query } from '../shared/api.js';
import { toast } from '../shared/dialogs.js';
import { numberOf } from '../shared/forms.js';
import { handleError } from '../shared/session.js';
import { catLabel } from '../shared/hits.js';
import { isoTitle, selectTab } from './page.js';
import { renderRules } from './rules.js';
import { parseRuleId } from './stage.js';
import { F, HARMFUL_SHARE, state, SUSPECT_SHARE } from './state.js';
import { syncTermFilters } from './terms.js';

export function loadRuleStats() {
  const form = hook('stats-form');
  const days = numberOf(form.elements.days);
  if (days !== null && (!Number.isInteger(days) || days < 1 || days > 90)) {
    form.elements.days.setAttribute('aria-invalid', 'true');
    toast(t('stats.badDays'), 'error');
    return Promise.resolve();
  }
  form.elements.days.removeAttribute('aria-invalid');
  hook('stats-rows').setAttribute('aria-busy', 'true');
  return api('GET', F + '/stats' + query({ days: days })).then(function (data) {
    state.stats.data = data;
    state.stats.loaded = true;
    renderRuleStats();
  }, handleError).then(function () {
    hook('stats-rows').setAttribute('aria-busy', 'false');
  });
}

export function shareClass(s) {
  if (s.approved_share === null || s.approved_share === undefined) return '';
  if (s.approved_share >= HARMFUL_SHARE) return 'harmful';
  if (s.approved_share >= SUSPECT_SHARE) return 'suspect';
  return '';
}

/** Per filter version, the comments each learned model fired on and how they were decided. */
function renderModelStats(models) {
  hook('model-stats').hidden = !models.length;
  const body = hook('model-stats-rows');
  clear(body);
  models.forEach(function (m) {
    body.appendChild(el('tr', { 'data-raqib': 'model-stat', 'data-version': m.version, 'data-model': m.model }, [
      el('td', { class: 'num', text: formatNumber(m.version, 0) }),
      el('td', { text: t('stats.model.' + m.model) }),
      el('td', { class: 'num', text: formatNumber(m.fired, 0) }),
      el('td', { class: 'num', text: formatNumber(m.approved, 0) }),
      el('td', { class: 'num', text: formatNumber(m.rejected, 0) }),
      el('td', { class: 'num', text: formatNumber(m.spam, 0) }),
      el('td', { class: 'num', text: formatNumber(m.pending, 0) }),
    ]));
  });
}

export function renderRuleStats() {
  const data = state.stats.data;
  const body = hook('stats-rows');
  clear(body);
  const summary = hook('stats-summary');
  clear(summary);
  if (!data) return;
  const form = hook('stats-form');
  const q = form.elements.q.value.trim().toLowerCase();
  const harmfulOnly = form.elements.harmful.checked;
  hook('stats-hits-head').textContent = t('stats.hitsN', { count: Number(data.days) || 0 });
  const harmful = (data.rules || []).filter(function (s) { return shareClass(s) === 'harmful'; }).length;
  append(summary, [
    el('span', { class: 'stat-big', text: t('stats.comments', { n: formatNumber(data.comments, 0), count: Number(data.days) || 0 }) }),
    el('span', { class: 'stat-big', 'data-raqib': 'stats-silent', 'data-count': data.silent,
      title: t('stats.silentHint'), text: t('stats.silent', { n: formatNumber(data.silent, 0) }) }),
    harmful ? el('span', { class: 'badge class-block', 'data-raqib': 'stats-harmful', 'data-count': harmful,
      text: t('stats.harmfulCount', { n: formatNumber(harmful, 0) }) }) : null,
  ]);
  const key = state.stats.sort;
  $all('[data-sort]', hook('stats-table')).forEach(function (b) { b.classList.toggle('sorted', b.getAttribute('data-sort') === key); });
  const rows = (data.rules || []).filter(function (s) {
    if (harmfulOnly && shareClass(s) !== 'harmful') return false;
    return !q || String(s.rule).toLowerCase().indexOf(q) >= 0;
  }).slice();
  rows.sort(function (a, b) {
    const x = a[key] === null || a[key] === undefined ? -Infinity : a[key];
    const y = b[key] === null || b[key] === undefined ? -Infinity : b[key];
    if (y !== x) return y > x ? 1 : -1;
    return (b.hits_30d - a.hits_30d) || String(a.rule).localeCompare(String(b.rule));
  });
  renderModelStats(data.models || []);
  rows.forEach(function (s) {
    const cls = shareClass(s);
    const target = parseRuleId(s.rule);
    const decided = (s.approved || 0) + (s.rejected || 0);
    body.appendChild(el('tr', { class: cls, 'data-raqib': 'stat', 'data-rule': s.rule }, [
      el('td', null, [
        target ? el('button', { type: 'button', class: 'linkish', 'data-action': 'open-rule', dir: 'ltr', title: t('stats.open'), text: s.rule })
          : el('code', { dir: 'ltr', text: s.rule }),
        s.shadow ? [' ', el('span', { class: 'badge shadow', text: t('hits.shadow') })] : null,
      ].flat()),
      el('td', { text: catLabel(s.category) }),
      el('td', { class: 'num', text: formatNumber(s.hits_7d, 0) }),
      el('td', { class: 'num', text: formatNumber(s.hits_30d, 0) }),
      el('td', { class: 'num', text: formatNumber(s.approved, 0) }),
      el('td', { class: 'num', text: formatNumber(s.rejected, 0) }),
      el('td', { class: 'num share', title: decided ? t('stats.shareOf', { a: s.approved, d: decided }) : null,
        text: formatPercent(s.approved_share) }),
      el('td', null, el('span', { class: 'outcomes' }, Object.keys(s.outcomes || {}).map(function (k) {
        return el('span', { text: tOr('status.' + k, k) + ': ' + formatNumber(s.outcomes[k], 0) });
      }))),
      el('td', { class: 'when', title: s.last_seen ? isoTitle(s.last_seen) : null, text: formatTime(s.last_seen) }),
      el('td', { class: 'examples', dir: 'ltr', text: (s.examples || []).map(function (id) { return '#' + id; }).join(' ') }),
    ]));
  });
  hook('stats-empty').hidden = rows.length > 0;
}

export function onStatsClick(event) {
  const sort = event.target.closest('[data-sort]');
  if (sort) {
    state.stats.sort = sort.getAttribute('data-sort');
    renderRuleStats();
    return;
  }
  const open = event.target.closest('[data-action="open-rule"]');
  if (!open) return;
  const target = parseRuleId(open.closest('[data-raqib="stat"]').getAttribute('data-rule'));
  if (!target) return;
  if (target.rule) {
    state.rules.flash = target.rule;
    selectTab('rules');
    if (state.rules.loaded) renderRules();
  } else {
    const f = state.terms.filters;
    f.q = target.term; f.list = target.list; f.category = ''; f.shadow = ''; f.enabled = '';
    state.terms.offset = 0;
    syncTermFilters();
    state.terms.loaded = false;
    selectTab('terms', true);
  }
}
