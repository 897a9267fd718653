/*
 * raqib admin/rules.js: the Rules tab: the pattern rules, each enabled or shadowed with a
 * click, and the rule form that adds a rule or edits the one chosen (saved now or staged).
 */

import { $, append, checkbox, clear, el, hook } from '../shared/dom.js';
import { formatNumber, language, signed, t, tOr } from '../shared/i18n.js';
import { api, ApiError } from '../shared/api.js';
import { confirmDialog, toast } from '../shared/dialogs.js';
import { clearFieldErrors, numberOf, setBusy, setFieldError } from '../shared/forms.js';
import { handleError } from '../shared/session.js';
import { catLabel } from '../shared/hits.js';
import {
  actionLabel, changed, cssEscape, loadOverview, rowToggle, savedToast, showFormError,
} from './page.js';
import { dropStagedRule, stageAddRule, stageRuleChange, stageRuleRemoval } from './proposal.js';
import { F, state } from './state.js';

/*
 * The shipped rules' descriptions in both languages: a rule still carrying its shipped
 * (English) description is described in the reader's language; any other description is
 * an admin's own words, shown as written.
 */
const SHIPPED_NOTES = {
  earn_per_day_en: ['promises of money per day or week', 'وعود بمال في اليوم أو الأسبوع'],
  daily_profit_ar: ['daily or weekly earnings pitch', 'ترويج لأرباح يومية أو أسبوعية'],
  guaranteed_100: ['100% guaranteed', 'مضمون 100%'],
  sms_short_code: ["'text WORD to 80086': a premium short code", '«أرسل كلمة إلى رقم قصير»: رقم خدمة مدفوعة'],
};

function ruleNote(rule) {
  const shipped = SHIPPED_NOTES[rule.name];
  const text = rule.description || '';
  if (shipped && text === shipped[0]) return el('span', { text: language() === 'ar' ? shipped[1] : shipped[0] });
  return el('bdi', { text: text });
}

export function loadRules() {
  hook('rule-rows').setAttribute('aria-busy', 'true');
  return api('GET', F + '/rules').then(function (rules) {
    state.rules.items = Array.isArray(rules) ? rules : [];
    state.rules.loaded = true;
    if (state.rules.editing !== null && !ruleById(state.rules.editing)) stopRuleEdit();
    renderRules();
  }, handleError).then(function () {
    hook('rule-rows').setAttribute('aria-busy', 'false');
  });
}

export function ruleById(id) {
  return state.rules.items.find(function (r) { return r.id === id; }) || null;
}

export function stagedRuleIds() {
  const ids = new Map();
  state.stage.changeRules.forEach(function (c) { ids.set(c.id, 'change'); });
  state.stage.removeRules.forEach(function (r) { ids.set(r.id, 'remove'); });
  return ids;
}

export function renderRules() {
  const body = hook('rule-rows');
  clear(body);
  const staged = stagedRuleIds();
  state.rules.items.forEach(function (rule) { body.appendChild(ruleRow(rule, staged.get(rule.id))); });
  hook('rules-empty').hidden = state.rules.items.length > 0;
  hook('rule-count').textContent = t('rules.count', { n: formatNumber(state.rules.items.length, 0) });
  if (state.rules.flash !== null) {
    const row = $('[data-raqib="rule"][data-name="' + cssEscape(state.rules.flash) + '"]', body)
      || $('[data-raqib="rule"][data-id="' + cssEscape(state.rules.flash) + '"]', body);
    if (row) {
      row.classList.add('flash');
      row.scrollIntoView({ block: 'nearest' });
    }
    state.rules.flash = null;
  }
}

export function ruleRow(rule, stagedAs) {
  const tr = el('tr', {
    'data-raqib': 'rule', 'data-id': rule.id, 'data-name': rule.name,
    'data-enabled': rule.enabled ? 'true' : 'false', 'data-shadow': rule.shadow ? 'true' : 'false',
    class: (rule.enabled ? '' : 'disabled') + (state.rules.editing === rule.id ? ' editing' : '') + (stagedAs ? ' staged' : ''),
  });
  append(tr, [
    el('td', null, el('code', { dir: 'ltr', text: rule.name })),
    el('td', null, el('code', { class: 'pattern', dir: 'ltr', text: rule.pattern })),
    el('td', { class: 'num', dir: 'ltr', text: signed(rule.weight) }),
    el('td', null, rule.action === 'score' ? el('span', { class: 'muted', text: actionLabel('score') })
      : el('span', { class: 'badge class-' + rule.action, text: actionLabel(rule.action) })),
    el('td', { text: tOr('target.' + rule.target, rule.target) }),
    el('td', { text: catLabel(rule.category) }),
    el('td', { class: 'cell-note' }, ruleNote(rule)),
    el('td', null, checkbox({ 'data-action': 'toggle-enabled', 'aria-label': t('f.enabled') + ': ' + rule.name }, rule.enabled)),
    el('td', null, checkbox({ 'data-action': 'toggle-shadow', 'aria-label': t('f.shadow') + ': ' + rule.name }, rule.shadow)),
    el('td', { class: 'num', text: formatNumber(rule.version, 0) }),
  ]);
  const actions = el('td', { class: 'actions' });
  if (stagedAs) actions.appendChild(el('span', { class: 'badge warn', text: t('stage.as.' + stagedAs) }));
  append(actions, [
    el('button', { type: 'button', 'data-action': 'edit', text: t('op.edit') }),
    el('button', { type: 'button', 'data-action': 'stage-remove', title: t('op.stageRemoveTitle'), text: t('op.stageRemove') }),
    el('button', { type: 'button', class: 'danger', 'data-action': 'delete', text: t('op.delete') }),
  ]);
  tr.appendChild(actions);
  return tr;
}

export function onRuleRowsClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const row = button.closest('[data-raqib="rule"]');
  const rule = ruleById(Number(row.getAttribute('data-id')));
  if (!rule) return;
  const action = button.getAttribute('data-action');
  if (action === 'edit') {
    startRuleEdit(rule);
  } else if (action === 'stage-remove') {
    stageRuleRemoval(rule);
    renderRules();
  } else if (action === 'delete') {
    confirmDialog(t('rules.deleteTitle'), t('rules.deleteText', { name: rule.name }), t('op.delete')).then(function (yes) {
      if (!yes) return;
      api('DELETE', F + '/rules/' + rule.id).then(function (res) {
        savedToast(t('saved.ruleRemoved', { name: rule.name }), res.version);
        if (state.rules.editing === rule.id) stopRuleEdit();
        dropStagedRule(rule.id);
        changed(['rules']);
      }, handleError);
    });
  }
}

export function onRuleRowsChange(event) {
  const toggle = rowToggle(event, 'rule', ruleById);
  if (!toggle) return;
  const input = toggle.input;
  const rule = toggle.item;
  api('PATCH', F + '/rules/' + rule.id, toggle.patch).then(function (res) {
    replaceRule(res.rule);
    savedToast(t('saved.ruleChanged', { name: rule.name }), res.version);
    loadOverview();
    state.versions.data = null;
  }, function (err) {
    input.checked = !input.checked;
    input.disabled = false;
    handleError(err);
  });
}

export function replaceRule(rule) {
  const i = state.rules.items.findIndex(function (r) { return r.id === rule.id; });
  if (i >= 0) state.rules.items[i] = rule; else state.rules.items.push(rule);
  renderRules();
}

export function startRuleEdit(rule) {
  const form = hook('rule-form');
  clearFieldErrors(form);
  state.rules.editing = rule.id;
  const e = form.elements;
  e.pattern.value = rule.pattern;
  e.name.value = rule.name;
  e.name.disabled = true;
  e.weight.value = rule.weight;
  e.action.value = rule.action;
  e.target.value = rule.target;
  e.category.value = rule.category;
  e.description.value = rule.description || '';
  e.shadow.checked = !!rule.shadow;
  form.setAttribute('data-editing', rule.id);
  renderRuleFormMode();
  renderRules();
  form.scrollIntoView({ block: 'nearest' });
  e.pattern.focus();
}

export function stopRuleEdit() {
  const form = hook('rule-form');
  state.rules.editing = null;
  form.removeAttribute('data-editing');
  form.reset();
  form.elements.name.disabled = false;
  form.elements.category.value = 'rule';
  clearFieldErrors(form);
  renderRuleFormMode();
}

export function renderRuleFormMode() {
  const form = hook('rule-form');
  const rule = state.rules.editing !== null ? ruleById(state.rules.editing) : null;
  hook('rule-form-title').textContent = rule ? t('rules.edit', { name: rule.name }) : t('rules.add');
  $('[data-action="save"]', form).textContent = rule ? t('op.saveChanges') : t('op.add');
  $('[data-action="cancel-edit"]', form).hidden = !rule;
}

/** The rule form as a RuleInput, or null (errors shown). */
export function ruleInputFromForm(form) {
  clearFieldErrors(form);
  const e = form.elements;
  const pattern = e.pattern.value;
  const weight = numberOf(e.weight);
  let ok = true;
  if (!pattern.trim()) { setFieldError(form, 'pattern', t('error.required')); ok = false; }
  if (weight === null || !Number.isFinite(weight)) { setFieldError(form, 'weight', t('error.number')); ok = false; }
  if (!ok) return null;
  const input = {
    pattern: pattern,
    weight: weight,
    action: e.action.value,
    target: e.target.value,
    category: e.category.value,
    shadow: e.shadow.checked,
  };
  const description = e.description.value.trim();
  if (description) input.description = description;
  const name = e.name.value.trim();
  if (name && !e.name.disabled) input.name = name;
  return input;
}

/** The changes of the form against a stored rule, as a RulePatch. */
export function rulePatchOf(rule, input) {
  const patch = {};
  ['pattern', 'weight', 'action', 'target', 'category', 'shadow'].forEach(function (k) {
    if (input[k] !== rule[k]) patch[k] = input[k];
  });
  const description = input.description || '';
  if (description !== (rule.description || '')) patch.description = description;
  return patch;
}

export function onRuleFormSubmit(event) {
  event.preventDefault();
  const form = hook('rule-form');
  const input = ruleInputFromForm(form);
  if (!input) return;
  const editing = state.rules.editing !== null ? ruleById(state.rules.editing) : null;
  let call;
  if (editing) {
    const patch = rulePatchOf(editing, input);
    if (!Object.keys(patch).length) { stopRuleEdit(); renderRules(); return; }
    call = api('PATCH', F + '/rules/' + editing.id, patch);
  } else {
    call = api('POST', F + '/rules', input);
  }
  setBusy(form, true);
  call.then(function (res) {
    savedToast(t(editing ? 'saved.ruleChanged' : 'saved.ruleAdded', { name: res.rule.name }), res.version);
    stopRuleEdit();
    state.rules.flash = res.rule.name;
    changed(['rules']);
  }, function (err) {
    if (err instanceof ApiError && err.status === 404 && editing) {
      toast(t('error.gone'), 'error');
      stopRuleEdit();
      changed(['rules']);
      return;
    }
    showFormError(form, err);
  }).then(function () { setBusy(form, false); });
}

export function onRuleFormStage() {
  const form = hook('rule-form');
  const input = ruleInputFromForm(form);
  if (!input) return;
  const editing = state.rules.editing !== null ? ruleById(state.rules.editing) : null;
  if (editing) {
    const patch = rulePatchOf(editing, input);
    if (!Object.keys(patch).length) { toast(t('stage.nothing'), 'info'); return; }
    stageRuleChange(editing, patch);
  } else {
    stageAddRule(input);
  }
  stopRuleEdit();
  renderRules();
}
