/*
 * raqib admin/users.js: the Users tab: accounts (role, disabled, new password) and API
 * tokens (created, revoked); a new password or token is shown once, with a copy button.
 */

import { clear, el, fill, hook, selectEl } from '../shared/dom.js';
import { formatTime, t } from '../shared/i18n.js';
import { api, ApiError } from '../shared/api.js';
import { confirmDialog, toast } from '../shared/dialogs.js';
import {
  clearFieldErrors, numberOf, setBusy, setFieldError, setFormError,
} from '../shared/forms.js';
import { account, handleError } from '../shared/session.js';
import { isoTitle, showFormError } from './page.js';
import { ROLES, state } from './state.js';

export function loadUsers() {
  return Promise.all([api('GET', '/api/v1/admin/users'), api('GET', '/api/v1/admin/tokens')]).then(function (both) {
    state.users.list = Array.isArray(both[0]) ? both[0] : [];
    state.users.tokens = Array.isArray(both[1]) ? both[1] : [];
    state.users.loaded = true;
    renderUsers();
  }, handleError);
}

export function userById(id) {
  return state.users.list.find(function (u) { return u.id === id; }) || null;
}

export function renderUsers() {
  const body = hook('user-rows');
  clear(body);
  state.users.list.forEach(function (u) {
    const me = account.user && u.username === account.user;
    body.appendChild(el('tr', { 'data-raqib': 'user', 'data-id': u.id, 'data-username': u.username, class: u.disabled ? 'disabled' : '' }, [
      el('td', null, [el('bdi', { dir: 'ltr', text: u.username }), me ? ' (' + t('you') + ')' : null]),
      el('td', null, selectEl({ 'data-action': 'role', 'aria-label': t('users.role') + ': ' + u.username, disabled: me },
        ROLES.map(function (r) { return [r, t('role.' + r)]; }), u.role)),
      el('td', null, [
        u.disabled ? el('span', { class: 'badge off', text: t('state.disabled') }) : el('span', { class: 'badge class-ok', text: t('state.active') }),
        u.must_change_password ? [' ', el('span', { class: 'badge warn', text: t('users.mustChange') })] : null,
      ].flat()),
      el('td', { class: 'when', title: isoTitle(u.created_at), text: formatTime(u.created_at) }),
      el('td', { class: 'actions' }, [
        el('button', { type: 'button', 'data-action': 'toggle-disabled', disabled: me,
          class: u.disabled ? '' : 'danger', text: u.disabled ? t('users.enable') : t('users.disable') }),
        el('button', { type: 'button', 'data-action': 'reset-password', text: t('users.reset') }),
      ]),
    ]));
  });
  const select = hook('token-user');
  const current = select.value;
  fill(select, [['', t('tokens.me')]].concat(state.users.list.filter(function (u) { return !u.disabled; })
    .map(function (u) { return [u.username, u.username + ' · ' + t('role.' + u.role)]; })), current);
  renderTokens();
}

export function renderTokens() {
  const body = hook('token-rows');
  clear(body);
  const now = Date.now();
  state.users.tokens.slice().sort(function (a, b) { return b.id - a.id; }).forEach(function (tok) {
    const user = userById(tok.user_id);
    const expired = tok.expires_at && new Date(tok.expires_at).getTime() < now;
    body.appendChild(el('tr', { 'data-raqib': 'token', 'data-id': tok.id, class: tok.revoked || expired ? 'disabled' : '' }, [
      el('td', { class: 'num', text: String(tok.id) }),
      el('td', { dir: 'auto', text: tok.name || '—' }),
      el('td', null, el('bdi', { dir: 'ltr', text: user ? user.username : '#' + tok.user_id })),
      el('td', { class: 'when', title: tok.created_at, text: formatTime(tok.created_at) }),
      el('td', { class: 'when', title: tok.expires_at || null, text: tok.expires_at ? formatTime(tok.expires_at) : t('tokens.never') }),
      el('td', null, tok.revoked ? el('span', { class: 'badge off', text: t('tokens.revoked') })
        : expired ? el('span', { class: 'badge warn', text: t('tokens.expired') })
          : el('span', { class: 'badge class-ok', text: t('state.active') })),
      el('td', { class: 'actions' }, tok.revoked ? null
        : el('button', { type: 'button', class: 'danger', 'data-action': 'revoke', text: t('tokens.revoke') })),
    ]));
  });
  hook('tokens-empty').hidden = state.users.tokens.length > 0;
}

export function onUserRowsClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const u = userById(Number(button.closest('[data-raqib="user"]').getAttribute('data-id')));
  if (!u) return;
  const action = button.getAttribute('data-action');
  if (action === 'toggle-disabled') {
    const disable = !u.disabled;
    const go = function () {
      api('PATCH', '/api/v1/admin/users/' + u.id, { disabled: disable }).then(function (view) {
        replaceUser(view);
        toast(t(disable ? 'users.disabled' : 'users.enabled', { user: u.username }), 'ok');
      }, handleError);
    };
    if (!disable) { go(); return; }
    confirmDialog(t('users.disableTitle'), t('users.disableText', { user: u.username }), t('users.disable'))
      .then(function (yes) { if (yes) go(); });
  } else if (action === 'reset-password') {
    confirmDialog(t('users.resetTitle'), t('users.resetText', { user: u.username }), t('users.reset')).then(function (yes) {
      if (!yes) return;
      api('POST', '/api/v1/admin/users/' + u.id + '/password').then(function (res) {
        showSecret(t('secret.reset', { user: u.username }), res.password);
        loadUsers();
      }, handleError);
    });
  }
}

export function onUserRowsChange(event) {
  const select = event.target.closest('select[data-action="role"]');
  if (!select) return;
  const u = userById(Number(select.closest('[data-raqib="user"]').getAttribute('data-id')));
  if (!u) return;
  const role = select.value;
  select.disabled = true;
  api('PATCH', '/api/v1/admin/users/' + u.id, { role: role }).then(function (view) {
    replaceUser(view);
    toast(t('users.roleChanged', { user: u.username, role: t('role.' + view.role) }), 'ok');
  }, function (err) {
    select.value = u.role;
    select.disabled = false;
    handleError(err);
  });
}

export function replaceUser(view) {
  const i = state.users.list.findIndex(function (u) { return u.id === view.id; });
  if (i >= 0) state.users.list[i] = view; else state.users.list.push(view);
  renderUsers();
}

export function onUserFormSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  const e = form.elements;
  const username = e.username.value.trim();
  if (!username) { setFieldError(form, 'username', t('error.required')); return; }
  const request = { username: username, role: e.role.value };
  if (e.password.value) request.password = e.password.value;
  setBusy(form, true);
  api('POST', '/api/v1/admin/users', request).then(function (res) {
    form.reset();
    fill(form.elements.role, ROLES.map(function (r) { return [r, t('role.' + r)]; }), 'moderator');
    if (res.password) showSecret(t('secret.created', { user: res.user.username }), res.password);
    else toast(t('users.created', { user: res.user.username }), 'ok');
    loadUsers();
  }, function (err) {
    if (err instanceof ApiError && err.status === 409) {
      setFieldError(form, 'username', t('users.taken'));
      setFormError(form, err.message);
    } else showFormError(form, err);
  }).then(function () { setBusy(form, false); });
}

export function onTokenFormSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  const e = form.elements;
  const name = e.name.value.trim();
  if (!name) { setFieldError(form, 'name', t('error.required')); return; }
  const request = { name: name };
  if (e.username.value) request.username = e.username.value;
  const days = numberOf(e.expires_in_days);
  if (days !== null) {
    if (!Number.isInteger(days) || days < 1) { setFieldError(form, 'expires_in_days', t('error.number')); return; }
    request.expires_in_days = days;
  }
  setBusy(form, true);
  api('POST', '/api/v1/admin/tokens', request).then(function (res) {
    form.reset();
    showSecret(t('secret.token', { name: name, id: res.id }), res.token);
    loadUsers();
  }, function (err) {
    if (err instanceof ApiError && err.status === 404) setFieldError(form, 'username', t('tokens.noUser'));
    else showFormError(form, err);
  }).then(function () { setBusy(form, false); });
}

export function onTokenRowsClick(event) {
  const button = event.target.closest('button[data-action="revoke"]');
  if (!button) return;
  const id = Number(button.closest('[data-raqib="token"]').getAttribute('data-id'));
  const tok = state.users.tokens.find(function (x) { return x.id === id; });
  confirmDialog(t('tokens.revokeTitle'), t('tokens.revokeText', { name: (tok && tok.name) || '#' + id }), t('tokens.revoke')).then(function (yes) {
    if (!yes) return;
    api('DELETE', '/api/v1/admin/tokens/' + id).then(function () {
      toast(t('tokens.revokedDone'), 'ok');
      loadUsers();
    }, handleError);
  });
}

/** Shows a password or token once, with a copy button. */
export function showSecret(label, value) {
  const box = hook('secret');
  hook('secret-label').textContent = label;
  hook('secret-value').textContent = value;
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest' });
  hook('secret-copy').focus();
}

export function hideSecret() {
  hook('secret-value').textContent = '';
  hook('secret-label').textContent = '';
  hook('secret').hidden = true;
}

export function copySecret() {
  const value = hook('secret-value').textContent;
  const selectIt = function () {
    const range = document.createRange();
    range.selectNodeContents(hook('secret-value'));
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    toast(t('secret.selected'), 'info');
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(value).then(function () { toast(t('secret.copied'), 'ok'); }, selectIt);
  } else selectIt();
}
