/*
 * raqib shared/forms.js: the forms of the console and the admin page: a form's message
 * (data-raqib="form-error" inside it), a field's message (data-error-for="name", with
 * aria-invalid on the field), busy forms, numbers typed in, and the API's field errors as text.
 */

import { $, $all } from './dom.js';
import { ltr, t, tOr } from './i18n.js';

export function setFormError(form, message) {
  const box = $('[data-raqib="form-error"]', form);
  if (!box) return;
  box.textContent = message || '';
  box.hidden = !message;
}

export function clearFieldErrors(form) {
  $all('[data-error-for]', form).forEach(function (n) { n.textContent = ''; n.hidden = true; });
  $all('[aria-invalid="true"]', form).forEach(function (n) { n.removeAttribute('aria-invalid'); });
  setFormError(form, '');
}

/** Marks a field invalid and shows its message; false when the form has no place for it. */
export function setFieldError(form, name, message) {
  const slot = $('[data-error-for="' + name + '"]', form);
  const input = form.elements[name];
  if (input && input.setAttribute) input.setAttribute('aria-invalid', 'true');
  if (slot) {
    slot.textContent = message;
    slot.hidden = false;
    return true;
  }
  return false;
}

/** Disables a form's controls while a call runs (and enables again only those it disabled). */
export function setBusy(form, busy) {
  $all('button, input, select, textarea', form).forEach(function (c) {
    if (busy) {
      if (!c.disabled) { c.disabled = true; c.setAttribute('data-busy', ''); }
    } else if (c.hasAttribute('data-busy')) {
      c.disabled = false;
      c.removeAttribute('data-busy');
    }
  });
  form.setAttribute('aria-busy', busy ? 'true' : 'false');
}

/** Reads a number input: null when empty, NaN when not a number. */
export function numberOf(input) {
  const raw = String(input.value || '').trim();
  if (!raw) return null;
  return Number(raw);
}

/**
 * One field error as text: its message (in the page's language) and, when the server says
 * more, the technical detail (a regex engine's words, a term as written), labelled as such
 * and isolated left to right when it is Latin text.
 */
export function fieldText(f) {
  if (!f) return '';
  const detail = f.detail ? String(f.detail) : '';
  const shown = /[\u0600-\u06FF]/.test(detail) ? detail : ltr(detail);
  return (f.message || f.code || '') + (detail ? ' — ' + t('error.detail', { detail: shown }) : '');
}

/** Every field error as "field: message · field: message" ('field.NAME' words name them). */
export function fieldSummary(fields) {
  return Object.keys(fields || {}).map(function (name) {
    return tOr('field.' + name, name) + ': ' + fieldText(fields[name]);
  }).join(' · ');
}
