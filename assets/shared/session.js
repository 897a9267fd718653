/*
 * raqib shared/session.js: who is signed in, and the views and calls around it that the
 * console and the admin page share: sign in, the password change (forced after an admin
 * reset, or on request), sign out, the top bar (whoami, logout, change-password, lang), and
 * what every caller does with an API error it does not handle itself.
 *
 * The page describes itself once with setupSession(): the hook of its main view ('console',
 * 'app') and of the bar shown with it ('stats', 'overview'), its other views (login-view,
 * password-view, forbidden-view …) and what to do at each step:
 *   signedOut()           the sign-in form is shown (forget the page's data)
 *   session(s, via)       the answer of a login or password change ('login' | 'password')
 *   proceed()             signed in with a good password: open the page
 *   loggingOut()          before the name is forgotten (give back claims, hide secrets)
 *   refused(err) → bool   an error the page explains itself (the admin page's 403s)
 *   fieldsInToasts        error toasts list the fields the server named
 */

import { clear, hook, store } from './dom.js';
import { formatDuration, formatTime, t, toggleLanguage } from './i18n.js';
import { api, ApiError } from './api.js';
import { toast } from './dialogs.js';
import { fieldSummary, setBusy, setFormError } from './forms.js';

/** Why and until when signing in is paused (a 429 from the login). */
function lockedMessage(retryAfter) {
  const seconds = Number(retryAfter) || 60;
  return t('auth.locked', { time: formatDuration(seconds), at: formatTime(Date.now() + seconds * 1000, false) });
}

const USER_KEY = 'raqib.user';

export const account = {
  user: store.get(USER_KEY),       // the name typed at login (the API has no "who am I")
  signedIn: false,
  forcedPassword: false,
};

let page = { main: 'app', bar: 'overview', views: ['login', 'password'], proceed: function () {} };

export function setupSession(description) { page = description; }

/** Remembers the name of who is signed in (in this browser, for the next visit too). */
export function rememberUser(name) {
  account.user = name;
  store.set(USER_KEY, name);
}

/** One view at a time: 'login', 'password', another of page.views, or page.main. */
export function showView(name) {
  page.views.forEach(function (view) { hook(view + '-view').hidden = name !== view; });
  hook(page.main).hidden = name !== page.main;
  const signedIn = name !== 'login';
  hook('logout').hidden = !signedIn;
  hook('change-password').hidden = name !== page.main;
  hook('whoami').hidden = !signedIn || !account.user;
  hook('whoami').textContent = account.user || '';
  hook(page.bar).hidden = name !== page.main;
}

export function showLogin() {
  account.signedIn = false;
  if (page.signedOut) page.signedOut();
  showView('login');
  const form = hook('login');
  form.elements.password.value = '';
  setFormError(form, '');
  window.setTimeout(function () {
    (form.elements.username.value ? form.elements.password : form.elements.username).focus();
  }, 0);
}

export function showPassword(forced) {
  account.forcedPassword = !!forced;
  showView('password');
  const form = hook('password');
  form.reset();
  form.elements.username.value = account.user || '';
  setFormError(form, '');
  hook('password-forced').hidden = !forced;
  hook('password-cancel').hidden = !!forced;
  window.setTimeout(function () { form.elements.current.focus(); }, 0);
}

export function onLogin(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  if (!username || !password) {
    setFormError(form, t('auth.wrong'));
    return;
  }
  setBusy(form, true);
  api('POST', '/api/v1/auth/login', { username: username, password: password }).then(function (session) {
    rememberUser(username);
    if (page.session) page.session(session, 'login');
    form.elements.password.value = '';
    setFormError(form, '');
    if (session && session.must_change_password) showPassword(true);
    else page.proceed();
  }, function (err) {
    if (err.status === 401) setFormError(form, t('auth.wrong'));
    else if (err.status === 429) setFormError(form, lockedMessage(err.retryAfter));
    else setFormError(form, err.message);
    form.elements.password.select();
  }).then(function () { setBusy(form, false); });
}

export function onPassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const current = form.elements.current.value;
  const next = form.elements['new'].value;
  const again = form.elements.confirm.value;
  if (next !== again) { setFormError(form, t('pw.mismatch')); return; }
  if (Array.from(next).length < 10) { setFormError(form, t('pw.short')); return; }
  setBusy(form, true);
  api('POST', '/api/v1/auth/password', { current: current, 'new': next }).then(function (session) {
    form.reset();
    toast(t('pw.done'), 'ok');
    if (page.session) page.session(session, 'password');
    page.proceed();
  }, function (err) {
    if (err.status === 422 && err.fields) {
      const messages = [];
      if (err.fields.current) messages.push(t('pw.badCurrent'));
      if (err.fields['new']) messages.push(t('pw.badNew'));
      setFormError(form, messages.join(' · ') || err.message);
    } else if (err.status === 401) {
      showLogin();
    } else {
      setFormError(form, err.message);
    }
  }).then(function () { setBusy(form, false); });
}

export function onLogout() {
  api('POST', '/api/v1/auth/logout').catch(function () { /* the session is gone either way */ })
    .then(function () {
      if (page.loggingOut) page.loggingOut();
      clear(hook('toast'));
      rememberUser(null);
      showLogin();
    });
}

/**
 * What every caller does with an error it does not handle itself: 401 → sign in again,
 * what the page explains itself (page.refused), otherwise a toast.
 */
export function handleError(err) {
  if (!(err instanceof ApiError)) {
    toast(String(err && err.message || err), 'error');
    if (window.console) window.console.error(err);
    return;
  }
  if (err.status === 401) {
    if (account.signedIn) toast(t('auth.expired'), 'info');
    showLogin();
    return;
  }
  if (page.refused && page.refused(err)) return;
  let message = err.message;
  if (err.status === 429 && err.retryAfter) message += ' — ' + t('error.retry', { time: formatDuration(err.retryAfter) });
  if (err.fields && page.fieldsInToasts) message += ' — ' + fieldSummary(err.fields);
  toast(message, 'error');
}

/** The sign-in and password forms and the top bar's buttons (the page wires password-cancel). */
export function wireAccount() {
  hook('login').addEventListener('submit', onLogin);
  hook('password').addEventListener('submit', onPassword);
  hook('logout').addEventListener('click', onLogout);
  hook('change-password').addEventListener('click', function () { showPassword(false); });
  hook('lang').addEventListener('click', toggleLanguage);
}
