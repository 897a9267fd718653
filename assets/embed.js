/*
 * raqib embed.js: the reader-facing comment widget (plain JavaScript, no dependencies).
 *
 *   <div id="raqib-comments" data-article="ARTICLE-KEY"></div>
 *   <script src="https://raqib.host/embed.js" defer></script>
 *
 * Optional on the div: data-lang="ar|en" (else <html lang>; Arabic by default) and
 * data-api="https://…" (API base, when it is not the script's origin).
 * No cookies, no storage. Server text reaches the page through textContent only.
 */
(function () {
  "use strict";

  const VERSION = "1.0.0";
  const PAGE_SIZE = 50;
  const MAX_DEPTH = 3; // nesting levels shown; deeper replies sit beside their parent

  // == Pure helpers (tested under Node) ==

  /** "ar" or "en": data-lang wins, then <html lang>; Arabic unless English is asked for. */
  function pickLang(dataLang, htmlLang) {
    const d = String(dataLang || "").toLowerCase().slice(0, 2);
    if (d === "en" || d === "ar") return d;
    return String(htmlLang || "").toLowerCase().slice(0, 2) === "en" ? "en" : "ar";
  }

  /** Retry-After (raqib sends seconds) → whole seconds ≥ 1, or null. */
  function parseRetryAfter(value) {
    const n = parseInt(String(value == null ? "" : value).trim(), 10);
    return n >= 0 ? Math.max(1, n) : null;
  }

  // Arabic counted nouns: one, two, 3–10, 11 and more.
  const AR_UNITS = {
    s: ["ثانية واحدة", "ثانيتين", "ثوانٍ", "ثانية"],
    m: ["دقيقة واحدة", "دقيقتين", "دقائق", "دقيقة"]
  };
  const EN_UNITS = { s: "second", m: "minute" };

  /** A wait in words: "3 دقائق", "45 seconds". */
  function duration(seconds, lang) {
    let n = Math.max(1, Math.ceil(seconds));
    let unit = "s";
    if (n >= 90) { n = Math.ceil(n / 60); unit = "m"; }
    if (lang !== "ar") return n + " " + EN_UNITS[unit] + (n === 1 ? "" : "s");
    const f = AR_UNITS[unit];
    return n === 1 ? f[0] : n === 2 ? f[1] : n + " " + (n <= 10 ? f[2] : f[3]);
  }

  /**
   * Where a comment goes: `nodes` maps placed ids to {into, depth}, `into` being the id whose
   * replies hold it (null: top level, also when the parent is not shown).
   */
  function threadTarget(nodes, comment, maxDepth) {
    const p = comment.parent != null ? nodes[comment.parent] : null;
    if (!p) return { into: null, depth: 0 };
    if (p.depth + 1 < maxDepth) return { into: comment.parent, depth: p.depth + 1 };
    return { into: p.into, depth: p.depth };
  }

  /** The urlencoded body of POST /api/v1/comments (a CORS "simple" request). */
  function submissionBody(f) {
    const p = new URLSearchParams();
    p.append("article", f.article);
    if (f.parent) p.append("parent", String(f.parent));
    p.append("name", f.name);
    p.append("email", f.email);
    p.append("body", f.body);
    p.append("website", f.website || "");
    // An empty answer is not sent: the server names the missing field (or, in adaptive
    // mode, may need no code), and the challenge is not burned.
    const answer = String(f.captchaAnswer || "").trim();
    if (f.captchaId && answer) {
      p.append("captcha_id", f.captchaId);
      p.append("captcha_answer", answer);
    }
    if (f.formToken) p.append("form_token", f.formToken);
    return p.toString();
  }

  /** Body as shown: newlines normalized, edges trimmed, long runs of blank lines cut. */
  function displayBody(text) {
    return String(text || "").replace(/\r\n?/g, "\n").trim().replace(/\n{3,}/g, "\n\n");
  }

  function formatTime(iso, lang) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso || "");
    return new Intl.DateTimeFormat(lang, {
      year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit"
    }).format(d);
  }

  const TEXT = {
    ar: {
      title: "التعليقات",
      loading: "جارٍ التحميل…",
      empty: "لا توجد تعليقات بعد، كن أول من يعلّق.",
      loadFailed: "تعذّر تحميل التعليقات.",
      retry: "إعادة المحاولة",
      more: "عرض المزيد من التعليقات",
      reply: "رد",
      report: "إبلاغ",
      reported: "شكرًا لك، سيطّلع المشرفون على البلاغ.",
      gone: "لم يعد هذا التعليق متاحًا.",
      reportFailed: "تعذّر إرسال البلاغ، يرجى المحاولة لاحقًا.",
      formTitle: "أضف تعليقك",
      replyingTo: "ردًا على ",
      cancelReply: "إلغاء الرد",
      required: "حقل إجباري",
      name: "اسم المشترك",
      email: "البريد الإلكتروني",
      emailNote: "البريد الإلكتروني لن يُنشر.",
      body: "نص التعليق",
      captcha: "رمز الأمان",
      answerImage: "اكتب الرموز الظاهرة في الصورة",
      answerText: "اكتب الجواب بالأرقام",
      newCode: "رمز جديد",
      newQuestion: "سؤال آخر",
      toText: "سؤال نصي بدلًا من الصورة",
      toImage: "رمز مصوّر بدلًا من السؤال",
      captchaLoading: "جارٍ تحميل رمز الأمان…",
      captchaFailed: "تعذّر تحميل رمز الأمان، اضغط «رمز جديد».",
      captchaExpired: "انتهت صلاحية رمز الأمان، يرجى إدخال الرمز الجديد.",
      honeypot: "اترك هذا الحقل فارغًا",
      submit: "إرسال التعليق",
      sending: "جارٍ الإرسال…",
      pending: "شكرًا لك، تعليقك بانتظار المراجعة وسيظهر بعد موافقة المشرفين.",
      approved: "شكرًا لك، نُشر تعليقك.",
      fix: "بعض الحقول تحتاج إلى تصحيح.",
      retryIn: "طلبات كثيرة في وقت قصير، يرجى المحاولة بعد {t}.",
      network: "تعذّر الاتصال بالخادم، يرجى المحاولة لاحقًا.",
      generic: "حدث خطأ، يرجى المحاولة لاحقًا."
    },
    en: {
      title: "Comments",
      loading: "Loading…",
      empty: "No comments yet. Be the first to comment.",
      loadFailed: "The comments could not be loaded.",
      retry: "Try again",
      more: "Show more comments",
      reply: "Reply",
      report: "Report",
      reported: "Thank you, the moderators will look at it.",
      gone: "This comment is no longer available.",
      reportFailed: "The report could not be sent; please try again later.",
      formTitle: "Add a comment",
      replyingTo: "Replying to ",
      cancelReply: "Cancel reply",
      required: "required",
      name: "Name",
      email: "Email address",
      emailNote: "Your email address is never published.",
      body: "Comment",
      captcha: "Security code",
      answerImage: "Type the characters shown in the picture",
      answerText: "Type the answer in digits",
      newCode: "New code",
      newQuestion: "Another question",
      toText: "Text question instead of the picture",
      toImage: "Picture code instead of the question",
      captchaLoading: "Loading the security code…",
      captchaFailed: "The security code could not be loaded; press “New code”.",
      captchaExpired: "The security code has expired; please enter the new one.",
      honeypot: "Leave this field empty",
      submit: "Post comment",
      sending: "Sending…",
      pending: "Thank you, your comment awaits moderation and will appear once approved.",
      approved: "Thank you, your comment is published.",
      fix: "Some fields need to be corrected.",
      retryIn: "Too many requests; please try again in {t}.",
      network: "Could not reach the server; please try again later.",
      generic: "Something went wrong; please try again later."
    }
  };

  if (typeof module === "object" && module && module.exports) {
    module.exports = { pickLang, parseRetryAfter, duration, threadTarget, submissionBody, displayBody, formatTime, TEXT };
  }
  if (typeof document === "undefined") return;

  // == In the browser ==

  const script = document.currentScript || document.querySelector('script[src*="/embed.js"]');
  let scriptOrigin = location.origin;
  try { scriptOrigin = new URL(script.src, location.href).origin; } catch (e) { /* keep the page's */ }
  const mounts = [];
  let uid = 0;

  const CSS = `
.raqib-root{--raqib-accent:#0b6e4f;--raqib-line:rgba(127,127,127,.35);--raqib-soft:rgba(127,127,127,.08);--raqib-error:#b3261e;
  position:relative;color:inherit;font:inherit;line-height:1.7;margin:2rem 0;max-width:48rem}
.raqib-root *{box-sizing:border-box}
.raqib-root [hidden]{display:none!important}
.raqib-title{font-size:1.3em;margin:0 0 .75rem}
.raqib-list,.raqib-replies{list-style:none;margin:0;padding:0}
.raqib-comment{border-top:1px solid var(--raqib-line);padding:.75rem 0 .5rem}
.raqib-replies{border-inline-start:2px solid var(--raqib-line);margin-inline-start:.75rem;padding-inline-start:1rem}
.raqib-replies:empty{display:none}
.raqib-replies>.raqib-comment{border-top:0;padding-bottom:0}
.raqib-meta{display:flex;flex-wrap:wrap;align-items:baseline;gap:.1rem .75rem;font-size:.92em}
.raqib-author{font-weight:bold}
.raqib-time{opacity:.7;font-size:.9em}
.raqib-body{margin:.25rem 0;white-space:pre-wrap;overflow-wrap:anywhere;unicode-bidi:plaintext}
.raqib-actions{display:flex;flex-wrap:wrap;gap:1rem;font-size:.88em}
.raqib-link{background:none;border:0;padding:0;color:var(--raqib-accent);font:inherit;text-decoration:underline;cursor:pointer}
.raqib-link:disabled{opacity:.6;cursor:default}
.raqib-note,.raqib-muted{font-size:.88em;opacity:.8;margin:.2rem 0 0}
.raqib-form{background:var(--raqib-soft);border:1px solid var(--raqib-line);border-radius:6px;margin-top:1.5rem;padding:1rem}
.raqib-form h3{font-size:1.1em;margin:0 0 .75rem}
.raqib-field{margin:0 0 .9rem}
.raqib-label,.raqib-captcha legend{display:block;font-weight:bold;margin-bottom:.2rem;padding:0}
.raqib-req{font-size:.85em;font-weight:normal;opacity:.75;margin-inline-start:.4rem}
.raqib-input{display:block;width:100%;padding:.45rem .6rem;background:transparent;color:inherit;font:inherit;
  border:1px solid var(--raqib-line);border-radius:4px}
textarea.raqib-input{min-height:8rem;resize:vertical}
.raqib-input[aria-invalid=true]{border-color:var(--raqib-error)}
.raqib-short{max-width:14rem}
.raqib-error{color:var(--raqib-error);font-size:.9em;margin:.25rem 0 0}
.raqib-captcha{border:0;margin:0 0 .9rem;padding:0}
.raqib-captcha-box{display:flex;flex-wrap:wrap;align-items:center;gap:.5rem 1rem;margin:.3rem 0}
.raqib-captcha-img{display:block;max-width:100%;background:#fff;border:1px solid var(--raqib-line);border-radius:4px}
.raqib-question{font-weight:bold;margin:0}
.raqib-reply-to{display:flex;flex-wrap:wrap;gap:.5rem;background:var(--raqib-soft);border-radius:4px;margin:0 0 .75rem;padding:.4rem .6rem}
.raqib-button{background:var(--raqib-accent);color:#fff;border:1px solid var(--raqib-accent);border-radius:4px;
  padding:.5rem 1.25rem;font:inherit;font-weight:bold;cursor:pointer}
.raqib-button:disabled{opacity:.6;cursor:progress}
.raqib-more{background:transparent;color:var(--raqib-accent);margin:1rem 0}
.raqib-status{border-radius:4px;margin:.75rem 0 0;padding:.5rem .75rem}
.raqib-status:empty{display:none}
.raqib-ok{background:rgba(11,110,79,.12)}
.raqib-bad{background:rgba(179,38,30,.1);color:var(--raqib-error)}
.raqib-hp{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
`;

  function injectStyle() {
    if (document.getElementById("raqib-style")) return;
    const style = document.createElement("style");
    style.id = "raqib-style";
    // Under a nonce-based CSP, the style shares the script's nonce.
    if (script && script.nonce) style.nonce = script.nonce;
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  /** createElement with attributes ("text" sets textContent; true → empty attribute). */
  function h(tag, attrs, children) {
    const el = document.createElement(tag);
    for (const k in attrs || {}) {
      const v = attrs[k];
      if (v == null || v === false) continue;
      if (k === "text") el.textContent = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children || []) {
      if (c) el.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    }
    return el;
  }

  /** A button; `hook` becomes data-raqib. */
  function button(text, hook, cls, type) {
    return h("button", { type: type || "button", class: cls || "raqib-link", "data-raqib": hook, text });
  }

  function mount(root) {
    if (root.hasAttribute("data-raqib-mounted")) return;
    root.setAttribute("data-raqib-mounted", "");
    const article = (root.getAttribute("data-article") || "").trim();
    const lang = pickLang(root.getAttribute("data-lang"), document.documentElement.lang);
    const T = TEXT[lang];
    const base = (root.getAttribute("data-api") || scriptOrigin).replace(/\/+$/, "");
    const p = "raqib-" + (++uid) + "-"; // prefix of element ids
    const st = {
      cursor: null, loading: false, nodes: {}, busy: false, replyTo: null,
      active: false, captchaId: "", kind: "image", seq: 0, stale: false, formToken: ""
    };
    let captchaTimer = 0;

    /** One API call → {status, data, retryAfter}; status 0 when the server is unreachable. */
    function api(method, path, body) {
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

    const list = h("ol", { class: "raqib-list", "data-raqib": "list" });
    const listStatus = h("p", { class: "raqib-muted", "data-raqib": "list-status", "aria-live": "polite" });
    const more = button(T.more, "more", "raqib-button raqib-more"); // also "try again" after a failure
    more.hidden = true;
    root.appendChild(h("section", { "aria-labelledby": p + "title" }, [
      h("h2", { class: "raqib-title", id: p + "title", text: T.title }), list, listStatus, more
    ]));

    // == Form ==

    const errors = {};
    function errorEl(field) {
      errors[field] = h("p", { class: "raqib-error", id: p + field + "-error", "data-raqib-error": field, hidden: true });
      return errors[field];
    }
    function label(forId, text, required) {
      return h("label", { class: "raqib-label", for: forId }, [
        text, required ? h("span", { class: "raqib-req", text: T.required }) : null
      ]);
    }
    function input(tag, name, attrs) {
      return h(tag, Object.assign({ class: "raqib-input", id: p + name, name, "aria-required": "true" }, attrs));
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
    const hpIn = h("input", { id: p + "website", name: "website", type: "text", tabindex: "-1", autocomplete: "off" });
    const captchaIdIn = h("input", { type: "hidden", name: "captcha_id" });
    const captchaImg = h("img", { class: "raqib-captcha-img", "data-raqib": "captcha-image", alt: T.captcha, hidden: true });
    const question = h("p", { class: "raqib-question", id: p + "question", dir: "auto", "data-raqib": "captcha-question", hidden: true });
    const captchaStatus = h("p", { class: "raqib-note", id: p + "captcha-status", "aria-live": "polite" });
    const refreshBtn = button(T.newCode, "captcha-refresh");
    const kindBtn = button(T.toText, "captcha-kind");
    const answerLabel = label(p + "captcha_answer", T.answerImage, false);
    const replyName = h("bdi", { class: "raqib-author" });
    const cancelReply = button(T.cancelReply, "reply-cancel");
    const replyBar = h("div", { class: "raqib-reply-to", "data-raqib": "reply-to", hidden: true }, [
      h("span", null, [T.replyingTo, replyName]), cancelReply
    ]);
    const submitBtn = button(T.submit, "submit", "raqib-button", "submit");
    const status = h("p", { class: "raqib-status", role: "status", "data-raqib": "status" });
    const field = (...children) => h("div", { class: "raqib-field" }, children);

    const form = h("form", { class: "raqib-form", "data-raqib": "form", novalidate: true, "aria-labelledby": p + "form" }, [
      h("h3", { id: p + "form", text: T.formTitle }),
      replyBar, errorEl("parent"),
      field(label(p + "name", T.name, true), nameIn, errorEl("name")),
      field(label(p + "email", T.email, true), emailIn,
        h("p", { class: "raqib-note", id: p + "email-note", text: T.emailNote }), errorEl("email")),
      field(label(p + "body", T.body, true), bodyIn, errorEl("body")),
      h("div", { class: "raqib-hp", "aria-hidden": "true" }, [label(p + "website", T.honeypot, false), hpIn]),
      h("fieldset", { class: "raqib-captcha", "data-raqib": "captcha" }, [
        h("legend", { text: T.captcha }),
        h("div", { class: "raqib-captcha-box" }, [captchaImg, question, refreshBtn, kindBtn]),
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
      const reportNote = h("span", { class: "raqib-muted", "data-raqib": "reported", role: "status", hidden: true });
      const replies = h("ol", { class: "raqib-replies" });
      const li = h("li", { class: "raqib-comment", "data-raqib": "comment", "data-id": c.id }, [
        h("div", { class: "raqib-meta" }, [
          h("bdi", { class: "raqib-author", text: String(c.name || "") }),
          h("time", { class: "raqib-time", datetime: String(c.created_at || ""), text: formatTime(c.created_at, lang) })
        ]),
        h("div", { class: "raqib-body", dir: "auto", text: displayBody(c.body) }),
        h("div", { class: "raqib-actions" }, [replyBtn, reportBtn, reportNote]),
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
      api("GET", "/api/v1/articles/" + encodeURIComponent(article) + "/comments" + q).then((res) => {
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
      api("POST", "/api/v1/comments/" + encodeURIComponent(c.id) + "/report").then((res) => {
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
      api("GET", "/api/v1/captcha" + (st.kind === "text" ? "?kind=text" : "")).then((res) => {
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
      api("GET", "/api/v1/form-token?article=" + encodeURIComponent(article)).then((res) => {
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
      const el = errors[name];
      if (!el) return;
      el.textContent = message || "";
      el.hidden = !message;
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
      api("POST", "/api/v1/comments", body).then((res) => {
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

  function start() {
    const root = document.getElementById("raqib-comments");
    if (!root) return;
    injectStyle();
    mount(root);
  }

  window.raqib = { version: VERSION, reload: () => mounts.forEach((m) => m.reload()) };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
