/*
 * raqib admin/terms.js: the Terms tab: the word list with its filters, pages and export
 * links, rows edited in place (Enter saves, Escape cancels) or staged, the add-term form, and
 * the import of a list (text or CSV, all or nothing: the lines refused are listed).
 */

import { $, append, checkbox, clear, el, hook, selectEl } from '../shared/dom.js';
import { formatNumber, signed, t } from '../shared/i18n.js';
import { api, ApiError, query } from '../shared/api.js';
import { confirmDialog, toast } from '../shared/dialogs.js';
import {
  clearFieldErrors, fieldSummary, fieldText, numberOf, setBusy, setFieldError, setFormError,
} from '../shared/forms.js';
import { handleError } from '../shared/session.js';
import { catLabel } from '../shared/hits.js';
import { actionLabel, changed, loadOverview, rowToggle, savedToast, showFormError } from './page.js';
import { dropStagedTerm, stageAddTerm, stageTermChange, stageTermRemoval } from './proposal.js';
import { splitLineErrors } from './stage.js';
import { ACTIONS, CATEGORIES, F, MATCHES, state } from './state.js';

export function termFilterParams() {
  const f = state.terms.filters;
  return { q: f.q, category: f.category, list: f.list, shadow: f.shadow, enabled: f.enabled };
}

export function readTermFilters() {
  const form = hook('term-filters');
  const f = state.terms.filters;
  f.q = form.elements.q.value.trim();
  f.category = form.elements.category.value;
  f.list = form.elements.list.value.trim();
  f.shadow = form.elements.shadow.value;
  f.enabled = form.elements.enabled.value;
  f.limit = Number(form.elements.limit.value) || 50;
}

export function syncTermFilters() {
  const form = hook('term-filters');
  const f = state.terms.filters;
  form.elements.q.value = f.q;
  form.elements.category.value = f.category;
  form.elements.list.value = f.list;
  form.elements.shadow.value = f.shadow;
  form.elements.enabled.value = f.enabled;
  form.elements.limit.value = String(f.limit);
}

export function updateExportLinks() {
  const base = termFilterParams();
  hook('export-text').href = F + '/terms/export' + query(Object.assign({ format: 'text' }, base));
  hook('export-csv').href = F + '/terms/export' + query(Object.assign({ format: 'csv' }, base));
}

export function loadTerms() {
  const s = state.terms;
  const seq = ++s.seq;
  updateExportLinks();
  const params = Object.assign(termFilterParams(), { limit: s.filters.limit, offset: s.offset });
  hook('term-rows').setAttribute('aria-busy', 'true');
  return api('GET', F + '/terms' + query(params)).then(function (page) {
    if (seq !== s.seq) return;
    s.items = (page && page.items) || [];
    s.total = (page && page.total) || 0;
    s.loaded = true;
    if (s.offset > 0 && !s.items.length && s.total > 0) {
      s.offset = Math.max(0, Math.floor((s.total - 1) / s.filters.limit) * s.filters.limit);
      loadTerms();
      return;
    }
    renderTerms();
  }, function (err) {
    if (seq !== s.seq) return;
    if (err.status === 422) toast(err.message + ' — ' + fieldSummary(err.fields), 'error');
    else handleError(err);
  }).then(function () {
    if (seq === s.seq) hook('term-rows').setAttribute('aria-busy', 'false');
  });
}

export function stagedTermIds() {
  const ids = new Map();
  state.stage.changeTerms.forEach(function (c) { ids.set(c.id, 'change'); });
  state.stage.removeTerms.forEach(function (r) { ids.set(r.id, 'remove'); });
  return ids;
}

export function renderTerms() {
  const s = state.terms;
  const body = hook('term-rows');
  clear(body);
  const staged = stagedTermIds();
  s.items.forEach(function (term) { body.appendChild(termRow(term, staged.get(term.id))); });
  hook('terms-empty').hidden = s.items.length > 0;
  const from = s.items.length ? s.offset + 1 : 0;
  const to = s.offset + s.items.length;
  hook('term-count').textContent = t('terms.count', { from: formatNumber(from, 0), to: formatNumber(to, 0), total: formatNumber(s.total, 0) });
  const pages = Math.max(1, Math.ceil(s.total / s.filters.limit));
  const pageNo = Math.floor(s.offset / s.filters.limit) + 1;
  hook('terms-page').textContent = t('pager.page', { n: formatNumber(pageNo, 0), of: formatNumber(pages, 0) });
  hook('terms-prev').disabled = s.offset <= 0;
  hook('terms-next').disabled = s.offset + s.items.length >= s.total;
  if (s.flash !== null) {
    const row = $('[data-raqib="term"][data-id="' + s.flash + '"]', body);
    if (row) {
      row.classList.add('flash');
      row.scrollIntoView({ block: 'nearest' });
    }
    s.flash = null;
  }
}

export function termById(id) {
  return state.terms.items.find(function (x) { return x.id === id; }) || null;
}

export function termRow(term, stagedAs) {
  const editing = state.terms.editing === term.id;
  const tr = el('tr', {
    'data-raqib': 'term', 'data-id': term.id, 'data-category': term.category,
    'data-enabled': term.enabled ? 'true' : 'false', 'data-shadow': term.shadow ? 'true' : 'false',
    class: (term.enabled ? '' : 'disabled') + (editing ? ' editing' : '') + (stagedAs ? ' staged' : ''),
  });
  const termCell = el('td', { class: 'term-cell' }, [
    el('bdi', { dir: 'auto', text: term.term + ({ prefix: '*', exact: '=' }[term.match] || '') }),
    term.key && term.key !== term.term ? el('span', { class: 'term-key', title: t('terms.keyTitle') },
      ['= ', el('bdi', { dir: 'auto', text: term.key })]) : null,
  ]);
  tr.appendChild(termCell);
  if (editing) {
    tr.appendChild(el('td', null, selectEl({ name: 'category', 'aria-label': t('f.category') },
      CATEGORIES.map(function (c) { return [c, catLabel(c)]; }), term.category)));
    tr.appendChild(el('td', null, el('input', { name: 'weight', type: 'number', step: '0.1', min: '-100', max: '100',
      dir: 'ltr', value: term.weight, 'aria-label': t('f.weight') })));
    tr.appendChild(el('td', null, selectEl({ name: 'action', 'aria-label': t('f.action') },
      ACTIONS.map(function (a) { return [a, actionLabel(a)]; }), term.action)));
    tr.appendChild(el('td', null, selectEl({ name: 'match', 'aria-label': t('f.match') },
      MATCHES.map(function (m) { return [m, t('match.' + m)]; }), term.match)));
    tr.appendChild(el('td', null, el('input', { name: 'list', type: 'text', dir: 'ltr', value: term.list,
      maxlength: '64', spellcheck: 'false', 'aria-label': t('f.list') })));
    tr.appendChild(el('td', null, el('input', { name: 'note', type: 'text', dir: 'auto', value: term.note || '',
      maxlength: '500', 'aria-label': t('f.note') })));
  } else {
    tr.appendChild(el('td', { text: catLabel(term.category) }));
    tr.appendChild(el('td', { class: 'num', dir: 'ltr', text: signed(term.weight) }));
    tr.appendChild(el('td', null, term.action === 'score' ? el('span', { class: 'muted', text: actionLabel('score') })
      : el('span', { class: 'badge class-' + term.action, text: actionLabel(term.action) })));
    tr.appendChild(el('td', { text: t('match.' + term.match) }));
    tr.appendChild(el('td', null, el('code', { dir: 'ltr', text: term.list })));
    tr.appendChild(el('td', { class: 'cell-note', dir: 'auto', text: term.note || '' }));
  }
  tr.appendChild(el('td', null, checkbox({ 'data-action': 'toggle-enabled', 'aria-label': t('f.enabled') + ': ' + term.term }, term.enabled)));
  tr.appendChild(el('td', null, checkbox({ 'data-action': 'toggle-shadow', 'aria-label': t('f.shadow') + ': ' + term.term }, term.shadow)));
  tr.appendChild(el('td', { class: 'num' }, el('span', { title: t('f.version'), text: formatNumber(term.version, 0) })));
  const actions = el('td', { class: 'actions' });
  if (editing) {
    append(actions, [
      el('button', { type: 'button', class: 'primary', 'data-action': 'save-edit', text: t('op.save') }),
      el('button', { type: 'button', 'data-action': 'stage-edit', text: t('op.stageShort') }),
      el('button', { type: 'button', 'data-action': 'cancel-edit', text: t('op.cancel') }),
    ]);
  } else {
    if (stagedAs) actions.appendChild(el('span', { class: 'badge warn', text: t('stage.as.' + stagedAs) }));
    append(actions, [
      el('button', { type: 'button', 'data-action': 'edit', text: t('op.edit') }),
      el('button', { type: 'button', 'data-action': 'stage-remove', title: t('op.stageRemoveTitle'), text: t('op.stageRemove') }),
      el('button', { type: 'button', class: 'danger', 'data-action': 'delete', text: t('op.delete') }),
    ]);
  }
  tr.appendChild(actions);
  return tr;
}

export function replaceTermRow(term) {
  const i = state.terms.items.findIndex(function (x) { return x.id === term.id; });
  if (i >= 0) state.terms.items[i] = term;
  const old = $('[data-raqib="term"][data-id="' + term.id + '"]', hook('term-rows'));
  if (old) old.parentNode.replaceChild(termRow(term, stagedTermIds().get(term.id)), old);
}

/** The changed fields of an inline edit as a TermPatch (null when a number is bad). */
export function termPatchFromRow(row, term) {
  const patch = {};
  const get = function (name) { return $('[name="' + name + '"]', row); };
  const weight = numberOf(get('weight'));
  if (weight === null || !Number.isFinite(weight)) {
    get('weight').setAttribute('aria-invalid', 'true');
    toast(t('f.weight') + ': ' + t('error.number'), 'error');
    return null;
  }
  if (weight !== term.weight) patch.weight = weight;
  ['category', 'action', 'match'].forEach(function (k) {
    if (get(k).value !== term[k]) patch[k] = get(k).value;
  });
  const list = get('list').value.trim();
  if (list && list !== term.list) patch.list = list;
  const note = get('note').value.trim();
  if (note !== (term.note || '')) patch.note = note;
  return patch;
}

export function onTermRowsClick(event) {
  const button = event.target.closest('button[data-action]');
  if (!button) return;
  const row = button.closest('[data-raqib="term"]');
  const id = Number(row.getAttribute('data-id'));
  const term = termById(id);
  if (!term) return;
  const action = button.getAttribute('data-action');
  if (action === 'edit') {
    state.terms.editing = id;
    replaceTermRow(term);
    const weight = $('[data-raqib="term"][data-id="' + id + '"] [name="weight"]');
    if (weight) weight.focus();
  } else if (action === 'cancel-edit') {
    state.terms.editing = null;
    replaceTermRow(term);
  } else if (action === 'save-edit') {
    const patch = termPatchFromRow(row, term);
    if (!patch) return;
    if (!Object.keys(patch).length) { state.terms.editing = null; replaceTermRow(term); return; }
    patchTerm(term, patch, row).then(function (ok) { if (ok) state.terms.editing = null; });
  } else if (action === 'stage-edit') {
    const patch = termPatchFromRow(row, term);
    if (!patch) return;
    if (!Object.keys(patch).length) { toast(t('stage.nothing'), 'info'); return; }
    stageTermChange(term, patch);
    state.terms.editing = null;
    replaceTermRow(term);
  } else if (action === 'stage-remove') {
    stageTermRemoval(term);
    replaceTermRow(term);
  } else if (action === 'delete') {
    confirmDialog(t('terms.deleteTitle'), t('terms.deleteText', { term: term.term }), t('op.delete')).then(function (yes) {
      if (!yes) return;
      api('DELETE', F + '/terms/' + id).then(function (res) {
        savedToast(t('saved.termRemoved', { term: term.term }), res.version);
        dropStagedTerm(id);
        changed(['terms']);
      }, handleError);
    });
  }
}

export function onTermRowsChange(event) {
  const toggle = rowToggle(event, 'term', termById);
  if (!toggle) return;
  const input = toggle.input;
  patchTerm(toggle.item, toggle.patch, null).then(function (ok) {
    if (!ok) { input.checked = !input.checked; input.disabled = false; }
  });
}

/** PATCH a term; resolves true when saved. */
export function patchTerm(term, patch, row) {
  return api('PATCH', F + '/terms/' + term.id, patch).then(function (res) {
    state.terms.editing = null;
    replaceTermRow(res.term);
    savedToast(t('saved.termChanged', { term: term.term }), res.version);
    loadOverview();
    state.versions.data = null;
    return true;
  }, function (err) {
    if (err.status === 422 && row) {
      Object.keys(err.fields || {}).forEach(function (name) {
        const input = $('[name="' + name + '"]', row);
        if (input) input.setAttribute('aria-invalid', 'true');
      });
    }
    if (err.status === 404) { toast(t('error.gone'), 'error'); changed(['terms']); return false; }
    handleError(err);
    return false;
  });
}

/** The add-term form as a TermInput, or null (errors shown). */
export function termInputFromForm(form) {
  clearFieldErrors(form);
  const e = form.elements;
  const term = e.term.value.trim();
  const weight = numberOf(e.weight);
  let ok = true;
  if (!term) { setFieldError(form, 'term', t('error.required')); ok = false; }
  if (weight === null || !Number.isFinite(weight)) { setFieldError(form, 'weight', t('error.number')); ok = false; }
  if (!ok) return null;
  const input = {
    term: term,
    category: e.category.value,
    weight: weight,
    action: e.action.value,
    match: e.match.value,
    shadow: e.shadow.checked,
  };
  const list = e.list.value.trim();
  if (list) input.list = list;
  const note = e.note.value.trim();
  if (note) input.note = note;
  return input;
}

export function onTermFormSubmit(event) {
  event.preventDefault();
  const form = hook('term-form');
  const input = termInputFromForm(form);
  if (!input) return;
  setBusy(form, true);
  api('POST', F + '/terms', input).then(function (res) {
    savedToast(t('saved.termAdded', { term: res.term.term }), res.version);
    form.elements.term.value = '';
    form.elements.note.value = '';
    form.elements.term.focus();
    state.terms.offset = 0;
    state.terms.flash = res.term.id;
    changed(['terms']);
  }, function (err) { showFormError(form, err); })
    .then(function () { setBusy(form, false); });
}

export function onTermFormStage() {
  const form = hook('term-form');
  const input = termInputFromForm(form);
  if (!input) return;
  stageAddTerm(input);
  form.elements.term.value = '';
  form.elements.note.value = '';
  form.elements.term.focus();
}

/* ----------------------------- import ----------------------------- */

export function onImportFile(event) {
  const file = event.currentTarget.files && event.currentTarget.files[0];
  if (!file) return;
  const form = hook('import-form');
  if (/\.csv$/i.test(file.name) || file.type === 'text/csv') form.elements.format.value = 'csv';
  const reader = new FileReader();
  reader.addEventListener('load', function () { form.elements.body.value = String(reader.result || ''); });
  reader.addEventListener('error', function () { toast(t('import.readFailed'), 'error'); });
  reader.readAsText(file, 'utf-8');
}

export function onImportSubmit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearFieldErrors(form);
  const lines = hook('import-lines');
  clear(lines);
  lines.hidden = true;
  hook('import-result').hidden = true;
  const e = form.elements;
  const format = e.format.value;
  const body = e.body.value;
  if (!body.trim()) { setFormError(form, t('import.empty')); return; }
  if (format === 'text' && !e.category.value) { setFieldError(form, 'category', t('import.needCategory')); return; }
  const weight = numberOf(e.weight);
  if (weight !== null && !Number.isFinite(weight)) { setFieldError(form, 'weight', t('error.number')); return; }
  const params = { format: format, category: e.category.value, weight: weight === null ? '' : weight,
    action: e.action.value, list: e.list.value.trim() };
  setBusy(form, true);
  api('POST', F + '/terms/import' + query(params), undefined, { text: body }).then(function (res) {
    const result = hook('import-result');
    result.textContent = res.version === null || res.version === undefined
      ? t('import.nothing', { skipped: formatNumber(res.skipped, 0) })
      : t('import.done', { added: formatNumber(res.added, 0), skipped: formatNumber(res.skipped, 0), version: formatNumber(res.version, 0) });
    result.setAttribute('data-added', res.added);
    result.setAttribute('data-skipped', res.skipped);
    result.hidden = false;
    toast(result.textContent, 'ok');
    if (res.added) {
      e.body.value = '';
      e.file.value = '';
      state.terms.offset = 0;
      changed(['terms']);
    }
  }, function (err) {
    if (err instanceof ApiError && err.status === 422 && err.fields && err.fields.lines) {
      const items = splitLineErrors(err.fields.lines.detail);
      items.forEach(function (line) { lines.appendChild(el('li', { dir: 'auto', text: line })); });
      lines.hidden = !items.length;
      const others = Object.assign({}, err.fields);
      delete others.lines;
      setFormError(form, t('import.refused', { n: formatNumber(items.length, 0) })
        + (items.length >= 50 ? ' ' + t('import.first50') : '')
        + (Object.keys(others).length ? ' — ' + fieldSummary(others) : ''));
      if (!items.length) setFormError(form, err.message + ' — ' + fieldText(err.fields.lines));
    } else {
      showFormError(form, err);
    }
  }).then(function () { setBusy(form, false); });
}
