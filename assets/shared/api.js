/*
 * raqib shared/api.js: calls to raqib's API from the console and the admin page.
 *
 * Every call is a same-origin fetch with the session cookie `raqib_session`
 * (credentials 'same-origin', never cached). There is no CSRF token to send: the browser
 * adds the Origin header to state-changing calls and the server refuses a foreign one.
 * Bodies are JSON (or raw text/plain for the term import); the page's language goes in
 * Accept-Language so the server's messages come back in it.
 *
 * A refused call rejects with an ApiError read from the JSON error envelope
 * {"error": {"code", "message", "fields"?, "current"?}}; an unreachable server gives
 * status 0 and code 'network'.
 */

import { language, t } from './i18n.js';

export function ApiError(status, body, retryAfter, method) {
  const err = (body && body.error) || {};
  this.status = status;
  this.method = method;
  this.code = err.code || (status === 0 ? 'network' : 'http_' + status);
  this.message = err.message || (status === 0 ? t('error.network') : 'HTTP ' + status);
  this.fields = err.fields || null;
  this.current = err.current === undefined ? undefined : err.current;
  this.retryAfter = retryAfter ? Number(retryAfter) : null;
}

/**
 * One API call; resolves with the JSON body (null for 204), rejects with an ApiError.
 * options.text sends a raw text/plain body instead of JSON; options.keepalive lets the call
 * outlive the page (a claim given back as the page goes away).
 */
export function api(method, path, body, options) {
  options = options || {};
  const headers = { 'Accept': 'application/json', 'Accept-Language': language() };
  const init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
  if (options.keepalive) init.keepalive = true;
  if (options.text !== undefined) {
    headers['Content-Type'] = 'text/plain; charset=utf-8';
    init.body = options.text;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  return window.fetch(path, init).then(function (res) {
    return res.text().then(function (text) {
      let data = null;
      if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
      if (res.ok) return data;
      throw new ApiError(res.status, data, res.headers.get('Retry-After'), method);
    });
  }, function () {
    throw new ApiError(0, null, null, method);
  });
}

/** "?a=1&b=x" from the parameters that have a value ("" when none has). */
export function query(params) {
  const p = new URLSearchParams();
  Object.keys(params).forEach(function (k) {
    const v = params[k];
    if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  });
  const s = p.toString();
  return s ? '?' + s : '';
}
