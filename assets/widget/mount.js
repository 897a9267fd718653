/*
 * raqib widget/mount.js: the reader widget itself: the comment list (threads up to three
 * levels, "show more"), reporting a comment, replying, and the form: name, email, body, the
 * security code (picture or text question, fetched once the form is near) and the form
 * token; errors beside their fields (aria-invalid, focus on the first), a status line, and
 * a fresh code after one was spent.
 *
 * Server text reaches the page through textContent only; no cookies (credentials 'omit'),
 * no storage. Every call is a CORS "simple" request (GET, or a urlencoded POST), so host
 * pages need no preflight. Hooks for tests: data-raqib="list|comment|form|status|…" and
 * data-raqib-error="name|email|body|captcha|parent|other".
 */

import { el } from '../shared/dom.js';
import {
  commentTime, displayBody, duration, parseRetryAfter, pickLang, submissionBody, TEXT, threadTarget,
} from './text.js';

const PAGE_SIZE = 50;
const MAX_DEPTH = 3; // nesting levels shown; deeper replies sit beside their parent

const mounts = [];
let uid = 0;

/** Loads every mounted widget's comments again (window.raqib.reload). */
export function reloadMounts() {
  mounts.forEach(function (m) { m.reload(); });
}

/** A button; `hook` becomes data-raqib. */
function button(text, hook, cls, type) {
  return el("button", { type: type || "button", class: cls || "raqib-link", "data-raqib": hook, text });
}

/**
 * Draws the widget in `root` (the host's <div id="raqib-comments" data-article …>) and loads
 * its comments. `origin` is where embed.js came from: the API's base unless data-api says
 * otherwise.
 */
export function mount(root, origin) {
  if (root.hasAttribute("data-raqib-mounted")) return;
  root.setAttribute("data-raqib-mounted", "");
  const article = (root.getAttribute("data-article") || "").trim();
  const lang = pickLang(root.getAttribute("data-lang"), document.documentElement.lang);
  const T = TEXT[lang];
  const base = (root.getAttribute("data-api") || origin).replace(/\/+$/, "");
  const p = "raqib-" + (++uid) + "-"; // prefix of element ids
  const st = {
    cursor: null, loading: false, nodes: {}, busy: false, replyTo: null,
    active: false, captchaId: "", kind: "image", seq: 0, stale: false, formToken: ""
  };
  let captchaTimer = 0;

  /** One API call → {status, data, retryAfter}; status 0 when the server is unreachable. */
  function call(method, path, body) {
    const headers = { "Accept": "application/json", "Accept-Language": lang };
    if (body != null) headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8";
    return fetch(base + path, { method, headers, body, credentials: "omit" }).then(
      (res) => res.text().then((text) => {
        let data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { /* not JSON (a proxy page) */ }
        return { status: res.status, data, retryAfter: parseRetryAfter(res.headers.get("Retry-After")) };
      }),
      () => ({ status: 0, data: null, retryAfter: null })
    );
  }

  const errorOf = (res) => (res.data && res.data.error) || {};

  /** The message for a failed call: ours when we know the wait, else the server's. */
  function failText(res) {
    const err = errorOf(res);
    if (res.status === 0) return T.network;
    if (res.status === 429 && res.retryAfter) return T.retryIn.replace("{t}", duration(res.retryAfter, lang));
    return err.message || T.generic;
  }

  // == Skeleton ==

  root.textContent = "";
  root.classList.add("raqib-root");
  root.setAttribute("lang", lang);
  root.setAttribute("dir", lang === "ar" ? "rtl" : "ltr");

  const list = el("ol", { class: "raqib-list", "data-raqib": "list" });
  const listStatus = el("p", { class: "raqib-muted", "data-raqib": "list-status", "aria-live": "polite" });
  const more = button(T.more, "more", "raqib-button raqib-more"); // also "try again" after a failure
  more.hidden = true;
  root.appendChild(el("section", { "aria-labelledby": p + "title" }, [
    el("h2", { class: "raqib-title", id: p + "title", text: T.title }), list, listStatus, more
  ]));

  // == Form ==

  const errors = {};
  function errorEl(field) {
    errors[field] = el("p", { class: "raqib-error", id: p + field + "-error", "data-raqib-error": field, hidden: true });
    return errors[field];
  }
  function label(forId, text, required) {
    return el("label", { class: "raqib-label", for: forId }, [
      text, required ? el("span", { class: "raqib-req", text: T.required }) : null
    ]);
  }
  function input(tag, name, attrs) {
    return el(tag, Object.assign({ class: "raqib-input", id: p + name, name, "aria-required": "true" }, attrs));
  }

  const nameIn = input("input", "name", { type: "text", autocomplete: "name", dir: "auto", "aria-describedby": p + "name-error" });
  const emailIn = input("input", "email", {
    type: "email", autocomplete: "email", dir: "ltr", "aria-describedby": p + "email-note " + p + "email-error"
  });
  const bodyIn = input("textarea", "body", { rows: 6, dir: "auto", "aria-describedby": p + "body-error" });
  const answerIn = input("input", "captcha_answer", {
    class: "raqib-input raqib-short", type: "text", autocomplete: "off", autocapitalize: "off",
    spellcheck: "false", dir: "ltr", "aria-describedby": [p + "question", p + "captcha-status", p + "captcha-error"].join(" ")
  });
  // The honeypot: out of sight and out of the tab order; people leave it empty.
  const hpIn = el("input", { id: p + "website", name: "website", type: "text", tabindex: "-1", autocomplete: "off" });
  const captchaIdIn = el("input", { type: "hidden", name: "captcha_id" });
  const captchaImg = el("img", { class: "raqib-captcha-img", "data-raqib": "captcha-image", alt: T.captcha, hidden: true });
  const question = el("p", { class: "raqib-question", id: p + "question", dir: "auto", "data-raqib": "captcha-question", hidden: true });
  const captchaStatus = el("p", { class: "raqib-note", id: p + "captcha-status", "aria-live": "polite" });
  const refreshBtn = button(T.newCode, "captcha-refresh");
  const kindBtn = button(T.toText, "captcha-kind");
  const answerLabel = label(p + "captcha_answer", T.answerImage, false);
  const replyName = el("bdi", { class: "raqib-author" });
  const cancelReply = button(T.cancelReply, "reply-cancel");
  const replyBar = el("div", { class: "raqib-reply-to", "data-raqib": "reply-to", hidden: true }, [
    el("span", null, [T.replyingTo, replyName]), cancelReply
  ]);
  const submitBtn = button(T.submit, "submit", "raqib-button", "submit");
  const status = el("p", { class: "raqib-status", role: "status", "data-raqib": "status" });
  const field = (...children) => el("div", { class: "raqib-field" }, children);

  const form = el("form", { class: "raqib-form", "data-raqib": "form", novalidate: true, "aria-labelledby": p + "form" }, [
    el("h3", { id: p + "form", text: T.formTitle }),
    replyBar, errorEl("parent"),
    field(label(p + "name", T.name, true), nameIn, errorEl("name")),
    field(label(p + "email", T.email, true), emailIn,
      el("p", { class: "raqib-note", id: p + "email-note", text: T.emailNote }), errorEl("email")),
    field(label(p + "body", T.body, true), bodyIn, errorEl("body")),
    el("div", { class: "raqib-hp", "aria-hidden": "true" }, [label(p + "website", T.honeypot, false), hpIn]),
    el("fieldset", { class: "raqib-captcha", "data-raqib": "captcha" }, [
      el("legend", { text: T.captcha }),
      el("div", { class: "raqib-captcha-box" }, [captchaImg, question, refreshBtn, kindBtn]),
      captchaStatus, answerLabel, answerIn, errorEl("captcha"), captchaIdIn
    ]),
    submitBtn,
    errorEl("other"), // errors of fields the form does not show (article, website …)
    status
  ]);
  root.appendChild(form);

  // == Comments ==

  function place(c) {
    if (!c || typeof c.id !== "number" || st.nodes[c.id]) return;
    const at = threadTarget(st.nodes, c, MAX_DEPTH);
    const replyBtn = button(T.reply, "reply");
    const reportBtn = button(T.report, "report");
    const reportNote = el("span", { class: "raqib-muted", "data-raqib": "reported", role: "status", hidden: true });
    const replies = el("ol", { class: "raqib-replies" });
    const li = el("li", { class: "raqib-comment", "data-raqib": "comment", "data-id": c.id }, [
      el("div", { class: "raqib-meta" }, [
        el("bdi", { class: "raqib-author", text: String(c.name || "") }),
        el("time", { class: "raqib-time", datetime: String(c.created_at || ""), text: commentTime(c.created_at, lang) })
      ]),
      el("div", { class: "raqib-body", dir: "auto", text: displayBody(c.body) }),
      el("div", { class: "raqib-actions" }, [replyBtn, reportBtn, reportNote]),
      replies
    ]);
    replyBtn.addEventListener("click", () => startReply(c));
    reportBtn.addEventListener("click", () => report(c, reportBtn, reportNote));
    (at.into == null ? list : st.nodes[at.into].replies).appendChild(li);
    st.nodes[c.id] = { into: at.into, depth: at.depth, replies };
  }

  function loadPage() {
    if (st.loading) return;
    st.loading = true;
    more.disabled = true;
    listStatus.textContent = T.loading;
    const q = "?limit=" + PAGE_SIZE + (st.cursor ? "&cursor=" + encodeURIComponent(st.cursor) : "");
    call("GET", "/api/v1/articles/" + encodeURIComponent(article) + "/comments" + q).then((res) => {
      st.loading = false;
      more.disabled = false;
      const d = res.data;
      if (res.status !== 200 || !d || !Array.isArray(d.comments)) {
        listStatus.textContent = res.status === 429 || res.status === 0 ? failText(res) : T.loadFailed;
        more.textContent = T.retry;
        more.hidden = false;
        return;
      }
      d.comments.forEach(place);
      st.cursor = d.next_cursor || null;
      more.textContent = T.more;
      more.hidden = !st.cursor;
      listStatus.textContent = Object.keys(st.nodes).length ? "" : T.empty;
    });
  }

  function reload() {
    list.textContent = "";
    st.nodes = {};
    st.cursor = null;
    more.hidden = true;
    loadPage();
  }

  more.addEventListener("click", loadPage);

  function report(c, btn, note) {
    btn.disabled = true;
    // No body (the reason is optional), so no CORS preflight either.
    call("POST", "/api/v1/comments/" + encodeURIComponent(c.id) + "/report").then((res) => {
      note.hidden = false;
      const done = res.status >= 200 && res.status < 300;
      btn.hidden = done || res.status === 404;
      btn.disabled = false;
      note.textContent = done ? T.reported : res.status === 404 ? T.gone
        : res.status === 429 || res.status === 0 ? failText(res) : T.reportFailed;
    });
  }

  // == Replying ==

  function startReply(c) {
    st.replyTo = c.id;
    replyName.textContent = String(c.name || "");
    replyBar.hidden = false;
    showError("parent", "");
    activate();
    bodyIn.focus();
  }

  function endReply() {
    st.replyTo = null;
    replyName.textContent = "";
    replyBar.hidden = true;
  }
  cancelReply.addEventListener("click", () => { endReply(); showError("parent", ""); bodyIn.focus(); });

  // == Security code and form token, fetched once the form is near ==

  function loadCaptcha(retries) {
    const seq = ++st.seq;
    clearTimeout(captchaTimer);
    st.captchaId = captchaIdIn.value = answerIn.value = question.textContent = "";
    st.stale = false;
    captchaImg.removeAttribute("src");
    captchaImg.hidden = question.hidden = true;
    captchaStatus.textContent = T.captchaLoading;
    call("GET", "/api/v1/captcha" + (st.kind === "text" ? "?kind=text" : "")).then((res) => {
      if (seq !== st.seq) return; // a newer request took over
      const d = res.data;
      if (res.status !== 200 || !d || typeof d.id !== "string") {
        if (res.status === 503 && (retries || 0) < 3) { // the pool is empty: wait and retry
          captchaTimer = setTimeout(() => loadCaptcha((retries || 0) + 1), (res.retryAfter || 1) * 1000);
          return;
        }
        captchaStatus.textContent = res.status === 429 ? failText(res) : T.captchaFailed;
        return;
      }
      st.captchaId = captchaIdIn.value = d.id;
      if (typeof d.image === "string" && d.image.indexOf("data:image/") === 0) {
        captchaImg.src = d.image;
        captchaImg.hidden = false;
      } else {
        question.textContent = String(d.question || "");
        question.hidden = false;
      }
      captchaStatus.textContent = "";
      // An expired code is replaced when the reader comes back to the form, not by a timer.
      const ttl = Number(d.expires_in) > 0 ? Number(d.expires_in) : 600;
      captchaTimer = setTimeout(() => { st.stale = true; }, Math.max(5, ttl - 5) * 1000);
    });
  }

  function setKind(kind) {
    const text = (st.kind = kind) === "text";
    kindBtn.textContent = text ? T.toImage : T.toText;
    refreshBtn.textContent = text ? T.newQuestion : T.newCode;
    answerLabel.textContent = text ? T.answerText : T.answerImage;
  }

  function newCode() {
    showError("captcha", "");
    if (st.active) loadCaptcha();
    else activate();
    answerIn.focus();
  }
  refreshBtn.addEventListener("click", newCode);
  kindBtn.addEventListener("click", () => { setKind(st.kind === "text" ? "image" : "text"); newCode(); });

  function loadFormToken() {
    st.formToken = "";
    call("GET", "/api/v1/form-token?article=" + encodeURIComponent(article)).then((res) => {
      if (res.status === 200 && res.data && typeof res.data.token === "string") {
        st.formToken = res.data.token;
      }
    });
  }

  /** First contact with the form: a code and a form token (not on every page view). */
  function activate() {
    if (st.active || !article) return;
    st.active = true;
    loadCaptcha();
    loadFormToken();
  }

  form.addEventListener("focusin", (ev) => {
    if (!st.active) activate();
    else if (st.stale && ev.target !== submitBtn) loadCaptcha();
  });
  if (typeof IntersectionObserver === "function") {
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) { io.disconnect(); activate(); }
    }, { rootMargin: "300px 0px" });
    io.observe(form);
  } else {
    activate();
  }

  // == Submitting ==

  const inputs = { name: nameIn, email: emailIn, body: bodyIn, captcha: answerIn };

  function showError(name, message) {
    const slot = errors[name];
    if (!slot) return;
    slot.textContent = message || "";
    slot.hidden = !message;
    if (!inputs[name]) return;
    if (message) inputs[name].setAttribute("aria-invalid", "true");
    else inputs[name].removeAttribute("aria-invalid");
  }

  function setStatus(text, kind) {
    status.textContent = text || "";
    status.className = "raqib-status" + (kind ? " raqib-" + kind : "");
  }

  function succeed(res) {
    const d = res.data || {};
    const published = d.status === "approved";
    setStatus(published ? T.approved : T.pending, "ok");
    if (published && typeof d.id === "number") {
      place({ id: d.id, parent: st.replyTo, name: nameIn.value.trim(), body: bodyIn.value, created_at: new Date().toISOString() });
      listStatus.textContent = "";
    }
    bodyIn.value = ""; // name and email stay, in this form only
    endReply();
    loadCaptcha();
    loadFormToken();
  }

  function fail(res, sentCode) {
    const err = errorOf(res);
    let focus = null;
    if (err.code === "validation_failed" && err.fields && typeof err.fields === "object") {
      const other = [];
      for (const name of Object.keys(err.fields)) {
        const msg = (err.fields[name] && err.fields[name].message) || T.fix;
        if (errors[name] && name !== "other") {
          showError(name, msg);
        } else {
          other.push(msg);
        }
      }
      showError("other", other.join(" "));
      setStatus(err.message || T.fix, "bad");
      focus = ["name", "email", "body", "captcha"].filter((n) => err.fields[n]).map((n) => inputs[n])[0];
    } else if (err.code === "captcha_invalid" || err.code === "captcha_required") {
      showError("captcha", err.message || T.captchaFailed);
      setStatus(T.fix, "bad");
      if (!st.captchaId) loadCaptcha();
      focus = answerIn;
    } else {
      setStatus(failText(res), "bad");
    }
    // The code is spent once the server has checked it: show a fresh one.
    if (sentCode && (/^(captcha_invalid|content_blocked)$/.test(err.code) || res.status >= 500)) loadCaptcha();
    if (focus) focus.focus();
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (st.busy) return; // no double post
    Object.keys(errors).forEach((name) => showError(name, ""));
    setStatus("", "");
    activate();
    if (st.stale) {
      loadCaptcha();
      showError("captcha", T.captchaExpired);
      answerIn.focus();
      return;
    }
    const sentCode = !!(st.captchaId && answerIn.value.trim());
    const body = submissionBody({
      article, parent: st.replyTo, name: nameIn.value, email: emailIn.value, body: bodyIn.value,
      website: hpIn.value, captchaId: st.captchaId, captchaAnswer: answerIn.value, formToken: st.formToken
    });
    st.busy = submitBtn.disabled = true;
    submitBtn.textContent = T.sending;
    form.setAttribute("aria-busy", "true");
    call("POST", "/api/v1/comments", body).then((res) => {
      st.busy = false;
      submitBtn.disabled = false;
      submitBtn.textContent = T.submit;
      form.removeAttribute("aria-busy");
      if (res.status >= 200 && res.status < 300) succeed(res);
      else fail(res, sentCode);
    });
  });

  if (!article) {
    listStatus.textContent = T.loadFailed; // the host forgot data-article
    form.hidden = true;
    return;
  }
  mounts.push({ reload });
  loadPage();
}
