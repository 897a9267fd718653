/*
 * raqib shared/dialogs.js: the messages and questions of the console and the admin page.
 *
 *   toast()          a message in data-raqib="toast" (ok, info or error; an optional button)
 *   confirmDialog()  a yes/no question in the <dialog data-raqib="confirm-dialog">, with
 *                    confirm-title, confirm-text, confirm-yes and confirm-no inside it
 *   openDialog(), closeDialog()  any <dialog> (the console's ban dialog too)
 *
 * Where the focus goes when a dialog closes: back where it was before the question, unless
 * the page says otherwise with setDialogReturn() (the console focuses its selected item).
 */

import { append, el, hook } from './dom.js';
import { language, t } from './i18n.js';

/**
 * Shows a message. kind: 'ok' | 'info' | 'error'. options.action: {label, run} adds a button;
 * options.sticky keeps it until dismissed. Returns the function that removes it.
 */
export function toast(message, kind, options) {
  options = options || {};
  const area = hook('toast');
  const lang = language();
  const box = el('div', { class: 'toast toast-' + (kind || 'info'), 'data-kind': kind || 'info',
    role: kind === 'error' ? 'alert' : 'status', lang: lang, dir: lang === 'ar' ? 'rtl' : 'ltr' });
  append(box, el('span', { class: 'toast-text', text: message }));
  if (options.action) {
    const button = el('button', { type: 'button', class: 'toast-action', text: options.action.label });
    button.addEventListener('click', function () { remove(); options.action.run(); });
    box.appendChild(button);
  }
  const close = el('button', { type: 'button', class: 'toast-close', 'aria-label': t('toast.close'), text: '×' });
  close.addEventListener('click', remove);
  box.appendChild(close);
  area.appendChild(box);
  while (area.children.length > 5) area.removeChild(area.firstChild);
  let timer = null;
  if (!options.sticky) timer = window.setTimeout(remove, kind === 'error' || options.action ? 10000 : 5000);
  function remove() {
    if (timer) window.clearTimeout(timer);
    if (box.parentNode) box.parentNode.removeChild(box);
  }
  return remove;
}

let returnFocus = null;

/** The page's own idea of where the focus goes after a dialog (null: where it was). */
export function setDialogReturn(focus) { returnFocus = focus; }

export function openDialog(dialog, focus) {
  if (typeof dialog.showModal === 'function') {
    if (!dialog.open) dialog.showModal();
  } else dialog.setAttribute('open', '');
  if (focus) window.setTimeout(function () { focus.focus(); }, 0);
}

/** Closes a dialog; the focus goes to the page's choice, else back to `back` if still there. */
export function closeDialog(dialog, back) {
  if (typeof dialog.close === 'function' && dialog.open) dialog.close();
  else dialog.removeAttribute('open');
  if (returnFocus) returnFocus();
  else if (back && back.focus && document.contains(back)) back.focus();
}

let confirmResolve = null;
let confirmReturn = null;

/** Asks a yes/no question; resolves true for yes. */
export function confirmDialog(title, text, yes) {
  const dialog = hook('confirm-dialog');
  hook('confirm-title').textContent = title;
  hook('confirm-text').textContent = text;
  hook('confirm-yes').textContent = yes;
  confirmReturn = document.activeElement;
  return new Promise(function (resolve) {
    confirmResolve = resolve;
    openDialog(dialog, hook('confirm-no'));
  });
}

export function finishConfirm(answer) {
  const resolve = confirmResolve;
  confirmResolve = null;
  closeDialog(hook('confirm-dialog'), confirmReturn);
  if (resolve) resolve(answer);
}

/** The confirm dialog's buttons (and Escape, which answers no). */
export function wireConfirm() {
  const dialog = hook('confirm-dialog');
  hook('confirm-yes').addEventListener('click', function () { finishConfirm(true); });
  hook('confirm-no').addEventListener('click', function () { finishConfirm(false); });
  dialog.addEventListener('cancel', function (event) { event.preventDefault(); finishConfirm(false); });
}
