/*
 * raqib admin/proposal.js: the Pending change tab: staging terms, rules and settings instead
 * of saving them (kept in this browser), the list of what is staged, discarding it, and
 * applying it step by step through the ordinary calls (each step its own filter version; a
 * failure keeps only what is left to do).
 */

import { clear, el, hook, store } from '../shared/dom.js';
import { formatNumber, listSeparator, signed, t, tOr } from '../shared/i18n.js';
import { api, ApiError } from '../shared/api.js';
import { confirmDialog, toast } from '../shared/dialogs.js';
import { fieldSummary } from '../shared/forms.js';
import { handleError } from '../shared/session.js';
import { catLabel } from '../shared/hits.js';
import { renderBacktest } from './backtest.js';
import { actionLabel, changed, selectTab } from './page.js';
import { renderRules } from './rules.js';
import { emptyStage, mergeSettings, ruleInputOf, stageSize, termInputOf } from './stage.js';
import { F, STAGE_KEY, state } from './state.js';
import { renderTerms } from './terms.js';
import { renderCompare, renderTestForm } from './testbox.js';

export function saveStage() {
  if (!stageSize(state.stage)) state.stage.base = null;
  store.set(STAGE_KEY, stageSize(state.stage) ? JSON.stringify(state.stage) : null);
  renderStageCount();
  // Results of the test and back-test were for the stage as it was.
  if (state.backtest && !state.backtest.stale) { state.backtest.stale = true; renderBacktest(); }
  if (state.compare && !state.compare.stale) { state.compare.stale = true; renderCompare(); }
}

export function beforeStaging() {
  if (!stageSize(state.stage) && state.overview) state.stage.base = state.overview.version;
}

export function stagedToast(message) {
  toast(message, 'ok', { action: { label: t('stage.open'), run: function () { selectTab('proposal'); } } });
}

export function stageAddTerm(input) {
  beforeStaging();
  state.stage.addTerms.push(input);
  saveStage();
  stagedToast(t('stage.termAdded', { term: input.term }));
}

export function stageTermChange(term, patch) {
  beforeStaging();
  const s = state.stage;
  s.removeTerms = s.removeTerms.filter(function (r) { return r.id !== term.id; });
  const existing = s.changeTerms.find(function (c) { return c.id === term.id; });
  const merged = Object.assign({}, existing ? existing.patch : {}, patch);
  const entry = { id: term.id, label: term.term, patch: merged, input: termInputOf(term, merged) };
  if (existing) s.changeTerms[s.changeTerms.indexOf(existing)] = entry; else s.changeTerms.push(entry);
  saveStage();
  stagedToast(t('stage.termChanged', { term: term.term }));
}

export function stageTermRemoval(term) {
  beforeStaging();
  const s = state.stage;
  s.changeTerms = s.changeTerms.filter(function (c) { return c.id !== term.id; });
  if (!s.removeTerms.some(function (r) { return r.id === term.id; })) s.removeTerms.push({ id: term.id, label: term.term });
  saveStage();
  stagedToast(t('stage.termRemoved', { term: term.term }));
}

export function stageAddRule(input) {
  beforeStaging();
  state.stage.addRules.push(input);
  saveStage();
  stagedToast(t('stage.ruleAdded', { name: input.name || input.pattern }));
}

export function stageRuleChange(rule, patch) {
  beforeStaging();
  const s = state.stage;
  s.removeRules = s.removeRules.filter(function (r) { return r.id !== rule.id; });
  const existing = s.changeRules.find(function (c) { return c.id === rule.id; });
  const merged = Object.assign({}, existing ? existing.patch : {}, patch);
  const entry = { id: rule.id, label: rule.name, patch: merged, input: ruleInputOf(rule, merged) };
  if (existing) s.changeRules[s.changeRules.indexOf(existing)] = entry; else s.changeRules.push(entry);
  saveStage();
  stagedToast(t('stage.ruleChanged', { name: rule.name }));
}

export function stageRuleRemoval(rule) {
  beforeStaging();
  const s = state.stage;
  s.changeRules = s.changeRules.filter(function (c) { return c.id !== rule.id; });
  if (!s.removeRules.some(function (r) { return r.id === rule.id; })) s.removeRules.push({ id: rule.id, label: rule.name });
  saveStage();
  stagedToast(t('stage.ruleRemoved', { name: rule.name }));
}

export function stageSettings(patch) {
  beforeStaging();
  state.stage.settings = mergeSettings(state.stage.settings, patch);
  saveStage();
  stagedToast(t('stage.settings'));
}

/** A term or rule deleted for real no longer belongs in the stage. */
export function dropStagedTerm(id) {
  const s = state.stage;
  s.changeTerms = s.changeTerms.filter(function (c) { return c.id !== id; });
  s.removeTerms = s.removeTerms.filter(function (r) { return r.id !== id; });
  saveStage();
}

export function dropStagedRule(id) {
  const s = state.stage;
  s.changeRules = s.changeRules.filter(function (c) { return c.id !== id; });
  s.removeRules = s.removeRules.filter(function (r) { return r.id !== id; });
  saveStage();
}

export function renderStageCount() {
  const n = stageSize(state.stage);
  const badge = hook('stage-count');
  badge.textContent = n ? formatNumber(n, 0) : '';
  badge.hidden = !n;
  badge.setAttribute('data-count', n);
  if (state.tab === 'test') renderTestForm();
}

export function renderStageBase() {
  const s = state.stage;
  const n = stageSize(s);
  const base = hook('proposal-base');
  base.textContent = n && s.base !== null ? t('proposal.base', { v: formatNumber(s.base, 0) }) : '';
  const stale = hook('proposal-stale');
  const live = state.overview && state.overview.version;
  const isStale = n && s.base !== null && live && live !== s.base;
  stale.textContent = isStale ? t('proposal.stale', { from: formatNumber(s.base, 0), to: formatNumber(live, 0) }) : '';
  stale.hidden = !isStale;
}

export function patchText(patch) {
  return Object.keys(patch).map(function (k) {
    let v = patch[k];
    if (k === 'category') v = catLabel(v);
    else if (k === 'action') v = actionLabel(v);
    else if (k === 'match') v = t('match.' + v);
    else if (k === 'target') v = tOr('target.' + v, v);
    else if (typeof v === 'boolean') v = v ? t('yes') : t('no');
    return tOr('f.' + k, k) + ': ' + (v === '' ? '∅' : v);
  }).join(listSeparator());
}

export function settingsText(patch) {
  const parts = [];
  Object.keys(patch || {}).forEach(function (k) {
    if (k === 'signals') {
      Object.keys(patch.signals).forEach(function (s) {
        parts.push(tOr('signal.' + s, s) + ' = ' + formatNumber(patch.signals[s]));
      });
    } else if (k === 'category_actions') {
      const entries = Object.keys(patch.category_actions);
      parts.push(t('settings.categoryActions') + ': ' + (entries.length ? entries.map(function (c) {
        return catLabel(c) + ' → ' + actionLabel(patch.category_actions[c]);
      }).join(listSeparator()) : '∅'));
    } else {
      parts.push(tOr('settings.' + k, k) + ' = ' + (typeof patch[k] === 'object' ? JSON.stringify(patch[k]) : formatNumber(patch[k])));
    }
  });
  return parts;
}

export function renderStage() {
  const s = state.stage;
  const n = stageSize(s);
  const list = hook('proposal-list');
  clear(list);
  renderStageBase();
  hook('proposal-empty').hidden = n > 0;
  hook('proposal-apply').disabled = !n || state.applying;
  hook('proposal-discard').disabled = !n || state.applying;
  const group = function (title, items, render) {
    if (!items.length) return;
    const ul = el('ul', { class: 'stage-list' });
    items.forEach(function (item, i) { ul.appendChild(render(item, i)); });
    list.appendChild(el('section', { class: 'stage-group' }, [el('h3', { text: title }), ul]));
  };
  const unstage = function (kind, i) {
    return el('button', { type: 'button', 'data-action': 'unstage', 'data-kind': kind, 'data-index': i, text: t('stage.drop') });
  };
  group(t('stage.addTerms'), s.addTerms, function (x, i) {
    return el('li', { class: 'stage-item add', 'data-raqib': 'staged', 'data-kind': 'addTerms' }, [
      el('bdi', { class: 'term-cell', dir: 'auto', text: x.term }),
      el('span', { class: 'grow muted', text: [catLabel(x.category), signed(x.weight), actionLabel(x.action || 'score'),
        t('match.' + (x.match || 'token')), x.list || 'admin'].join(' · ') + (x.shadow ? ' · ' + t('hits.shadow') : '') }),
      unstage('addTerms', i),
    ]);
  });
  group(t('stage.changeTerms'), s.changeTerms, function (x, i) {
    return el('li', { class: 'stage-item change', 'data-raqib': 'staged', 'data-kind': 'changeTerms', 'data-id': x.id }, [
      el('bdi', { class: 'term-cell', dir: 'auto', text: x.label }),
      el('span', { class: 'grow muted', text: patchText(x.patch) }),
      unstage('changeTerms', i),
    ]);
  });
  group(t('stage.removeTerms'), s.removeTerms, function (x, i) {
    return el('li', { class: 'stage-item remove', 'data-raqib': 'staged', 'data-kind': 'removeTerms', 'data-id': x.id }, [
      el('bdi', { class: 'term-cell grow', dir: 'auto', text: x.label }),
      unstage('removeTerms', i),
    ]);
  });
  group(t('stage.addRules'), s.addRules, function (x, i) {
    return el('li', { class: 'stage-item add', 'data-raqib': 'staged', 'data-kind': 'addRules' }, [
      el('code', { dir: 'ltr', text: x.name || '—' }),
      el('code', { class: 'pattern grow', dir: 'ltr', text: x.pattern }),
      el('span', { class: 'muted', text: [signed(x.weight), actionLabel(x.action || 'score'), tOr('target.' + (x.target || 'body'), x.target),
        catLabel(x.category || 'rule')].join(' · ') + (x.shadow ? ' · ' + t('hits.shadow') : '') }),
      unstage('addRules', i),
    ]);
  });
  group(t('stage.changeRules'), s.changeRules, function (x, i) {
    return el('li', { class: 'stage-item change', 'data-raqib': 'staged', 'data-kind': 'changeRules', 'data-id': x.id }, [
      el('code', { dir: 'ltr', text: x.label }),
      el('span', { class: 'grow muted', dir: 'auto', text: patchText(x.patch) }),
      unstage('changeRules', i),
    ]);
  });
  group(t('stage.removeRules'), s.removeRules, function (x, i) {
    return el('li', { class: 'stage-item remove', 'data-raqib': 'staged', 'data-kind': 'removeRules', 'data-id': x.id }, [
      el('code', { class: 'grow', dir: 'ltr', text: x.label }),
      unstage('removeRules', i),
    ]);
  });
  if (s.settings) {
    group(t('stage.settingsTitle'), [s.settings], function (x) {
      return el('li', { class: 'stage-item change', 'data-raqib': 'staged', 'data-kind': 'settings' }, [
        el('span', { class: 'grow', text: settingsText(x).join(' · ') }),
        unstage('settings', 0),
      ]);
    });
  }
}

export function onProposalListClick(event) {
  const button = event.target.closest('button[data-action="unstage"]');
  if (!button) return;
  const kind = button.getAttribute('data-kind');
  const i = Number(button.getAttribute('data-index'));
  if (kind === 'settings') state.stage.settings = null;
  else if (Array.isArray(state.stage[kind])) state.stage[kind].splice(i, 1);
  saveStage();
  renderStage();
  if (state.terms.loaded) renderTerms();
  if (state.rules.loaded) renderRules();
}

export function onDiscard() {
  const n = stageSize(state.stage);
  if (!n) return;
  confirmDialog(t('proposal.discardTitle'), t('proposal.discardText', { n: formatNumber(n, 0) }), t('proposal.discard')).then(function (yes) {
    if (!yes) return;
    state.stage = emptyStage();
    saveStage();
    state.backtest = null;
    state.compare = null;
    renderBacktest();
    renderCompare();
    clear(hook('apply-log'));
    hook('apply-log').hidden = true;
    renderStage();
    if (state.terms.loaded) renderTerms();
    if (state.rules.loaded) renderRules();
    toast(t('proposal.discarded'), 'info');
  });
}

/**
 * Applies the stage through the ordinary calls, one after the other: removals, changes,
 * additions, then settings. Each step that succeeds leaves the stage at once, so a failure
 * keeps only what is left to do. Every step makes its own filter version.
 */
export function onApply() {
  const n = stageSize(state.stage);
  if (!n || state.applying) return;
  const warn = state.backtest && state.backtest.newly_flagged_approved > 0
    ? '\n' + t('proposal.applyWarn', { n: formatNumber(state.backtest.newly_flagged_approved, 0) }) : '';
  confirmDialog(t('proposal.applyTitle'), t('proposal.applyText', { n: formatNumber(n, 0) }) + warn, t('proposal.apply')).then(function (yes) {
    if (yes) applyStage();
  });
}

export function applyStage() {
  const s = state.stage;
  const steps = [];
  const drop = function (kind, item) {
    return function () {
      if (kind === 'settings') s.settings = null;
      else {
        const i = s[kind].indexOf(item);
        if (i >= 0) s[kind].splice(i, 1);
      }
      saveStage();
    };
  };
  s.removeTerms.slice().forEach(function (r) {
    steps.push({ label: t('apply.removeTerm', { term: r.label }), gone: true, done: drop('removeTerms', r),
      run: function () { return api('DELETE', F + '/terms/' + r.id); } });
  });
  s.changeTerms.slice().forEach(function (c) {
    steps.push({ label: t('apply.changeTerm', { term: c.label }), done: drop('changeTerms', c),
      run: function () { return api('PATCH', F + '/terms/' + c.id, c.patch); } });
  });
  s.addTerms.slice().forEach(function (x) {
    steps.push({ label: t('apply.addTerm', { term: x.term }), done: drop('addTerms', x),
      run: function () { return api('POST', F + '/terms', x); } });
  });
  s.removeRules.slice().forEach(function (r) {
    steps.push({ label: t('apply.removeRule', { name: r.label }), gone: true, done: drop('removeRules', r),
      run: function () { return api('DELETE', F + '/rules/' + r.id); } });
  });
  s.changeRules.slice().forEach(function (c) {
    steps.push({ label: t('apply.changeRule', { name: c.label }), done: drop('changeRules', c),
      run: function () { return api('PATCH', F + '/rules/' + c.id, c.patch); } });
  });
  s.addRules.slice().forEach(function (x) {
    steps.push({ label: t('apply.addRule', { name: x.name || x.pattern }), done: drop('addRules', x),
      run: function () { return api('POST', F + '/rules', x); } });
  });
  if (s.settings) {
    const patch = s.settings;
    steps.push({ label: t('apply.settings'), done: drop('settings', patch),
      run: function () { return api('PUT', F + '/settings', patch); } });
  }
  const log = hook('apply-log');
  clear(log);
  log.hidden = false;
  state.applying = true;
  renderStage();
  let done = 0;
  let lastVersion = null;
  let failed = false;
  const next = function (i) {
    if (i >= steps.length) return Promise.resolve();
    const step = steps[i];
    const line = el('li', { 'data-step': i, text: step.label + ' …' });
    log.appendChild(line);
    return step.run().then(function (res) {
      step.done();
      done += 1;
      if (res && res.version !== undefined && res.version !== null) lastVersion = res.version;
      line.className = 'done';
      line.textContent = step.label + ' ✓' + (res && res.version ? ' · ' + t('versions.short', { v: formatNumber(res.version, 0) }) : '');
      return next(i + 1);
    }, function (err) {
      if (step.gone && err instanceof ApiError && err.status === 404) {
        step.done();
        done += 1;
        line.className = 'done';
        line.textContent = step.label + ' — ' + t('apply.alreadyGone');
        return next(i + 1);
      }
      failed = true;
      line.className = 'failed';
      line.textContent = step.label + ' ✗ ' + (err instanceof ApiError
        ? err.message + (err.fields ? ' — ' + fieldSummary(err.fields) : '') : String(err));
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) handleError(err);
      return null;
    });
  };
  next(0).then(function () {
    state.applying = false;
    if (failed) toast(t('apply.failed', { done: formatNumber(done, 0), left: formatNumber(stageSize(state.stage), 0) }), 'error', { sticky: true });
    else toast(t('apply.done', { n: formatNumber(done, 0), version: formatNumber(lastVersion, 0) }), 'ok');
    if (!stageSize(state.stage)) { state.backtest = null; state.compare = null; }
    changed(['terms', 'rules', 'settings']);
    renderStage();
    renderCompare();
    renderBacktest();
  });
}
