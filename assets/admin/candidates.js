/*
 * raqib admin/candidates.js: filter changes offered rather than applied (a newer release's
 * word lists on a filter admins have tuned, or models retrained on the site's decisions,
 * with their report), shown above the versions: back-test one against moderators'
 * decisions of the last 30 days, promote it as a new version, or dismiss it.
 */

import { clear, el, hook } from '../shared/dom.js';
import { formatNumber, formatTime, ltr, t } from '../shared/i18n.js';
import { api } from '../shared/api.js';
import { confirmDialog, toast } from '../shared/dialogs.js';
import { handleError } from '../shared/session.js';
import { qualityTable } from './backtest.js';
import { changed, isoTitle } from './page.js';
import { F } from './state.js';
import { summaryText } from './summary.js';
import { loadVersions } from './versions.js';

const reports = new Map();
let items = [];

export function loadCandidates() {
  return api('GET', F + '/candidates').then(function (data) {
    items = data.candidates || [];
    renderCandidates();
  }, handleError);
}

export function renderCandidates() {
  const box = hook('candidates');
  clear(box);
  const open = items.filter(function (c) { return c.status === 'open'; });
  box.hidden = !items.length;
  if (!items.length) return;
  box.appendChild(el('h3', { text: t('candidates.title') }));
  box.appendChild(el('p', { class: 'hint', text: open.length ? t('candidates.hint') : t('candidates.none') }));
  items.slice(0, 10).forEach(function (c) {
    const isOpen = c.status === 'open';
    const row = el('div', { class: 'card candidate', 'data-raqib': 'candidate', 'data-id': c.id, 'data-status': c.status }, [
      el('p', null, [
        el('strong', { text: '#' + c.id + ' ' }),
        el('span', { class: 'when', title: isoTitle(c.created_at), text: formatTime(c.created_at) + ' · ' }),
        el('span', { class: 'badge', text: t('candidates.status.' + c.status) }),
      ]),
      el('p', { text: summaryText(c.summary) }),
      isOpen ? el('div', { class: 'actions' }, [
        el('button', { type: 'button', 'data-action': 'backtest', text: t('candidates.backtest') }),
        el('button', { type: 'button', class: 'primary', 'data-action': 'promote', text: t('candidates.promote') }),
        el('button', { type: 'button', 'data-action': 'dismiss', text: t('candidates.dismiss') }),
      ]) : null,
    ]);
    if (c.report) row.appendChild(modelReport(c.report));
    const report = reports.get(c.id);
    if (report) row.appendChild(qualityTable(report));
    box.appendChild(row);
  });
}

/** A retrained model's report: the live version against the candidate on the newest
 * decisions, which it was not trained on. */
function modelReport(r) {
  const percent = function (x) { return formatNumber(100 * x, 1) + '%'; };
  const rows = [
    ['abuse_recall', 'model.abuseCaught'], ['abuse_precision', 'model.abusePrecision'],
    ['spam_recall', 'model.spamCaught'], ['spam_precision', 'model.spamPrecision'],
    ['civil_held', 'model.civilHeld'],
  ].map(function (row) {
    return el('tr', null, [
      el('th', { scope: 'row', text: t(row[1]) }),
      el('td', { class: 'num', text: percent(r.before[row[0]]) }),
      el('td', { class: 'num', text: percent(r.after[row[0]]) }),
    ]);
  });
  const box = el('div', { class: 'model-report', 'data-raqib': 'model-report' }, [
    el('p', { text: t('model.trained', {
      decisions: t('model.decisions', { count: r.trained_on }), held: t('model.decisions', { count: r.held_back }),
      civil: formatNumber(r.after.civil, 0), abuse: formatNumber(r.after.abuse, 0), spam: formatNumber(r.after.spam, 0),
    }) }),
    el('div', { class: 'table-wrap', tabindex: '0' }, el('table', { class: 'grid' }, [
      el('thead', null, el('tr', null, [
        el('th', { scope: 'col', text: t('model.figure') }),
        el('th', { scope: 'col', text: t('model.live') }),
        el('th', { scope: 'col', text: t('model.candidate') }),
      ])),
      el('tbody', null, rows),
    ])),
  ]);
  (r.mix_shifts || []).forEach(function (m) {
    box.appendChild(el('p', { class: 'warn', 'data-raqib': 'mix-shift', text: t('model.shift', {
      who: ltr(m.moderator), label: t('model.label.' + m.label), before: percent(m.before), recent: percent(m.recent),
      n: t('model.decisions', { count: m.recent_decisions }),
    }) }));
  });
  return box;
}

export function onCandidatesClick(event) {
  const button = event.target.closest('button[data-action]');
  const card = event.target.closest('[data-raqib="candidate"]');
  if (!button || !card) return;
  const id = Number(card.getAttribute('data-id'));
  const candidate = items.find(function (c) { return c.id === id; });
  if (!candidate) return;
  const action = button.getAttribute('data-action');
  if (action === 'backtest') {
    button.disabled = true;
    const body = Object.assign({}, candidate.proposal, { days: 30 });
    api('POST', F + '/backtest', body).then(function (report) {
      reports.set(id, report);
      renderCandidates();
    }, handleError).then(function () { button.disabled = false; });
  } else if (action === 'promote') {
    confirmDialog(t('candidates.promoteTitle', { id: id }), t('candidates.promoteText'), t('candidates.promote'))
      .then(function (yes) {
        if (!yes) return;
        api('POST', F + '/candidates/' + id + '/promote').then(function (res) {
          toast(t('candidates.promoted', { v: res.version }), 'ok');
          changed(['terms', 'rules', 'settings']);
          loadVersions();
          loadCandidates();
        }, handleError);
      });
  } else if (action === 'dismiss') {
    api('POST', F + '/candidates/' + id + '/dismiss').then(function () {
      toast(t('candidates.dismissed'), 'ok');
      loadCandidates();
    }, handleError);
  }
}
