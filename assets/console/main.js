/*
 * raqib console/main.js: the moderator console (/moderate), loaded as
 * <script type="module" src="/console/main.js">. It describes the page to the shared
 * sign-in and language code, wires the page's controls and keyboard shortcuts, and starts:
 * the first queue call tells whether the session cookie is still good (401 → sign in,
 * 403 → the password must be changed first).
 *
 * Plain JavaScript modules, no framework, no build step. The page is served under a strict
 * Content-Security-Policy, so nothing here uses innerHTML, inline handlers, inline style
 * attributes or eval: every node is made with createElement/textContent and every handler
 * with addEventListener.
 *
 * It talks to the moderation API (src/http/moderation.rs) with the session cookie `raqib_session`
 * (same-origin fetch; the server checks Origin on state-changing calls):
 *   auth        POST /api/v1/auth/login | /logout | /password
 *   queue       GET  /api/v1/moderation/queue
 *   decisions   POST /api/v1/moderation/comments/{id}/decision, POST /api/v1/moderation/decisions
 *   claims      POST /api/v1/moderation/claims, POST .../comments/{id}/claim, DELETE .../claims/{id}
 *   bans        GET /api/v1/moderation/bans[/preview|/{id}], POST .../bans, PATCH .../bans/{id},
 *               POST .../bans/{id}/lift (console/bans.js)
 *   closing     POST|DELETE /api/v1/moderation/articles/{article}/closed
 *   numbers     GET  /api/v1/moderation/stats, GET /api/v1/moderation/audit
 *
 * Hooks for browser tests: see the data-raqib attributes in moderate.html and console/item.js.
 */

import { $, $all, fill, hook } from '../shared/dom.js';
import { applyLanguage, t, useWords } from '../shared/i18n.js';
import { closeDialog, setDialogReturn, wireConfirm } from '../shared/dialogs.js';
import { account, setupSession, wireAccount } from '../shared/session.js';
import {
  bulkDecide, claimBatch, claimOne, decide, exitBatch, releaseBatch, releaseOne,
} from './decisions.js';
import { flashHit } from './item.js';
import {
  closeArticle, loadQueueStats, renderQueueStats, stopStatsTimer, togglePanel,
} from './panels.js';
import {
  fillBanDurations, loadBans, onBanFormChange, onBanSubmit, onLiftSubmit, openBan, renderBans,
  showSection,
} from './bans.js';
import {
  afterListChange, applyFilters, enterConsole, loadQueue, move, replaceItem, resetQueue, select,
  setFilter, showConsole, syncFilterForm, toggleCheck,
} from './queue.js';
import { CLASSES, HELD_FOR, REASONS, state, STATUSES } from './state.js';
import { catLabel } from '../shared/hits.js';
import { CONSOLE_WORDS } from './words.js';

/* ------------------------------ keyboard ---------------------------- */

// Letters by physical key, so the shortcuts also work with an Arabic keyboard layout.
const CODES = { KeyJ: 'j', KeyK: 'k', KeyA: 'a', KeyR: 'r', KeyS: 's', KeyH: 'h', KeyX: 'x',
  KeyB: 'b', KeyC: 'c', KeyU: 'u', Slash: '/', Period: '.' };

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  if (hook('console').hidden || hook('queue-view').hidden) return;
  if ($('dialog[open]')) return;
  const target = event.target;
  const tag = target && target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT' || (target && target.isContentEditable)) return;
  if (tag === 'INPUT' && ['checkbox', 'radio', 'button', 'submit'].indexOf(target.type) < 0) return;
  let key = event.key;
  if (!/^[a-zA-Z/.?]$/.test(key)) {
    const mapped = CODES[event.code];
    if (!mapped) return;
    key = event.shiftKey && mapped.length === 1 && /[a-z]/.test(mapped) ? mapped.toUpperCase() : mapped;
    if (event.code === 'Slash' && event.shiftKey) key = '?';
  }
  const id = state.selected;
  let handled = true;
  switch (key) {
    case 'j': move(1); break;
    case 'k': move(-1); break;
    case 'a': if (id !== null) decide(id, 'approve'); break;
    case 'r': if (id !== null) decide(id, 'reject'); break;
    case 's': if (id !== null) decide(id, 'spam'); break;
    case 'h': if (id !== null) decide(id, 'ham'); break;
    case 'x': if (id !== null) toggleCheck(id); break;
    case 'A': bulkDecide('approve'); break;
    case 'R': bulkDecide('reject'); break;
    case 'S': bulkDecide('spam'); break;
    case 'b': if (id !== null) openBan(id); break;
    case 'c': if (id !== null) claimOne(id); break;
    case 'u': if (id !== null) togglePanel(id, 'history'); break;
    case '/': hook('filters-box').open = true; hook('filters').elements.q.focus(); break;
    case '.': if (state.mode === 'queue') loadQueue(false); break;
    case '?': { const help = hook('shortcuts'); help.open = !help.open; break; }
    default: handled = false;
  }
  if (handled) event.preventDefault();
}

/* ------------------------------ wiring ---------------------------- */

function itemIdOf(node) {
  const item = node && node.closest('[data-raqib="item"]');
  return item ? Number(item.getAttribute('data-id')) : null;
}

function onQueueClick(event) {
  const target = event.target;
  const id = itemIdOf(target);
  if (id === null) return;
  const actionButton = target.closest('[data-action]');
  const opButton = target.closest('[data-op]');
  const hitRow = target.closest('[data-raqib="hit"]');
  if (state.selected !== id) select(id, false);
  if (actionButton) {
    decide(id, actionButton.getAttribute('data-action'));
  } else if (opButton) {
    switch (opButton.getAttribute('data-op')) {
      case 'claim': claimOne(id); break;
      case 'release': releaseOne(id); break;
      case 'history': togglePanel(id, 'history'); break;
      case 'log': togglePanel(id, 'log'); break;
      case 'ban': openBan(id); break;
      case 'close-article': closeArticle(id); break;
      case 'filter-article': setFilter({ article: state.items.get(id).article }); break;
      case 'override': decide(id, opButton.getAttribute('data-override'), true); break;
      default: break;
    }
  } else if (hitRow) {
    flashHit(state.nodes.get(id), hitRow.getAttribute('data-hit'));
  }
}

function onQueueChange(event) {
  const target = event.target;
  if (target.getAttribute('data-raqib') === 'check') toggleCheck(itemIdOf(target), target.checked);
}

function onQueueKey(event) {
  // Enter on a focused hit row shows its marks.
  const row = event.target.closest && event.target.closest('[data-raqib="hit"]');
  if (row && (event.key === 'Enter' || event.key === ' ')) {
    event.preventDefault();
    flashHit(state.nodes.get(itemIdOf(row)), row.getAttribute('data-hit'));
  }
}

/* ---------------------------- language ---------------------------- */

function fillConsoleSelects() {
  const form = hook('filters');
  fill(form.elements.status, STATUSES.map(function (s) { return [s, t('status.' + s)]; }), state.filters.status);
  fill(form.elements['class'], [['', t('filters.anyClass')]].concat(CLASSES.map(function (c) { return [c, t('class.' + c)]; })),
    state.filters['class']);
  fill(form.elements.held_for, [['', t('filters.anyReason')]].concat(HELD_FOR.map(function (c) { return [c, catLabel(c)]; })),
    state.filters.reason);
  fill(form.elements.sort, ['oldest', 'newest', 'score'].map(function (s) { return [s, t('sort.' + s)]; }), state.filters.sort);
  const bulkReason = hook('bulk-reason');
  fill(bulkReason, [['', t('reason.none')]].concat(REASONS.map(function (r) { return [r, t('reason.' + r)]; })), bulkReason.value);
  fillBanDurations();
}

/** After a language switch: the selects, and what is on screen, in the new language. */
function relabelConsole() {
  fillConsoleSelects();
  state.order.forEach(function (id) { replaceItem(state.items.get(id)); });
  if (state.selected !== null) select(state.selected, false);
  afterListChange();
  renderQueueStats();
  if (!hook('bans-view').hidden) renderBans();
}

/* ------------------------------ start ------------------------------ */

useWords(CONSOLE_WORDS, relabelConsole);

setupSession({
  main: 'console',
  bar: 'stats',
  views: ['login', 'password'],
  signedOut: function () {
    stopStatsTimer();
    resetQueue();
  },
  proceed: enterConsole,
  loggingOut: releaseBatch,
  // A 403 while signed in is the forced password change, seen by loadQueue.
  refused: null,
  fieldsInToasts: false,
});

// After a dialog, the focus goes back to the selected item.
setDialogReturn(function () {
  if (state.selected !== null && state.nodes.has(state.selected)) {
    state.nodes.get(state.selected).focus({ preventScroll: true });
  }
});

function wireConsole() {
  wireAccount();
  hook('password-cancel').addEventListener('click', function () { showConsole(); });

  const filters = hook('filters');
  filters.addEventListener('submit', function (event) { event.preventDefault(); applyFilters(); });
  ['status', 'class', 'held_for', 'sort', 'reported'].forEach(function (name) {
    filters.elements[name].addEventListener('change', applyFilters);
  });
  hook('author-filter-clear').addEventListener('click', function () { setFilter({ email: '' }); });

  hook('refresh').addEventListener('click', function () {
    if (state.mode === 'batch') exitBatch(true); else loadQueue(false);
  });
  hook('load-more').addEventListener('click', function () { if (!state.loading) loadQueue(true); });
  hook('select-all').addEventListener('change', function (event) {
    const on = event.currentTarget.checked;
    state.order.forEach(function (id) { toggleCheck(id, on); });
  });
  $all('[data-bulk]').forEach(function (button) {
    button.addEventListener('click', function () { bulkDecide(button.getAttribute('data-bulk')); });
  });
  hook('claim').addEventListener('click', claimBatch);
  hook('batch-exit').addEventListener('click', function () { exitBatch(true); });
  hook('batch-next').addEventListener('click', claimBatch);

  const queue = hook('queue');
  queue.addEventListener('click', onQueueClick);
  queue.addEventListener('change', onQueueChange);
  queue.addEventListener('keydown', onQueueKey);

  const ban = hook('ban-dialog');
  $('form', ban).addEventListener('submit', onBanSubmit);
  $('form', ban).addEventListener('change', onBanFormChange);
  hook('ban-cancel').addEventListener('click', function () { closeDialog(ban); });
  const lift = hook('lift-dialog');
  $('form', lift).addEventListener('submit', onLiftSubmit);
  hook('lift-cancel').addEventListener('click', function () { closeDialog(lift); });
  hook('show-queue').addEventListener('click', function () { showSection('queue'); });
  hook('show-bans').addEventListener('click', function () { showSection('bans'); });
  hook('bans-search').addEventListener('submit', function (event) { event.preventDefault(); loadBans(); });
  hook('bans-search').elements.all.addEventListener('change', loadBans);
  wireConfirm();

  document.addEventListener('keydown', onKey);
  document.addEventListener('visibilitychange', function () {
    if (!document.hidden && account.signedIn) loadQueueStats();
  });
  window.addEventListener('pagehide', releaseBatch);
}

function bootConsole() {
  wireConsole();
  // On a phone the filters fold away so that the first comment is in sight; on a wider
  // screen they stay open (and their summary is hidden).
  const narrow = window.matchMedia && window.matchMedia('(max-width: 640px)').matches;
  hook('filters-box').open = !narrow || state.filters.q !== '' || state.filters.article !== '';
  applyLanguage();
  syncFilterForm();
  const username = hook('login').elements.username;
  if (account.user) username.value = account.user;
  // The queue call tells us whether the session cookie is still good (401 → sign in,
  // 403 → the password must be changed first).
  hook('console').hidden = true;
  hook('login-view').hidden = true;
  hook('password-view').hidden = true;
  loadQueue(false);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', bootConsole);
else bootConsole();
