/*
 * raqib admin/page.js: the frame of the admin page: the forbidden view (signed in, but not
 * as an admin), entering the page, the overview in the top bar, the tabs (also in the URL's
 * #hash), what to reload after a change made a new filter version, and small helpers the
 * screens share (labels, badges, a refused form, the "saved: version N" toast).
 */

import { $, $all, clear, el, hook } from '../shared/dom.js';
import { formatDuration, formatNumber, t, tOr } from '../shared/i18n.js';
import { api, ApiError } from '../shared/api.js';
import { toast } from '../shared/dialogs.js';
import { fieldText, setFieldError, setFormError } from '../shared/forms.js';
import { account, handleError, showLogin, showPassword, showView } from '../shared/session.js';
import { classLabel } from '../shared/hits.js';
import { renderStage, renderStageBase } from './proposal.js';
import { loadRules } from './rules.js';
import { loadSettings } from './settings.js';
import { F, state, TABS } from './state.js';
import { loadRuleStats } from './stats.js';
import { loadTerms } from './terms.js';
import { renderTestForm } from './testbox.js';
import { loadUsers } from './users.js';
import { loadVersions } from './versions.js';
import { loadCandidates } from './candidates.js';

/**
 * Signed in, but the admin API says 403: a moderator, or an account that must change its
 * password first (the API does not tell which unless we saw the login).
 */
export function showForbidden() {
  account.signedIn = false;
  showView('forbidden');
  hook('forbidden-text').textContent = state.role === 'moderator' ? t('forbidden.moderator') : t('forbidden.text');
}

/**
 * The admin API's 403s (shared/session.js calls this before its toast): the password must be
 * changed first; a read refused → the page is not for this account; a write refused → say so.
 */
export function refused(err) {
  if (err.status === 403 && err.code === 'password_change_required') {
    showPassword(true);
    return true;
  }
  if (err.status === 403) {
    if (err.method === 'GET') { showForbidden(); return true; }
    toast(t('error.forbiddenWrite'), 'error');
    return true;
  }
  return false;
}

/** Signed in with a good password: the page, unless the account is not an admin. */
export function proceed() {
  if (state.role && state.role !== 'admin') showForbidden();
  else enter();
}

/** Forgets what was loaded for the last account (the staged change stays in this browser). */
export function resetData() {
  state.overview = null;
  state.terms.items = []; state.terms.loaded = false; state.terms.editing = null;
  state.rules.items = []; state.rules.loaded = false; state.rules.editing = null;
  state.settings.view = null; state.settings.loaded = false;
  state.versions.data = null; state.versions.open.clear(); state.versions.details.clear();
  state.stats.data = null; state.stats.loaded = false;
  state.users.list = []; state.users.tokens = []; state.users.loaded = false;
  state.test = null; state.compare = null; state.backtest = null;
}

/** The overview call says whether we are in (401 → sign in, 403 → not an admin). */
export function enter() {
  return loadOverview().then(function (ok) {
    if (!ok) return;
    account.signedIn = true;
    showView('app');
    selectTab(tabFromHash() || state.tab || 'terms', true);
  });
}

export function loadOverview() {
  return api('GET', F).then(function (o) {
    state.overview = o;
    renderOverview();
    renderStageBase();
    return true;
  }, function (err) {
    if (err.status === 401) { showLogin(); return false; }
    if (err.status === 403 && err.code === 'password_change_required') { showPassword(true); return false; }
    if (err.status === 403) { showForbidden(); return false; }
    handleError(err);
    if (!account.signedIn) showLogin();
    return false;
  });
}

export function renderOverview() {
  const box = hook('overview');
  clear(box);
  const o = state.overview;
  if (!o) return;
  box.appendChild(el('span', { class: 'stat-pending', 'data-raqib': 'version-now', 'data-version': o.version,
    text: t('overview.version', { v: formatNumber(o.version, 0) }) }));
  if (o.in_force !== o.version) {
    box.appendChild(el('span', { class: 'stat-held', text: t('overview.inForce', { v: formatNumber(o.in_force, 0) }) }));
  }
  box.appendChild(el('span', { text: t('overview.terms', { n: formatNumber(o.terms, 0) }) }));
  box.appendChild(el('span', { text: t('overview.rules', { n: formatNumber(o.rules, 0) }) }));
  if (o.shadow) box.appendChild(el('span', { text: t('overview.shadow', { n: formatNumber(o.shadow, 0) }) }));
  if (o.disabled) box.appendChild(el('span', { text: t('overview.disabled', { n: formatNumber(o.disabled, 0) }) }));
}

export function tabFromHash() {
  const name = String(window.location.hash || '').replace(/^#/, '');
  return TABS.indexOf(name) >= 0 ? name : null;
}

export function selectTab(name, load) {
  if (TABS.indexOf(name) < 0) name = 'terms';
  const changed = state.tab !== name;
  state.tab = name;
  $all('[data-tab]').forEach(function (b) {
    const on = b.getAttribute('data-tab') === name;
    b.setAttribute('aria-selected', on ? 'true' : 'false');
    b.tabIndex = on ? 0 : -1;
  });
  $all('[data-panel]').forEach(function (p) { p.hidden = p.getAttribute('data-panel') !== name; });
  if (tabFromHash() !== name) {
    try { window.history.replaceState(null, '', window.location.pathname + window.location.search + '#' + name); } catch (e) { /* ignore */ }
  }
  if (changed || load) loadTab(name);
}

/** Loads what a tab shows: lists once (they refresh after changes), logs every time. */
export function loadTab(name) {
  if (!account.signedIn) return;
  if (name === 'terms' && !state.terms.loaded) loadTerms();
  else if (name === 'rules' && !state.rules.loaded) loadRules();
  else if (name === 'settings' && !state.settings.loaded) loadSettings();
  else if (name === 'test') renderTestForm();
  else if (name === 'proposal') renderStage();
  else if (name === 'versions') { loadVersions(); loadCandidates(); }
  else if (name === 'stats' && !state.stats.loaded) loadRuleStats();
  else if (name === 'users') loadUsers();
}

/** After a change that made a new filter version. */
export function changed(parts) {
  loadOverview();
  state.versions.data = null;
  state.stats.loaded = false;
  (parts || []).forEach(function (p) {
    if (p === 'terms') { state.terms.loaded = false; if (state.tab === 'terms') loadTerms(); }
    if (p === 'rules') { state.rules.loaded = false; if (state.tab === 'rules') loadRules(); }
    if (p === 'settings') { state.settings.loaded = false; if (state.tab === 'settings') loadSettings(); }
  });
}

export function isoTitle(value) {
  const d = new Date(value);
  return isNaN(d.getTime()) ? null : d.toISOString();
}

export function actionLabel(a) { return tOr('action.' + a, a); }

export function classBadge(c) {
  return el('span', { class: 'badge class-' + c, 'data-class': c, text: classLabel(c) });
}

export function cssEscape(s) {
  return window.CSS && window.CSS.escape ? window.CSS.escape(String(s)) : String(s).replace(/["\\]/g, '\\$&');
}

/** "Saved: version N" after a change that made a filter version. */
export function savedToast(what, version) {
  toast(t('saved', { what: what, version: formatNumber(version, 0) }), 'ok');
}

/**
 * A refused request shown in its form: each field's message and detail (e.g. "the pattern
 * matches \"1\"") beside the field, the rest and the summary at the bottom. 401/403/5xx go to
 * handleError.
 */
export function showFormError(form, err) {
  if (!(err instanceof ApiError) || err.status === 401 || (err.status === 403 && err.method === 'GET')) {
    handleError(err);
    return;
  }
  if (err.status === 403) { setFormError(form, t('error.forbiddenWrite')); return; }
  const rest = [];
  Object.keys(err.fields || {}).forEach(function (name) {
    if (!setFieldError(form, name, fieldText(err.fields[name]))) {
      rest.push(tOr('field.' + name, name) + ': ' + fieldText(err.fields[name]));
    }
  });
  let message = err.message;
  if (err.status === 429 && err.retryAfter) message += ' — ' + t('error.retry', { time: formatDuration(err.retryAfter) });
  setFormError(form, message + (rest.length ? ' — ' + rest.join(' · ') : ''));
  const first = $('[aria-invalid="true"]', form);
  if (first && first.focus) first.focus();
}

/**
 * A change of a row's "enabled" or "shadow" checkbox in the terms or rules table: the
 * checkbox (disabled until the server answers), the entry of that row and the patch to
 * send, or null when the event is not such a change. `kind` is the rows' data-raqib name.
 */
export function rowToggle(event, kind, byId) {
  const input = event.target.closest('input[data-action^="toggle-"]');
  if (!input) return null;
  const row = input.closest('[data-raqib="' + kind + '"]');
  const item = byId(Number(row.getAttribute('data-id')));
  if (!item) return null;
  const key = input.getAttribute('data-action') === 'toggle-enabled' ? 'enabled' : 'shadow';
  const patch = {};
  patch[key] = input.checked;
  input.disabled = true;
  return { input: input, item: item, patch: patch };
}
