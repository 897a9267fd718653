/*
 * raqib console/decisions.js: deciding comments, one (a/r/s/h) or the checked ones
 * (Shift+A/R/S), with the expected status so a colleague's earlier decision comes back as a
 * conflict shown kindly in the item; and claims: a batch to work through, or one comment.
 */

import { $, $all, hook } from '../shared/dom.js';
import { formatNumber, formatTime, t } from '../shared/i18n.js';
import { api } from '../shared/api.js';
import { toast } from '../shared/dialogs.js';
import { account, handleError, rememberUser } from '../shared/session.js';
import { scheduleStats } from './panels.js';
import {
  addItem, afterListChange, belongs, loadQueue, removeItem, replaceItem, resetQueue, select,
  updateBulkBar,
} from './queue.js';
import { MOVES, state } from './state.js';

/** Decides the selected/given item. `override` decides under a colleague's claim. */
export function decide(id, action, override) {
  const c = state.items.get(id);
  if (!c) return;
  if (MOVES[action].indexOf(c.status) < 0) {
    toast(t('notAllowed', { status: t('status.' + c.status) }), 'info');
    return;
  }
  const node = state.nodes.get(id);
  const reasonBox = node && $('[data-raqib="reason"]', node);
  const body = { action: action, expected_status: c.status };
  if (reasonBox && reasonBox.value) body.reason = reasonBox.value;
  else if (action === 'spam') body.reason = 'spam';
  if (override) body.override = true;
  if (node) node.classList.add('busy');
  api('POST', '/api/v1/moderation/comments/' + encodeURIComponent(id) + '/decision', body).then(function (entry) {
    state.notices.delete(id);
    toast(t('done.' + action) + ' · #' + id, 'ok');
    settle(entry || Object.assign({}, c, { status: targetOf(action) }));
    scheduleStats();
  }, function (err) {
    if (node) node.classList.remove('busy');
    if (err.status === 409) onConflict(id, action, err.current);
    else if (err.status === 404) {
      toast(t('conflict.gone') + ' · #' + id, 'info');
      removeItem(id);
      afterListChange();
    } else handleError(err);
  });
}

export function targetOf(action) {
  return { approve: 'approved', reject: 'rejected', spam: 'spam', ham: 'pending' }[action];
}

/** Puts a decided comment where it belongs: out of the list, or updated in place. */
export function settle(entry) {
  if (belongs(entry.status)) {
    replaceItem(entry);
    if (state.selected === entry.id) select(entry.id, true);
  } else {
    const wasSelected = state.selected === entry.id;
    removeItem(entry.id);
    if (wasSelected && state.selected !== null) select(state.selected, true);
  }
  afterListChange();
}

/** A colleague was first (or holds a claim): say so kindly, and show the comment as it is now. */
export function onConflict(id, action, current) {
  const was = state.items.get(id);
  if (!current) {
    toast(t('conflict.gone') + ' · #' + id, 'info');
    removeItem(id);
    afterListChange();
    return;
  }
  let text;
  let override = null;
  const who = current.decided_by ? (current.decided_by === account.user ? t('you') : current.decided_by) : t('conflict.colleague');
  if (was && current.status !== was.status) {
    text = t('conflict.moved', { who: who, status: t('status.' + current.status) });
  } else if (current.claimed_by && current.claimed_by !== account.user) {
    text = t('conflict.claimed', { who: current.claimed_by,
      time: current.claim_expires_at ? formatTime(current.claim_expires_at, false) : '' });
    override = action;
  } else {
    text = t('conflict.notMove', { status: t('status.' + current.status) });
  }
  state.notices.set(id, { text: text, override: override });
  replaceItem(current);
  if (state.selected === id) select(id, false);
  afterListChange();
  if (override) {
    toast(text + ' · #' + id, 'info', { action: { label: t('op.override'), run: function () { decide(id, override, true); } } });
  } else {
    toast(text + ' · #' + id, 'info');
  }
}

export function bulkDecide(action) {
  const ids = state.order.filter(function (id) {
    return state.checked.has(id);
  });
  if (!ids.length) return;
  const body = { ids: ids.slice(0, 500), action: action, expected: {} };
  // What each comment was when seen here: one a colleague moved since comes back as
  // a conflict instead of being overruled.
  body.ids.forEach(function (id) {
    const seen = state.items.get(id);
    if (seen && seen.status) body.expected[id] = seen.status;
  });
  const reason = hook('bulk-reason').value;
  if (reason) body.reason = reason;
  else if (action === 'spam') body.reason = 'spam';
  $all('[data-bulk]').forEach(function (b) { b.disabled = true; });
  api('POST', '/api/v1/moderation/decisions', body).then(function (answer) {
    let ok = 0;
    let conflict = 0;
    let missing = 0;
    (answer.results || []).forEach(function (r) {
      const id = r.id;
      state.checked.delete(id);
      if (r.outcome === 'ok') {
        ok++;
        const c = state.items.get(id);
        if (!c) return;
        const status = targetOf(action);
        if (belongs(status)) {
          // The bulk answer carries no entry; show the new status until the next refresh.
          replaceItem(Object.assign({}, c, { status: status, decided_by: account.user || c.decided_by,
            claimed_by: null, claim_expires_at: null }));
        } else removeItem(id);
      } else if (r.outcome === 'conflict') {
        conflict++;
        if (r.current) {
          const was = state.items.get(id);
          const who = r.current.decided_by || t('conflict.colleague');
          let text;
          if (was && r.current.status !== was.status) text = t('conflict.moved', { who: who, status: t('status.' + r.current.status) });
          else if (r.current.claimed_by && r.current.claimed_by !== account.user) {
            text = t('conflict.claimed', { who: r.current.claimed_by,
              time: r.current.claim_expires_at ? formatTime(r.current.claim_expires_at, false) : '' });
          } else text = t('conflict.notMove', { status: t('status.' + r.current.status) });
          state.notices.set(id, { text: text, override: null });
          replaceItem(r.current);
        }
      } else {
        missing++;
        removeItem(id);
      }
    });
    if (state.selected !== null) select(state.selected, false);
    else if (state.order.length) select(state.order[0], false);
    afterListChange();
    toast(t('done.' + action) + ': ' + t('bulk.result', { ok: formatNumber(ok), conflict: formatNumber(conflict),
      missing: formatNumber(missing) }), conflict || missing ? 'info' : 'ok');
    scheduleStats();
  }, function (err) {
    updateBulkBar();
    handleError(err);
  });
}

/* ----------------------------- claims ----------------------------- */

export function claimBatch() {
  const input = hook('claim-count');
  const count = Math.max(1, Math.min(100, parseInt(input.value, 10) || 10));
  input.value = String(count);
  const f = state.filters;
  const body = { count: count };
  if (f.status !== 'any' && f.status !== 'blocked') body.status = f.status;
  if (f['class']) body['class'] = f['class'];
  if (f.article) body.article = f.article;
  api('POST', '/api/v1/moderation/claims', body).then(function (page) {
    const items = (page && page.items) || [];
    if (!items.length) {
      toast(t('claim.none'), 'info');
      if (state.mode === 'batch') afterListChange();
      return;
    }
    state.seq++; // any queue load in flight is now stale
    state.mode = 'batch';
    state.batchStatus = body.status || 'pending';
    resetQueue();
    hook('batch').hidden = false;
    items.forEach(addItem);
    select(state.order[0], true);
    afterListChange();
    toast(t('claim.got', { count: items.length }), 'ok');
  }, handleError);
}

/** Leaves the batch view; `release` gives back the claims still held there. */
export function exitBatch(reload) {
  releaseBatch();
  state.mode = 'queue';
  hook('batch').hidden = true;
  if (reload) loadQueue(false);
}

export function releaseBatch() {
  if (state.mode !== 'batch') return;
  state.order.forEach(function (id) {
    const c = state.items.get(id);
    if (c && c.claimed_by && c.claimed_by === account.user) {
      api('DELETE', '/api/v1/moderation/claims/' + encodeURIComponent(id), undefined, { keepalive: true })
        .catch(function () { /* it expires anyway */ });
    }
  });
}

export function claimOne(id) {
  api('POST', '/api/v1/moderation/comments/' + encodeURIComponent(id) + '/claim').then(function (entry) {
    // Remember who we are as the server sees it, in case the page was reloaded.
    if (entry && entry.claimed_by && !account.user) {
      rememberUser(entry.claimed_by);
      hook('whoami').textContent = account.user;
      hook('whoami').hidden = false;
    }
    state.notices.delete(id);
    replaceItem(entry);
    select(id, false);
    toast(t('claim.one') + ' · #' + id, 'ok');
  }, function (err) {
    if (err.status === 409 && err.current) {
      const text = t('conflict.claimTaken', { who: err.current.claimed_by || t('conflict.colleague'),
        time: err.current.claim_expires_at ? formatTime(err.current.claim_expires_at, false) : '' });
      state.notices.set(id, { text: text, override: null });
      replaceItem(err.current);
      select(id, false);
      toast(text, 'info');
    } else handleError(err);
  });
}

export function releaseOne(id) {
  api('DELETE', '/api/v1/moderation/claims/' + encodeURIComponent(id)).then(function () {
    const c = state.items.get(id);
    if (c) replaceItem(Object.assign({}, c, { claimed_by: null, claim_expires_at: null }));
    select(id, false);
    toast(t('claim.released') + ' · #' + id, 'ok');
  }, handleError);
}
