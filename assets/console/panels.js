/*
 * raqib console/panels.js: what opens from an item: the author's history and the item's
 * activity log (a panel inside the item), closing the article's comments (the ban dialog is
 * in console/bans.js);
 * and the numbers in the top bar (data-raqib="stats"), refreshed every minute.
 */

import { $, append, clear, el, hook } from '../shared/dom.js';
import { formatNumber, formatTime, listSeparator, t } from '../shared/i18n.js';
import { api } from '../shared/api.js';
import { confirmDialog, toast } from '../shared/dialogs.js';
import { account, handleError } from '../shared/session.js';
import { reasonLabel } from './item.js';
import { loadQueue, setFilter } from './queue.js';
import { excerpt, formatAge, state } from './state.js';

/* ------------------------ history and log ------------------------- */

export function togglePanel(id, kind) {
  const node = state.nodes.get(id);
  if (!node) return;
  const panel = $('[data-raqib="panel"]', node);
  if (!panel.hidden && panel.getAttribute('data-kind') === kind) {
    panel.hidden = true;
    return;
  }
  panel.setAttribute('data-kind', kind);
  clear(panel);
  panel.appendChild(el('p', { class: 'muted', text: t('queue.loading') }));
  panel.hidden = false;
  (kind === 'history' ? loadHistory(id, panel) : loadLog(id, panel)).catch(function (err) {
    panel.hidden = true;
    handleError(err);
  });
}

export function panelHead(title, panel) {
  const close = el('button', { type: 'button', class: 'panel-close', 'aria-label': t('panel.close'), text: '×' });
  close.addEventListener('click', function () { panel.hidden = true; });
  return el('div', { class: 'panel-head' }, [el('h3', { text: title }), close]);
}

export function loadHistory(id, panel) {
  const c = state.items.get(id);
  const p = new URLSearchParams({ status: 'any', email: c.email, sort: 'newest', limit: '20' });
  return api('GET', '/api/v1/moderation/queue?' + p.toString()).then(function (page) {
    clear(panel);
    panel.appendChild(panelHead(t('history.title'), panel));
    const items = (page && page.items) || [];
    if (!items.length || (items.length === 1 && items[0].id === id)) {
      panel.appendChild(el('p', { class: 'muted', text: t('history.empty') }));
    }
    const list = el('ol', { class: 'history-list', 'data-raqib': 'history' });
    items.forEach(function (h) {
      list.appendChild(el('li', { class: 'history-row' + (h.id === id ? ' current' : ''), 'data-id': h.id }, [
        el('span', { class: 'badge status status-' + h.status, text: t('status.' + h.status) }),
        el('span', { class: 'badge class class-' + h['class'], text: t('class.' + h['class']) }),
        el('time', { datetime: h.created_at, text: formatTime(h.created_at) }),
        el('bdi', { class: 'history-article', text: h.article }),
        h.id === id ? el('em', { text: t('history.this') }) : null,
        el('span', { class: 'history-body', dir: 'auto', text: excerpt(h.body, 160) }),
      ]));
    });
    if (items.length) panel.appendChild(list);
    const all = el('button', { type: 'button', class: 'linkish', text: t('history.all') });
    all.addEventListener('click', function () { setFilter({ email: c.email, status: 'any' }); });
    panel.appendChild(all);
  });
}

export function loadLog(id, panel) {
  const p = new URLSearchParams({ target: 'comment:' + id, limit: '50' });
  return api('GET', '/api/v1/moderation/audit?' + p.toString()).then(function (page) {
    clear(panel);
    panel.appendChild(panelHead(t('log.title'), panel));
    const rows = (page && page.items) || [];
    if (!rows.length) {
      panel.appendChild(el('p', { class: 'muted', text: t('log.empty') }));
      return;
    }
    const list = el('ol', { class: 'log-list', 'data-raqib': 'log' });
    rows.forEach(function (r) {
      const before = r.before && r.before.status ? t('status.' + r.before.status) : null;
      const after = r.after && r.after.status ? t('status.' + r.after.status) : null;
      list.appendChild(el('li', { class: 'log-row' }, [
        el('time', { datetime: new Date(r.at).toISOString(), text: formatTime(new Date(r.at).toISOString()) }),
        el('bdi', { class: 'log-actor', text: r.actor }),
        el('code', { dir: 'ltr', text: r.action }),
        before || after ? el('span', { text: (before || '—') + ' ← ' + (after || '—') }) : null,
        r.reason ? el('span', { class: 'muted', text: reasonLabel(r.reason) }) : null,
      ]));
    });
    panel.appendChild(list);
  });
}

/* ----------------------------- close ------------------------------ */

export function closeArticle(id) {
  const c = state.items.get(id);
  if (!c) return;
  confirmDialog(t('close.title'), t('close.text', { article: c.article }), t('close.confirm')).then(function (yes) {
    if (!yes) return;
    const path = '/api/v1/moderation/articles/' + encodeURIComponent(c.article) + '/closed';
    api('POST', path).then(function () {
      toast(t('close.done', { article: c.article }), 'ok', { action: { label: t('op.reopen'), run: function () {
        api('DELETE', path).then(function () { toast(t('close.reopened', { article: c.article }), 'ok'); }, handleError);
      } } });
    }, handleError);
  });
}

/* ------------------------------ stats ----------------------------- */

let statsTimer = null;
let statsSoon = null;

export function startStatsTimer() {
  stopStatsTimer();
  statsTimer = window.setInterval(function () { if (!document.hidden) loadQueueStats(); }, 60000);
}

export function stopStatsTimer() {
  if (statsTimer) window.clearInterval(statsTimer);
  statsTimer = null;
}

export function scheduleStats() {
  if (statsSoon) window.clearTimeout(statsSoon);
  statsSoon = window.setTimeout(loadQueueStats, 1500);
}

let lastStats = null;

export function loadQueueStats() {
  return api('GET', '/api/v1/moderation/stats').then(function (s) {
    lastStats = s;
    renderQueueStats();
  }, function () { /* the queue call reports errors; stats are a bonus */ });
}

export function renderQueueStats() {
  const box = hook('stats');
  clear(box);
  const s = lastStats;
  if (!s) return;
  const by = s.by_status || {};
  const pc = s.pending_by_class || {};
  const parts = [];
  const pending = el('span', { class: 'stat stat-pending', text: t('stats.pending', { n: formatNumber(by.pending || 0) }) });
  parts.push(pending);
  if (pc.hold) parts.push(el('span', { class: 'stat stat-held', text: t('stats.held', { n: formatNumber(pc.hold) }) }));
  if (s.oldest_pending_seconds != null) {
    parts.push(el('span', { class: 'stat', text: t('stats.oldest', { age: formatAge(s.oldest_pending_seconds) }) }));
  }
  parts.push(el('span', { class: 'stat', text: t('stats.spam', { n: formatNumber(by.spam || 0) }) }));
  if (account.user && s.decisions) {
    const today = new Date().toISOString().slice(0, 10);
    const mine = (s.decisions[today] || {})[account.user] || 0;
    parts.push(el('span', { class: 'stat', text: t('stats.mine', { n: formatNumber(mine) }) }));
  }
  if (s.flooded_articles && s.flooded_articles.length) {
    parts.push(el('span', { class: 'stat stat-flood', text: t('stats.flood', { list: s.flooded_articles.join(listSeparator()) }) }));
  }
  append(box, parts);
}
