/*
 * raqib widget/text.js: the reader widget's words (Arabic and English) and its pure helpers:
 * the language, waits in words, where a reply goes in a thread, the body of a posted
 * comment, a comment as shown. No DOM: node can import this module as it is.
 */

/** "ar" or "en": data-lang wins, then <html lang>; Arabic unless English is asked for. */
export function pickLang(dataLang, htmlLang) {
  const d = String(dataLang || "").toLowerCase().slice(0, 2);
  if (d === "en" || d === "ar") return d;
  return String(htmlLang || "").toLowerCase().slice(0, 2) === "en" ? "en" : "ar";
}

/** Retry-After (raqib sends seconds) → whole seconds ≥ 1, or null. */
export function parseRetryAfter(value) {
  const n = parseInt(String(value == null ? "" : value).trim(), 10);
  return n >= 0 ? Math.max(1, n) : null;
}

// Counted nouns by CLDR plural form (Intl.PluralRules): Arabic has six, English two.
const UNITS = {
  ar: {
    s: { zero: "{n} ثانية", one: "ثانية واحدة", two: "ثانيتين", few: "{n} ثوانٍ", many: "{n} ثانية", other: "{n} ثانية" },
    m: { zero: "{n} دقيقة", one: "دقيقة واحدة", two: "دقيقتين", few: "{n} دقائق", many: "{n} دقيقة", other: "{n} دقيقة" },
    c: { zero: "{n} حرف", one: "حرف واحد", two: "حرفان", few: "{n} أحرف", many: "{n} حرفاً", other: "{n} حرف" }
  },
  en: {
    s: { one: "{n} second", other: "{n} seconds" },
    m: { one: "{n} minute", other: "{n} minutes" },
    c: { one: "{n} character", other: "{n} characters" }
  }
};

/** `n` of a unit ("s", "m", "c") in words, by the language's plural rules. */
export function counted(n, unit, lang) {
  const forms = UNITS[lang === "ar" ? "ar" : "en"][unit];
  let form = n === 1 ? "one" : "other";
  try { form = new Intl.PluralRules(lang).select(n); } catch (e) { /* old browser: one/other */ }
  return (forms[form] || forms.other).replace("{n}", new Intl.NumberFormat(lang).format(n));
}

/** A wait in words: "3 دقائق", "45 seconds". */
export function duration(seconds, lang) {
  const n = Math.max(1, Math.ceil(seconds));
  return n >= 90 ? counted(Math.ceil(n / 60), "m", lang) : counted(n, "s", lang);
}

/** Characters as a reader counts them (grapheme clusters, as the server does). */
export function graphemes(text) {
  const s = String(text || "");
  if (typeof Intl.Segmenter === "function") {
    let n = 0;
    for (const _ of new Intl.Segmenter().segment(s)) n++; // eslint-disable-line no-unused-vars
    return n;
  }
  return Array.from(s).length;
}

/** The body counter: "120 / 5,000", or how many characters are left or too many. */
export function countText(n, max, lang) {
  const fmt = (x) => new Intl.NumberFormat(lang).format(x);
  if (n > max) return (lang === "ar" ? "زائد بمقدار " : "Over by ") + counted(n - max, "c", lang);
  if (n > max * 0.9) return (lang === "ar" ? "بقي " : "") + counted(max - n, "c", lang) + (lang === "ar" ? "" : " left");
  return fmt(n) + " / " + fmt(max);
}

/**
 * Where a comment goes: `nodes` maps placed ids to {into, depth}, `into` being the id whose
 * replies hold it (null: top level, also when the parent is not shown).
 */
export function threadTarget(nodes, comment, maxDepth) {
  const p = comment.parent != null ? nodes[comment.parent] : null;
  if (!p) return { into: null, depth: 0 };
  if (p.depth + 1 < maxDepth) return { into: comment.parent, depth: p.depth + 1 };
  return { into: p.into, depth: p.depth };
}

/** The urlencoded body of POST /api/v1/comments (a CORS "simple" request). */
export function submissionBody(f) {
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
export function displayBody(text) {
  return String(text || "").replace(/\r\n?/g, "\n").trim().replace(/\n{3,}/g, "\n\n");
}

/** A comment's time: "12 نوفمبر 2026، 09:30". */
export function commentTime(iso, lang) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return String(iso || "");
  return new Intl.DateTimeFormat(lang, {
    year: "numeric", month: "long", day: "numeric", hour: "2-digit", minute: "2-digit"
  }).format(d);
}

export const TEXT = {
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
    originRefused: "لا يسمح خادم التعليقات لهذا الموقع ({origin}) بعرض التعليقات. على مسؤول الموقع إضافته إلى allowed_origins في إعدادات رقيب.",
    closed: "التعليقات مغلقة على هذا المقال.",
    awaiting: "بانتظار المراجعة",
    onlyYou: "تراه أنت وحدك حتى يوافق عليه المشرفون.",
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
    originRefused: "The comment server does not allow this site ({origin}) to show comments. The site's administrator must add it to allowed_origins in raqib's settings.",
    closed: "Comments are closed on this article.",
    awaiting: "Waiting for review",
    onlyYou: "Only you can see it until the moderators approve it.",
    generic: "Something went wrong; please try again later."
  }
};
