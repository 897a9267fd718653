/*
 * raqib console/bans.js: banning the author of a comment, and the bans screen.
 *
 * The ban dialog first asks the server what the ban would touch (GET
 * /api/v1/moderation/bans/preview): the author's email is what is banned; marking their
 * pending comments spam is a choice, off by default, that lists exactly those comments
 * (and sends their ids, so one posted meanwhile is not swept unseen); banning the address
 * is another choice, off by default, that says how many other people's comments share it
 * and expires (7 days unless changed).
 *
 * The bans screen lists bans in force (or all of them), searches them (an email or an
 * address finds the ban on it exactly), shows what each caught (refused attempts, the
 * comments its sweep marked spam), extends one, and lifts one, offering to put back what
 * its sweep marked spam.
 */

import { $, append, clear, el, fill, hook } from '../shared/dom.js';
import { formatTime, ltr, t } from '../shared/i18n.js';
import { api, query } from '../shared/api.js';
import { closeDialog, openDialog, toast } from '../shared/dialogs.js';
import { handleError } from '../shared/session.js';
import { loadQueue } from './queue.js';
import { excerpt, state } from './state.js';
import { scheduleStats } from './panels.js';

const DURATIONS = [1, 7, 30, 90, 365];

/** Ban the author of queue item `id`. */
export function openBan(id) {
  const c = state.items.get(id);
  if (!c) return;
  const dialog = hook('ban-dialog');
  const form = $('form', dialog);
  form.reset();
  dialog.setAttribute('data-id', id);
  dialog.removeAttribute('data-ready');
  const who = hook('ban-target');
  clear(who);
  append(who, [el('bdi', { text: c.name }), ' · ', el('bdi', { dir: 'ltr', text: c.email })]);
  clear(hook('ban-pending'));
  hook('ban-sweep-label').textContent = t('queue.loading');
  hook('ban-address').hidden = true;
  hook('ban-confirm').disabled = true;
  openDialog(dialog, form.elements.reason);
  api('GET', '/api/v1/moderation/bans/preview' + query({ comment_id: id })).then(function (preview) {
    showPreview(dialog, preview);
  }, function (err) {
    closeDialog(dialog);
    handleError(err);
  });
}

function showPreview(dialog, preview) {
  const form = $('form', dialog);
  const pending = preview.pending || [];
  dialog.setAttribute('data-sweep', pending.map(function (c) { return c.id; }).join(','));
  const list = hook('ban-pending');
  clear(list);
  pending.forEach(function (c) {
    list.appendChild(el('li', { 'data-raqib': 'ban-pending-item', 'data-id': c.id }, [
      el('bdi', { dir: 'ltr', text: '#' + c.id }), ' · ', el('bdi', { dir: 'auto', text: excerpt(c.excerpt, 90) }),
    ]));
  });
  hook('ban-sweep-label').textContent = pending.length ? t('ban.sweep', { count: pending.length }) : t('ban.noPending');
  form.elements.mark_pending_spam.disabled = pending.length === 0;
  hook('ban-sweep').hidden = false;
  const address = preview.address;
  hook('ban-address').hidden = !address;
  if (address) {
    hook('ban-address-label').textContent = t('ban.address', { label: ltr(address.label) });
    const others = address.others || {};
    hook('ban-address-others').textContent = others.comments > 0
      ? t('ban.others', { count: others.authors || 0 }) + ' ' + t('ban.othersComments', { count: others.comments || 0 })
      : t('ban.noOthers');
    fill(form.elements.address_expires_in_days, DURATIONS.map(function (n) {
      return [String(n), t('ban.days', { count: n })];
    }), String(address.default_days || 7));
    hook('ban-network-row').hidden = !address.ipv6;
  }
  dialog.setAttribute('data-ready', 'true');
  hook('ban-confirm').disabled = false;
}

/** Ticking "ban the address" enables its duration and the /64 choice. */
export function onBanFormChange(event) {
  const form = event.currentTarget;
  if (event.target.name === 'ip') {
    const on = form.elements.ip.checked;
    form.elements.address_expires_in_days.disabled = !on;
    form.elements.whole_network.disabled = !on;
    if (!on) form.elements.whole_network.checked = false;
  }
}

export function onBanSubmit(event) {
  event.preventDefault();
  const dialog = hook('ban-dialog');
  if (dialog.getAttribute('data-ready') !== 'true') return;
  const form = event.currentTarget;
  const id = Number(dialog.getAttribute('data-id'));
  const sweep = form.elements.mark_pending_spam.checked;
  const body = { comment_id: id, mark_pending_spam: sweep };
  if (sweep) {
    body.sweep_ids = (dialog.getAttribute('data-sweep') || '').split(',').filter(Boolean).map(Number);
  }
  if (form.elements.ip.checked) {
    body.ip = true;
    body.address_expires_in_days = parseInt(form.elements.address_expires_in_days.value, 10) || 7;
    body.whole_network = form.elements.whole_network.checked;
  }
  const reason = form.elements.reason.value.trim();
  if (reason) body.reason = reason;
  const days = parseInt(form.elements.expires_in_days.value, 10);
  if (days > 0) body.expires_in_days = days;
  closeDialog(dialog);
  api('POST', '/api/v1/moderation/bans', body).then(function (result) {
    const labels = ((result && result.bans) || []).map(function (b) { return ltr(b.label || b.kind); });
    let text = t('ban.done', { labels: labels.join(' · ') });
    if (result && result.marked_spam > 0) text += t('ban.marked', { count: result.marked_spam });
    toast(text, 'ok');
    if (result && result.marked_spam > 0 && state.mode === 'queue') loadQueue(false);
    scheduleStats();
  }, function (err) {
    if (err.status === 404) toast(t('conflict.gone') + ' · #' + id, 'info');
    else handleError(err);
  });
}

/** Fills the duration select of the ban dialog (after a language switch too). */
export function fillBanDurations() {
  const days = $('[name="expires_in_days"]', hook('ban-dialog'));
  fill(days, [['', t('ban.forever')]].concat(DURATIONS.map(function (n) {
    return [String(n), t('ban.days', { count: n })];
  })), days.value);
}

/* ---------------------------- the screen ---------------------------- */

let shown = [];

/** Shows the queue or the bans. */
export function showSection(which) {
  const bans = which === 'bans';
  hook('queue-view').hidden = bans;
  hook('bans-view').hidden = !bans;
  hook('show-queue').setAttribute('aria-pressed', String(!bans));
  hook('show-bans').setAttribute('aria-pressed', String(bans));
  if (bans) loadBans();
}

export function loadBans() {
  const form = hook('bans-search');
  const params = { q: form.elements.q.value.trim() || undefined, all: form.elements.all.checked ? 'true' : undefined };
  return api('GET', '/api/v1/moderation/bans' + query(params)).then(function (bans) {
    shown = bans || [];
    renderBans();
  }, handleError);
}

export function renderBans() {
  const list = hook('ban-list');
  clear(list);
  hook('bans-empty').hidden = shown.length > 0;
  const now = Date.now();
  shown.forEach(function (ban) { list.appendChild(banItem(ban, now)); });
}

function banState(ban, now) {
  if (ban.lifted_at) return 'lifted';
  if (ban.expires_at && ban.expires_at <= now) return 'expired';
  return 'active';
}

function banItem(ban, now) {
  const status = banState(ban, now);
  const item = el('article', { class: 'ban-item' + (status === 'active' ? '' : ' ended'), 'data-raqib': 'ban-item', 'data-id': ban.id });
  append(item, [
    el('div', { class: 'ban-head' }, [
      el('bdi', { class: 'ban-label', dir: 'ltr', text: ban.label || ban.value }),
      el('span', { class: 'badge', text: t('bans.kind.' + ban.kind) }),
      el('span', { class: 'badge', 'data-raqib': 'ban-status', text: t('bans.status.' + status) }),
    ]),
    ban.reason ? el('p', { class: 'ban-reason' }, [el('bdi', { dir: 'auto', text: ban.reason })]) : null,
    el('ul', { class: 'ban-facts' }, [
      el('li', { text: t('bans.by', { who: ltr(ban.created_by), when: formatTime(ban.created_at) }) }),
      el('li', { text: ban.lifted_at ? t('bans.liftedAt', { when: formatTime(ban.lifted_at) })
        : (ban.expires_at ? t('bans.until', { when: formatTime(ban.expires_at) }) : t('bans.permanent')) }),
      el('li', { 'data-raqib': 'ban-caught', text: t('bans.caught', { count: ban.caught || 0 })
        + (ban.last_caught_at ? ' · ' + t('bans.lastCaught', { when: formatTime(ban.last_caught_at) }) : '') }),
      el('li', { text: t('bans.swept', { count: ban.swept || 0 }) }),
    ]),
    banTools(ban, status),
    el('div', { 'data-raqib': 'ban-detail', hidden: true }),
  ]);
  return item;
}

function banTools(ban, status) {
  const tools = el('div', { class: 'ban-tools' });
  if (ban.swept > 0) {
    const details = el('button', { type: 'button', 'data-op': 'ban-details', 'aria-expanded': 'false', text: t('bans.details') });
    details.addEventListener('click', function () { toggleDetail(ban, details); });
    tools.appendChild(details);
  }
  if (status === 'lifted') return tools;
  const length = el('select', { 'data-raqib': 'ban-extend-days', 'aria-label': t('bans.extendLabel') });
  fill(length, DURATIONS.map(function (n) { return [String(n), t('ban.days', { count: n })]; })
    .concat([['forever', t('ban.forever')]]), '30');
  const extend = el('button', { type: 'button', 'data-op': 'ban-extend', text: t('bans.extend') });
  extend.addEventListener('click', function () { extendBan(ban, length.value); });
  const lift = el('button', { type: 'button', class: 'danger', 'data-op': 'ban-lift', text: t('bans.lift') });
  lift.addEventListener('click', function () { openLift(ban); });
  append(tools, [length, extend, status === 'active' ? lift : null]);
  return tools;
}

function toggleDetail(ban, button) {
  const item = button.closest('[data-raqib="ban-item"]');
  const box = $('[data-raqib="ban-detail"]', item);
  if (!box.hidden) {
    box.hidden = true;
    button.setAttribute('aria-expanded', 'false');
    return;
  }
  api('GET', '/api/v1/moderation/bans/' + ban.id).then(function (detail) {
    clear(box);
    const list = el('ul', { class: 'ban-swept' });
    (detail.swept || []).forEach(function (c) {
      list.appendChild(el('li', { 'data-raqib': 'ban-swept-item' }, [
        el('bdi', { dir: 'ltr', text: '#' + c.id }), ' · ', el('span', { class: 'badge', text: t('status.' + c.status) }), ' ',
        el('bdi', { dir: 'auto', text: excerpt(c.excerpt, 120) }),
      ]));
    });
    append(box, [el('p', { class: 'hint', text: t('bans.sweptTitle') }), list]);
    box.hidden = false;
    button.setAttribute('aria-expanded', 'true');
  }, handleError);
}

function extendBan(ban, value) {
  const body = value === 'forever' ? { permanent: true } : { expires_in_days: Number(value) };
  api('PATCH', '/api/v1/moderation/bans/' + ban.id, body).then(function (changed) {
    toast(changed.expires_at ? t('bans.extended', { when: formatTime(changed.expires_at) }) : t('bans.madePermanent'), 'ok');
    loadBans();
  }, handleError);
}

function openLift(ban) {
  const dialog = hook('lift-dialog');
  const form = $('form', dialog);
  form.reset();
  dialog.setAttribute('data-id', ban.id);
  hook('lift-target').textContent = ban.label || ban.value;
  hook('lift-restore-row').hidden = !(ban.swept > 0);
  hook('lift-restore-label').textContent = t('lift.restore', { count: ban.swept || 0 });
  openDialog(dialog, hook('lift-confirm'));
}

export function onLiftSubmit(event) {
  event.preventDefault();
  const dialog = hook('lift-dialog');
  const form = event.currentTarget;
  const id = Number(dialog.getAttribute('data-id'));
  const restore = form.elements.restore.checked;
  closeDialog(dialog);
  api('POST', '/api/v1/moderation/bans/' + id + '/lift', { restore: restore }).then(function (result) {
    let text = t('lift.done');
    if (result && result.restored > 0) text += ' ' + t('lift.restored', { count: result.restored });
    toast(text, 'ok');
    loadBans();
    scheduleStats();
  }, function (err) {
    if (err.status === 404) { toast(t('lift.gone'), 'info'); loadBans(); } else handleError(err);
  });
}
