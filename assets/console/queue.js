/*
 * raqib console/queue.js: the queue: the filter form and the queue call it makes, the list
 * of items (added, replaced in place, removed once decided elsewhere), the selection (j/k)
 * and the checked items of the bulk bar. Opening the console goes through here: the first
 * queue call tells whether the session is still good.
 */

import { $, $all, clear, hook } from '../shared/dom.js';
import { formatNumber, t } from '../shared/i18n.js';
import { api } from '../shared/api.js';
import { account, handleError, showLogin, showPassword, showView } from '../shared/session.js';
import { exitBatch } from './decisions.js';
import { renderItem } from './item.js';
import { loadQueueStats, startStatsTimer } from './panels.js';
import { PAGE_SIZE, state, writeFiltersToUrl } from './state.js';

export function showConsole() {
  account.signedIn = true;
  showView('console');
  syncFilterForm();
}

/** Loads the queue; its answer says whether we are signed in. */
export function enterConsole() {
  showConsole();
  loadQueue(false);
  loadQueueStats();
  startStatsTimer();
}

export function syncFilterForm() {
  const form = hook('filters');
  const f = state.filters;
  form.elements.status.value = f.status;
  form.elements['class'].value = f['class'];
  form.elements.held_for.value = f.reason;
  form.elements.article.value = f.article;
  form.elements.q.value = f.q;
  form.elements.reported.checked = f.reported;
  form.elements.sort.value = f.sort;
  const chip = hook('author-filter');
  chip.hidden = !f.email;
  $('[data-raqib="author-filter-value"]').textContent = f.email;
}

export function readFilterForm() {
  const form = hook('filters');
  state.filters.status = form.elements.status.value;
  state.filters['class'] = form.elements['class'].value;
  state.filters.reason = form.elements.held_for.value;
  state.filters.article = form.elements.article.value.trim();
  state.filters.q = form.elements.q.value.trim();
  state.filters.reported = form.elements.reported.checked;
  state.filters.sort = form.elements.sort.value;
}

export function applyFilters() {
  readFilterForm();
  writeFiltersToUrl();
  syncFilterForm();
  if (state.mode === 'batch') exitBatch(false);
  loadQueue(false);
}

export function setFilter(changes) {
  Object.keys(changes).forEach(function (k) { state.filters[k] = changes[k]; });
  writeFiltersToUrl();
  syncFilterForm();
  if (state.mode === 'batch') exitBatch(false);
  loadQueue(false);
}

export function queuePath(cursor) {
  const f = state.filters;
  const p = new URLSearchParams();
  p.set('status', f.status);
  if (f['class']) p.set('class', f['class']);
  if (f.reason) p.set('reason', f.reason);
  if (f.article) p.set('article', f.article);
  if (f.q) p.set('q', f.q);
  if (f.reported) p.set('reported', 'true');
  if (f.email) p.set('email', f.email);
  p.set('sort', f.sort);
  p.set('limit', String(PAGE_SIZE));
  if (cursor) p.set('cursor', cursor);
  return '/api/v1/moderation/queue?' + p.toString();
}

export function resetQueue() {
  state.items.clear();
  state.nodes.clear();
  state.notices.clear();
  state.checked.clear();
  state.order = [];
  state.selected = null;
  state.nextCursor = null;
  const list = hook('queue');
  if (list) clear(list);
  updateBulkBar();
}

export function loadQueue(more) {
  const seq = ++state.seq;
  state.loading = true;
  hook('queue').setAttribute('aria-busy', 'true');
  hook('loading').hidden = false;
  if (!more) hook('empty').hidden = true;
  return api('GET', queuePath(more ? state.nextCursor : null)).then(function (page) {
    if (seq !== state.seq) return;
    if (!account.signedIn) {
      showConsole();
      loadQueueStats();
      startStatsTimer();
    }
    if (!more) {
      const keepSelected = state.selected;
      resetQueue();
      state.selected = keepSelected;
    }
    (page.items || []).forEach(addItem);
    state.nextCursor = page.next_cursor || null;
    if (!state.items.has(state.selected)) state.selected = null;
    if (state.selected === null && state.order.length) select(state.order[0], false);
    else if (state.selected !== null) select(state.selected, false);
    afterListChange();
  }, function (err) {
    if (seq !== state.seq) return;
    if (err.status === 403 && err.code === 'password_change_required') {
      // The account must choose a new password first (src/http/auth.rs, Moderator).
      showPassword(true);
      return;
    }
    if (!account.signedIn && err.status !== 401) showLogin();
    handleError(err);
  }).then(function () {
    if (seq !== state.seq) return;
    state.loading = false;
    hook('queue').setAttribute('aria-busy', 'false');
    hook('loading').hidden = true;
  });
}

export function addItem(entry) {
  if (state.items.has(entry.id)) {
    replaceItem(entry);
    return;
  }
  state.items.set(entry.id, entry);
  state.order.push(entry.id);
  const node = renderItem(entry);
  state.nodes.set(entry.id, node);
  hook('queue').appendChild(node);
}

export function replaceItem(entry) {
  state.items.set(entry.id, entry);
  const old = state.nodes.get(entry.id);
  const node = renderItem(entry);
  state.nodes.set(entry.id, node);
  if (old && old.parentNode) old.parentNode.replaceChild(node, old);
}

export function removeItem(id) {
  const pos = state.order.indexOf(id);
  if (pos < 0) return;
  const node = state.nodes.get(id);
  if (node && node.parentNode) node.parentNode.removeChild(node);
  state.order.splice(pos, 1);
  state.items.delete(id);
  state.nodes.delete(id);
  state.notices.delete(id);
  state.checked.delete(id);
  if (state.selected === id) {
    state.selected = null;
    const next = state.order[Math.min(pos, state.order.length - 1)];
    if (next !== undefined) select(next, true);
  }
}

export function afterListChange() {
  const empty = state.order.length === 0;
  hook('empty').hidden = !empty || state.loading;
  hook('load-more').hidden = state.mode !== 'queue' || !state.nextCursor;
  if (state.mode === 'batch') {
    hook('batch-count').textContent = t('batch.banner', { n: formatNumber(state.order.length) });
    hook('batch-next').hidden = !empty;
  }
  updateBulkBar();
}

/** Does the item still belong in the list being shown, with this status? */
export function belongs(status) {
  if (state.mode === 'batch') return status === state.batchStatus;
  return state.filters.status === 'any' || state.filters.status === status;
}

export function select(id, focus) {
  if (state.selected !== null && state.nodes.has(state.selected)) {
    const old = state.nodes.get(state.selected);
    old.classList.remove('selected');
    old.removeAttribute('aria-current');
  }
  state.selected = id;
  const node = state.nodes.get(id);
  if (!node) return;
  node.classList.add('selected');
  node.setAttribute('aria-current', 'true');
  if (focus) {
    node.focus({ preventScroll: true });
    node.scrollIntoView({ block: 'nearest' });
  }
}

export function move(delta) {
  if (!state.order.length) return;
  let pos = state.order.indexOf(state.selected);
  if (pos < 0) pos = delta > 0 ? -1 : state.order.length;
  const next = pos + delta;
  if (next >= state.order.length) {
    if (state.mode === 'queue' && state.nextCursor && !state.loading) {
      loadQueue(true).then(function () {
        const again = state.order.indexOf(state.selected) + 1;
        if (again > 0 && again < state.order.length) select(state.order[again], true);
      });
    }
    return;
  }
  if (next < 0) return;
  select(state.order[next], true);
}

export function toggleCheck(id, on) {
  if (!state.items.has(id)) return;
  const value = on === undefined ? !state.checked.has(id) : on;
  if (value) state.checked.add(id); else state.checked.delete(id);
  const node = state.nodes.get(id);
  if (node) {
    node.classList.toggle('checked', value);
    const box = $('[data-raqib="check"]', node);
    if (box) box.checked = value;
  }
  updateBulkBar();
}

export function updateBulkBar() {
  const all = hook('select-all');
  if (!all) return;
  const n = state.checked.size;
  all.checked = n > 0 && n === state.order.length;
  all.indeterminate = n > 0 && n < state.order.length;
  all.disabled = state.order.length === 0;
  hook('selected-count').textContent = t('bulk.selected', { n: formatNumber(n) });
  $all('[data-bulk]').forEach(function (b) { b.disabled = n === 0; });
}
