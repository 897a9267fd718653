/*
 * raqib admin/versions.js: the Versions tab: the filter's versions with who made them and
 * what they opened and closed, the details of one (terms and rules added, changed, removed),
 * and restoring an old version as a new one.
 */

import { append, clear, el, hook } from '../shared/dom.js';
import { formatNumber, formatTime, ltr, signed, t, tOr } from '../shared/i18n.js';
import { api, query } from '../shared/api.js';
import { confirmDialog, toast } from '../shared/dialogs.js';
import { handleError } from '../shared/session.js';
import { catLabel } from '../shared/hits.js';
import { actionLabel, changed, isoTitle } from './page.js';
import { F, state } from './state.js';
import { summaryText } from './summary.js';

export function loadVersions() {
  const v = state.versions;
  hook('version-rows').setAttribute('aria-busy', 'true');
  return api('GET', F + '/versions' + query({ limit: v.limit })).then(function (data) {
    v.data = data;
    renderVersions();
  }, handleError).then(function () {
    hook('version-rows').setAttribute('aria-busy', 'false');
  });
}

export function renderVersions() {
  const v = state.versions;
  const body = hook('version-rows');
  clear(body);
  if (!v.data) return;
  const current = v.data.current;
  (v.data.items || []).forEach(function (item) {
    const open = v.open.has(item.version);
    const tr = el('tr', {
      class: 'version-row' + (item.version === current ? ' current-version' : ''),
      'data-raqib': 'version', 'data-version': item.version,
    }, [
      el('td', { class: 'num' }, [formatNumber(item.version, 0),
        item.version === current ? el('span', { class: 'badge class-ok', text: t('versions.current') }) : null]),
      el('td', { class: 'when', title: isoTitle(item.created_at), text: formatTime(item.created_at) }),
      el('td', null, el('bdi', { text: item.created_by })),
      el('td', { text: summaryText(item.summary) }),
      el('td', { class: 'num', text: formatNumber(item.opened, 0) }),
      el('td', { class: 'num', text: formatNumber(item.closed, 0) }),
      el('td', { class: 'actions' }, [
        el('button', { type: 'button', 'data-action': 'details', 'aria-expanded': open ? 'true' : 'false',
          text: open ? t('versions.hide') : t('versions.details') }),
        el('button', { type: 'button', class: 'danger', 'data-action': 'restore', 'data-version': item.version,
          disabled: item.version === current, title: item.version === current ? t('versions.isCurrent') : null,
          text: t('versions.restore') }),
      ]),
    ]);
    body.appendChild(tr);
    if (open) body.appendChild(versionDetailRow(item.version));
  });
}

export function versionDetailRow(n) {
  const td = el('td', { colspan: '7' });
  const tr = el('tr', { class: 'detail-row', 'data-raqib': 'version-detail', 'data-version': n }, td);
  const d = state.versions.details.get(n);
  if (!d) {
    td.appendChild(el('p', { class: 'muted', text: t('loading') }));
    return tr;
  }
  const section = function (title, lines) {
    if (!lines.length) return null;
    return el('section', { class: 'stage-group' }, [el('h3', { text: title }), el('ul', { class: 'stage-list' }, lines)]);
  };
  const termText = function (x) {
    return [catLabel(x.category), signed(x.weight), actionLabel(x.action), t('match.' + x.match), x.list]
      .join(' · ') + (x.shadow ? ' · ' + t('hits.shadow') : '') + (x.enabled ? '' : ' · ' + t('state.disabled'));
  };
  const ruleText = function (x) {
    return [ltr(x.pattern), signed(x.weight), actionLabel(x.action), tOr('target.' + x.target, x.target), catLabel(x.category)]
      .join(' · ') + (x.shadow ? ' · ' + t('hits.shadow') : '') + (x.enabled ? '' : ' · ' + t('state.disabled'));
  };
  // A row closed and opened with the same id is a change.
  const pair = function (opened, closed) {
    const closedById = new Map(closed.map(function (x) { return [x.id, x]; }));
    const openedIds = new Set(opened.map(function (x) { return x.id; }));
    return {
      added: opened.filter(function (x) { return !closedById.has(x.id); }),
      changed: opened.filter(function (x) { return closedById.has(x.id); }).map(function (x) { return [closedById.get(x.id), x]; }),
      removed: closed.filter(function (x) { return !openedIds.has(x.id); }),
    };
  };
  const terms = pair(d.terms_opened || [], d.terms_closed || []);
  const rules = pair(d.rules_opened || [], d.rules_closed || []);
  const line = function (cls, label, text) {
    return el('li', { class: 'stage-item ' + cls }, [el('bdi', { class: 'term-cell', dir: 'auto', text: label }),
      el('span', { class: 'grow muted', dir: 'auto', text: text })]);
  };
  const parts = [
    section(t('versions.termsAdded'), terms.added.map(function (x) { return line('add', x.term, termText(x)); })),
    section(t('versions.termsChanged'), terms.changed.map(function (p) { return line('change', p[1].term, termText(p[0]) + '  ⟶  ' + termText(p[1])); })),
    section(t('versions.termsRemoved'), terms.removed.map(function (x) { return line('remove', x.term, termText(x)); })),
    section(t('versions.rulesAdded'), rules.added.map(function (x) { return line('add', x.name, ruleText(x)); })),
    section(t('versions.rulesChanged'), rules.changed.map(function (p) { return line('change', p[1].name, ruleText(p[0]) + '  ⟶  ' + ruleText(p[1])); })),
    section(t('versions.rulesRemoved'), rules.removed.map(function (x) { return line('remove', x.name, ruleText(x)); })),
  ].filter(Boolean);
  if (!parts.length) td.appendChild(el('p', { class: 'muted', text: t('versions.noRows') }));
  append(td, parts);
  return tr;
}

export function onVersionsClick(event) {
  const row = event.target.closest('[data-raqib="version"]');
  if (!row) return;
  const n = Number(row.getAttribute('data-version'));
  const button = event.target.closest('button[data-action]');
  if (button && button.getAttribute('data-action') === 'restore') {
    restoreVersion(n);
    return;
  }
  if (event.target.closest('a, input, select')) return;
  const v = state.versions;
  if (v.open.has(n)) {
    v.open.delete(n);
    renderVersions();
    return;
  }
  v.open.add(n);
  renderVersions();
  if (!v.details.has(n)) {
    api('GET', F + '/versions/' + n).then(function (d) {
      v.details.set(n, d);
      renderVersions();
    }, function (err) {
      v.open.delete(n);
      renderVersions();
      handleError(err);
    });
  }
}

export function restoreVersion(n) {
  confirmDialog(t('versions.restoreTitle', { v: formatNumber(n, 0) }), t('versions.restoreText', { v: formatNumber(n, 0) }),
    t('versions.restore')).then(function (yes) {
    if (!yes) return;
    api('POST', F + '/versions/' + n + '/restore').then(function (res) {
      toast(t('versions.restored', { from: formatNumber(res.restored_from, 0), v: formatNumber(res.version, 0) }), 'ok');
      changed(['terms', 'rules', 'settings']);
      loadVersions();
    }, handleError);
  });
}
