/*
 * raqib admin/settings.js: the Settings tab: thresholds, signal weights and each category's
 * action, with the unsaved changes marked; saved with PUT (only what changed) or staged.
 */

import { $all, clear, el, hook, selectEl } from '../shared/dom.js';
import { formatNumber, t, tOr } from '../shared/i18n.js';
import { api } from '../shared/api.js';
import { toast } from '../shared/dialogs.js';
import { clearFieldErrors, numberOf, setBusy, setFormError } from '../shared/forms.js';
import { handleError } from '../shared/session.js';
import { catLabel } from '../shared/hits.js';
import { actionLabel, changed, savedToast, showFormError } from './page.js';
import { stageSettings } from './proposal.js';
import { ACTIONS, CATEGORIES, F, INTEGER_SIGNALS, SIGNALS, state } from './state.js';

export function loadSettings() {
  return api('GET', F + '/settings').then(function (view) {
    state.settings.view = view;
    state.settings.loaded = true;
    renderSettings(false);
  }, handleError);
}

export function signalKeys(settings) {
  const present = Object.keys((settings && settings.signals) || {});
  return SIGNALS.filter(function (k) { return present.indexOf(k) >= 0; })
    .concat(present.filter(function (k) { return SIGNALS.indexOf(k) < 0; }));
}

/** Builds the settings form; keepEdits re-labels it (language switch) without losing edits. */
export function renderSettings(keepEdits) {
  const view = state.settings.view;
  const form = hook('settings-form');
  if (!view) return;
  const before = keepEdits ? readSettingsForm() : null;
  const s = view.settings;
  hook('settings-version').textContent = t('settings.version', { v: formatNumber(view.version, 0) });
  form.elements.hold.value = s.hold;
  form.elements.spam.value = s.spam;
  form.elements.block.value = s.block;
  const signals = hook('settings-signals');
  clear(signals);
  signalKeys(s).forEach(function (key) {
    const integer = INTEGER_SIGNALS.indexOf(key) >= 0;
    const hint = tOr('signalHint.' + key, '');
    signals.appendChild(el('label', { 'data-key': key, title: hint || null }, [
      el('span', { text: tOr('signal.' + key, key) }),
      el('input', { name: 'signal.' + key, type: 'number', step: integer ? '1' : '0.1', min: integer ? '0' : '-1000',
        max: integer ? null : '1000', dir: 'ltr', value: s.signals[key] }),
    ]));
  });
  const cats = hook('settings-categories');
  clear(cats);
  const actions = s.category_actions || {};
  CATEGORIES.forEach(function (c) {
    const options = [['', t('settings.noAction')]].concat(ACTIONS.map(function (a) { return [a, actionLabel(a)]; }));
    cats.appendChild(el('label', { 'data-category': c }, [
      el('span', { text: catLabel(c) }),
      selectEl({ name: 'cat.' + c }, options, actions[c] || ''),
    ]));
  });
  if (before) writeSettingsForm(before);
  clearFieldErrors(form);
  markSettingsChanges();
}

export function readSettingsForm() {
  const form = hook('settings-form');
  const out = {};
  $all('input[name], select[name]', form).forEach(function (n) { out[n.name] = n.value; });
  return out;
}

export function writeSettingsForm(values) {
  const form = hook('settings-form');
  $all('input[name], select[name]', form).forEach(function (n) {
    if (Object.prototype.hasOwnProperty.call(values, n.name)) n.value = values[n.name];
  });
}

/**
 * The form against the live settings as the partial object PUT takes: changed thresholds,
 * changed signals, and category_actions whole when any changed. {error} when a number is bad.
 */
export function settingsPatch() {
  const view = state.settings.view;
  const form = hook('settings-form');
  const s = view.settings;
  const patch = {};
  const bad = [];
  const same = function (a, b) { return Math.abs(Number(a) - Number(b)) < 1e-6; };
  ['hold', 'spam', 'block'].forEach(function (k) {
    const v = numberOf(form.elements[k]);
    if (v === null) return;
    if (!Number.isFinite(v)) { bad.push(k); return; }
    if (!same(v, s[k])) patch[k] = v;
  });
  const signals = {};
  signalKeys(s).forEach(function (key) {
    const input = form.elements['signal.' + key];
    const v = numberOf(input);
    if (v === null) return;
    if (!Number.isFinite(v) || (INTEGER_SIGNALS.indexOf(key) >= 0 && (v < 0 || Math.floor(v) !== v))) { bad.push('signal.' + key); return; }
    if (!same(v, s.signals[key])) signals[key] = v;
  });
  if (Object.keys(signals).length) patch.signals = signals;
  const live = s.category_actions || {};
  const next = {};
  let differs = false;
  CATEGORIES.forEach(function (c) {
    const v = form.elements['cat.' + c].value;
    if (v) next[c] = v;
    if ((live[c] || '') !== v) differs = true;
  });
  Object.keys(live).forEach(function (c) { if (CATEGORIES.indexOf(c) < 0) next[c] = live[c]; });
  if (differs) patch.category_actions = next;
  return { patch: patch, bad: bad };
}

export function markSettingsChanges() {
  if (!state.settings.view) return;
  const form = hook('settings-form');
  const r = settingsPatch();
  const changedNames = [];
  Object.keys(r.patch).forEach(function (k) {
    if (k === 'signals') Object.keys(r.patch.signals).forEach(function (s) { changedNames.push('signal.' + s); });
    else if (k === 'category_actions') {
      const live = state.settings.view.settings.category_actions || {};
      CATEGORIES.forEach(function (c) { if ((live[c] || '') !== (r.patch.category_actions[c] || '')) changedNames.push('cat.' + c); });
    } else changedNames.push(k);
  });
  $all('input[name], select[name]', form).forEach(function (n) {
    const label = n.closest('label');
    if (label) label.classList.toggle('settings-changed-field', changedNames.indexOf(n.name) >= 0);
    if (r.bad.indexOf(n.name) >= 0) n.setAttribute('aria-invalid', 'true'); else n.removeAttribute('aria-invalid');
  });
  hook('settings-changed').textContent = changedNames.length ? t('settings.changed', { n: formatNumber(changedNames.length, 0) }) : '';
}

export function onSettingsSubmit(event) {
  event.preventDefault();
  const form = hook('settings-form');
  if (!state.settings.view) return;
  clearFieldErrors(form);
  const r = settingsPatch();
  if (r.bad.length) { setFormError(form, t('error.number')); markSettingsChanges(); return; }
  if (!Object.keys(r.patch).length) { toast(t('settings.nothing'), 'info'); return; }
  setBusy(form, true);
  api('PUT', F + '/settings', r.patch).then(function (view) {
    state.settings.view = view;
    renderSettings(false);
    savedToast(t('saved.settings'), view.version);
    changed([]);
  }, function (err) { showFormError(form, err); })
    .then(function () { setBusy(form, false); });
}

export function onSettingsStage() {
  const form = hook('settings-form');
  if (!state.settings.view) return;
  clearFieldErrors(form);
  const r = settingsPatch();
  if (r.bad.length) { setFormError(form, t('error.number')); return; }
  if (!Object.keys(r.patch).length) { toast(t('stage.nothing'), 'info'); return; }
  stageSettings(r.patch);
  renderSettings(false);
}
