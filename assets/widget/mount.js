/*
 * raqib widget/mount.js: the reader widget itself: the comment list (threads up to three
 * levels, "show more"), reporting a comment, replying, and the form: name, email, body, the
 * security code (picture or text question, fetched once the form is near, and only when the
 * server will ask for one) and the form token; errors beside their fields (aria-invalid,
 * focus on the first), a status line that takes the focus after posting, a character
 * counter, and a fresh code after one was spent. A reply form opens under the comment it
 * answers; a closed article shows that comments are closed instead of the form; the
 * reader's own comments awaiting review stay visible to them (widget/own.js).
 *
 * Server text reaches the page through textContent only; no cookies (credentials 'omit');
 * localStorage only for the reader's own pending comments. Every call is a CORS "simple"
 * request (GET, or a urlencoded POST), so host pages need no preflight. When a call fails
 * without an answer, a no-cors probe tells a server that is down from one that refuses
 * this page's origin (`allowed_origins`), and the widget says which. Hooks for tests: data-raqib="list|comment|form|status|…" and
 * data-raqib-error="name|email|body|captcha|parent|other".
 */

import { el } from '../shared/dom.js';
import {
  commentTime, countText, displayBody, duration, graphemes, parseRetryAfter, pickLang, submissionBody, TEXT,
  threadTarget,
} from './text.js';
import { forgetPending, keepPending, ownPending } from './own.js';

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
    active: false, captchaId: "", kind: "image", seq: 0, stale: false, formToken: "",
    // What the server said with the first page: whether it asks for a code ("always",
    // "adaptive": only once it answers 428, "off"), the longest body, closed comments.
    captchaMode: "always", captchaShown: true, bodyMax: 5000, closed: false, own: {}, refused: false
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

  /**
   * A call that got no answer: is the server down, or does it refuse this page's origin?
   * A no-cors request reaches a running server whatever its CORS rules (the answer is
   * opaque), so if it succeeds the server is up and the origin is what it refuses.
   */
  function probeOrigin() {
    return fetch(base + "/healthz", { mode: "no-cors", credentials: "omit", cache: "no-store" }).then(
      () => { st.refused = true; }, () => { st.refused = false; });
  }

  /** The message for a failed call: ours when we know the wait, else the server's. */
  function failText(res) {
    const err = errorOf(res);
    if (res.status === 0) return st.refused ? T.originRefused.replace("{origin}", location.origin) : T.network;
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
  const bodyIn = input("textarea", "body", { rows: 6, dir: "auto", "aria-describedby": p + "count " + p + "body-error" });
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
  const status = el("p", { class: "raqib-status", role: "status", tabindex: "-1", "data-raqib": "status" });
  const counter = el("p", { class: "raqib-note raqib-count", id: p + "count", "data-raqib": "count", "aria-live": "off" });
  const closedNote = el("p", { class: "raqib-closed", "data-raqib": "closed", role: "status", tabindex: "-1", hidden: true, text: T.closed });
  const field = (...children) => el("div", { class: "raqib-field" }, children);

  let captchaBox = null;
  const form = el("form", { class: "raqib-form", "data-raqib": "form", novalidate: true, "aria-labelledby": p + "form" }, [
    el("h3", { id: p + "form", text: T.formTitle }),
    replyBar, errorEl("parent"),
    field(label(p + "name", T.name, true), nameIn, errorEl("name")),
    field(label(p + "email", T.email, true), emailIn,
      el("p", { class: "raqib-note", id: p + "email-note", text: T.emailNote }), errorEl("email")),
    field(label(p + "body", T.body, true), bodyIn, counter, errorEl("body")),
    el("div", { class: "raqib-hp", "aria-hidden": "true" }, [label(p + "website", T.honeypot, false), hpIn]),
    captchaBox = el("fieldset", { class: "raqib-captcha", "data-raqib": "captcha" }, [
      el("legend", { text: T.captcha }),
      el("div", { class: "raqib-captcha-box" }, [captchaImg, question, refreshBtn, kindBtn]),
      captchaStatus, answerLabel, answerIn, errorEl("captcha"), captchaIdIn
    ]),
    submitBtn,
    errorEl("other"), // errors of fields the form does not show (article, website …)
    status
  ]);
  root.appendChild(closedNote);
  root.appendChild(form);

  // == What the server says about the form ==

  /** Applies the first page's word on the form: closed, the code, the body's limit. */
  function formRules(d) {
    if (d.closed === true) setClosed();
    if (d.captcha === "off" || d.captcha === "adaptive" || d.captcha === "always") st.captchaMode = d.captcha;
    if (Number(d.body_max) > 0) st.bodyMax = Number(d.body_max);
    showCaptcha(st.captchaMode === "always" || st.captchaShown && st.captchaMode !== "off" && !!st.captchaId);
    updateCount();
  }

  function showCaptcha(on) {
    st.captchaShown = on;
    captchaBox.hidden = !on;
  }

  function setClosed() {
    st.closed = true;
    form.hidden = true;
    closedNote.hidden = false;
  }

  function updateCount() {
    const n = graphemes(bodyIn.value);
    counter.textContent = countText(n, st.bodyMax, lang);
    // Said aloud only near the limit, not at every key.
    counter.setAttribute("aria-live", n > st.bodyMax * 0.9 ? "polite" : "off");
    counter.classList.toggle("raqib-over", n > st.bodyMax);
  }
  bodyIn.addEventListener("input", updateCount);
  updateCount();

  // == Comments ==

  function place(c) {
    if (!c || typeof c.id !== "number" || st.nodes[c.id]) return;
    if (st.own[c.id]) { // published since: the author's pending copy gives way
      st.own[c.id].remove();
      delete st.own[c.id];
      forgetPending(article, c.id);
    }
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
    replyBtn.addEventListener("click", () => startReply(c, li, replies));
    reportBtn.addEventListener("click", () => report(c, reportBtn, reportNote));
    (at.into == null ? list : st.nodes[at.into].replies).appendChild(li);
    st.nodes[c.id] = { into: at.into, depth: at.depth, replies };
  }

  /** One of the reader's own comments awaiting review, seen only in their browser. */
  function placeOwn(c) {
    if (st.nodes[c.id] || st.own[c.id]) return;
    const li = el("li", { class: "raqib-comment raqib-own", "data-raqib": "own-pending", "data-id": c.id }, [
      el("div", { class: "raqib-meta" }, [
        el("bdi", { class: "raqib-author", text: String(c.name || "") }),
        el("span", { class: "raqib-badge", text: T.awaiting })
      ]),
      el("div", { class: "raqib-body", dir: "auto", text: displayBody(c.body) }),
      el("p", { class: "raqib-note", text: T.onlyYou })
    ]);
    const parent = c.parent != null ? st.nodes[c.parent] : null;
    (parent ? parent.replies : list).appendChild(li);
    st.own[c.id] = li;
  }

  /** Shows the reader's kept comments, then asks whether each still awaits review. */
  function showOwn() {
    ownPending(article).forEach((c) => {
      if (st.nodes[c.id]) { forgetPending(article, c.id); return; }
      placeOwn(c);
      const q = "?receipt=" + encodeURIComponent(c.receipt || "");
      call("GET", "/api/v1/comments/" + encodeURIComponent(c.id) + "/status" + q).then((res) => {
        const now = res.status === 200 && res.data ? res.data.status : res.status === 404 ? "removed" : "";
        if (now === "published") {
          place({ id: c.id, parent: c.parent, name: c.name, body: c.body, created_at: c.created_at });
        } else if (now === "removed") {
          if (st.own[c.id]) { st.own[c.id].remove(); delete st.own[c.id]; }
          forgetPending(article, c.id);
        }
        listStatus.textContent = Object.keys(st.nodes).length || Object.keys(st.own).length ? "" : T.empty;
      });
    });
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
        const shown = () => {
          listStatus.textContent = res.status === 429 || res.status === 0 ? failText(res) : T.loadFailed;
          more.textContent = T.retry;
          more.hidden = false;
        };
        if (res.status === 0) probeOrigin().then(shown); else shown();
        return;
      }
      const first = !st.cursor;
      if (first) formRules(d);
      d.comments.forEach(place);
      if (first) showOwn();
      st.cursor = d.next_cursor || null;
      more.textContent = T.more;
      more.hidden = !st.cursor;
      listStatus.textContent = Object.keys(st.nodes).length || Object.keys(st.own).length ? "" : T.empty;
    });
  }

  function reload() {
    list.textContent = "";
    st.nodes = {};
    st.own = {};
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

  /** Opens the form under the comment it answers (before that comment's replies). */
  function startReply(c, li, replies) {
    if (st.closed) return;
    st.replyTo = c.id;
    replyName.textContent = String(c.name || "");
    replyBar.hidden = false;
    li.insertBefore(form, replies);
    form.classList.add("raqib-form-reply");
    showError("parent", "");
    activate();
    bodyIn.focus();
  }

  /** Back to a new comment, the form at its place below the list. */
  function endReply() {
    st.replyTo = null;
    replyName.textContent = "";
    replyBar.hidden = true;
    form.classList.remove("raqib-form-reply");
    if (form.parentNode !== root) root.appendChild(form);
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
    if (st.captchaMode === "always") loadCaptcha();
    loadFormToken();
  }

  form.addEventListener("focusin", (ev) => {
    if (!st.active) activate();
    else if (st.stale && st.captchaShown && ev.target !== submitBtn) loadCaptcha();
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
    if (typeof d.id === "number") {
      const mine = { id: d.id, parent: st.replyTo, name: nameIn.value.trim(), body: bodyIn.value, created_at: new Date().toISOString() };
      if (published) {
        place(mine);
      } else {
        keepPending(article, Object.assign({ receipt: String(d.receipt || "") }, mine));
        placeOwn(mine);
      }
      listStatus.textContent = "";
    }
    bodyIn.value = ""; // name and email stay, in this form only
    updateCount();
    endReply();
    if (st.captchaShown) loadCaptcha();
    loadFormToken();
    status.focus(); // the result, not the top of the page, has the focus
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
      showCaptcha(true); // adaptive mode: the server asks only now
      showError("captcha", err.message || T.captchaFailed);
      setStatus(T.fix, "bad");
      if (!st.captchaId) loadCaptcha();
      focus = answerIn;
    } else if (err.code === "comments_closed") {
      setClosed();
      closedNote.focus();
    } else {
      setStatus(failText(res), "bad");
    }
    // The code is spent once the server has checked it: show a fresh one.
    if (sentCode && (/^(captcha_invalid|content_blocked)$/.test(err.code) || res.status >= 500)) loadCaptcha();
    if (focus) focus.focus();
    else if (!st.closed) status.focus();
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (st.busy) return; // no double post
    Object.keys(errors).forEach((name) => showError(name, ""));
    setStatus("", "");
    activate();
    if (st.stale && st.captchaShown) {
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
      else if (res.status === 0) probeOrigin().then(() => fail(res, sentCode));
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
