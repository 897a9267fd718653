/*
 * raqib moderator console (/moderate).
 *
 * Plain JavaScript, no framework, no build step. The page is served under a strict
 * Content-Security-Policy, so this file never uses innerHTML, inline handlers, inline
 * style attributes or eval: every node is made with createElement/textContent and every
 * handler with addEventListener.
 *
 * It talks to the moderation API (DESIGN §3) with the session cookie `raqib_session`
 * (same-origin fetch; the server checks Origin on state-changing calls):
 *   auth        POST /api/v1/auth/login | /logout | /password
 *   queue       GET  /api/v1/moderation/queue
 *   decisions   POST /api/v1/moderation/comments/{id}/decision, POST /api/v1/moderation/decisions
 *   claims      POST /api/v1/moderation/claims, POST .../comments/{id}/claim, DELETE .../claims/{id}
 *   safety      POST /api/v1/moderation/bans, POST|DELETE .../articles/{article}/closed
 *   numbers     GET  /api/v1/moderation/stats, GET /api/v1/moderation/audit
 *
 * The filter's hit spans are UTF-8 byte offsets into the field as submitted;
 * `byteIndex()` turns them into JavaScript (UTF-16) string indices.
 *
 * Hooks for browser tests: see the data-raqib attributes in moderate.html and below.
 */
(function () {
  'use strict';

  /* ------------------------------------------------------------------ *
   * Pure helpers (no DOM): byte spans → string indices → segments.     *
   * ------------------------------------------------------------------ */

  // Shared with the admin page (spans.js, loaded first).
  const { utf8Length, byteIndex, spanToRange, segmentText, FAMILY } = window.raqibSpans;


  /* ------------------------------------------------------------------ *
   * Words (Arabic default, English).                                    *
   * ------------------------------------------------------------------ */

  const WORDS = {
    ar: {
      'app.title': 'رقيب · لوحة الإشراف',
      'lang.other': 'English',
      'auth.legend': 'تسجيل الدخول',
      'auth.username': 'اسم المستخدم',
      'auth.password': 'كلمة المرور',
      'auth.login': 'دخول',
      'auth.logout': 'خروج',
      'auth.change': 'تغيير كلمة المرور',
      'auth.wrong': 'اسم المستخدم أو كلمة المرور غير صحيحة',
      'auth.expired': 'انتهت الجلسة، يرجى تسجيل الدخول من جديد',
      'pw.legend': 'تغيير كلمة المرور',
      'pw.forced': 'يجب اختيار كلمة مرور جديدة قبل المتابعة.',
      'pw.current': 'كلمة المرور الحالية',
      'pw.new': 'كلمة المرور الجديدة',
      'pw.confirm': 'تأكيد كلمة المرور الجديدة',
      'pw.hint': 'عشرة أحرف على الأقل، وليست حرفاً واحداً مكرراً.',
      'pw.save': 'حفظ',
      'pw.cancel': 'إلغاء',
      'pw.mismatch': 'كلمتا المرور الجديدتان غير متطابقتين',
      'pw.short': 'كلمة المرور الجديدة قصيرة جداً (عشرة أحرف على الأقل)',
      'pw.badCurrent': 'كلمة المرور الحالية غير صحيحة',
      'pw.badNew': 'كلمة المرور الجديدة لا تصلح: عشرة أحرف على الأقل، وليست حرفاً واحداً مكرراً',
      'pw.done': 'تم تغيير كلمة المرور',
      'filters.legend': 'تصفية الطابور',
      'filters.status': 'الحالة',
      'filters.class': 'التصنيف',
      'filters.anyClass': 'كل التصنيفات',
      'filters.article': 'المقال',
      'filters.articlePh': 'معرّف المقال',
      'filters.q': 'بحث في النص',
      'filters.qPh': 'كلمة أو عبارة',
      'filters.reported': 'المبلَّغ عنها فقط',
      'filters.sort': 'الترتيب',
      'filters.apply': 'عرض',
      'filters.author': 'الكاتب',
      'filters.clearAuthor': 'إزالة تصفية الكاتب',
      'sort.oldest': 'الأقدم أولاً',
      'sort.newest': 'الأحدث أولاً',
      'sort.score': 'الأعلى درجة',
      'status.pending': 'قيد المراجعة',
      'status.approved': 'منشور',
      'status.rejected': 'مرفوض',
      'status.spam': 'سبام',
      'status.blocked': 'محجوب',
      'status.any': 'الكل',
      'class.ok': 'سليم',
      'class.hold': 'مشتبه به',
      'class.spam': 'سبام',
      'class.block': 'محظور',
      'action.approve': 'نشر',
      'action.reject': 'رفض',
      'action.spam': 'سبام',
      'action.ham': 'ليس سبام',
      'done.approve': 'نُشر التعليق',
      'done.reject': 'رُفض التعليق',
      'done.spam': 'عُلّم التعليق سبام',
      'done.ham': 'أُعيد التعليق إلى المراجعة',
      'reason.none': 'بلا سبب',
      'reason.insult': 'إساءة',
      'reason.hate': 'كراهية',
      'reason.off_topic': 'خارج الموضوع',
      'reason.spam': 'إعلان/سبام',
      'reason.personal_data': 'بيانات شخصية',
      'reason.legal': 'مخالفة قانونية',
      'reason.duplicate': 'مكرر',
      'reason.label': 'السبب',
      'op.claim': 'حجز',
      'op.release': 'إلغاء الحجز',
      'op.history': 'سجل الكاتب',
      'op.log': 'سجل الإجراءات',
      'op.ban': 'حظر الكاتب',
      'op.closeArticle': 'إغلاق التعليقات على المقال',
      'op.filterArticle': 'عرض تعليقات هذا المقال',
      'op.override': 'قرِّر على أي حال',
      'op.reopen': 'إعادة فتح',
      'item.select': 'تحديد التعليق',
      'item.reports': 'بلاغات: {n}',
      'item.replyTo': 'ردّ على #{id}',
      'item.claimedBy': 'محجوز لـ {who} حتى {time}',
      'item.claimedByMe': 'محجوز لك حتى {time}',
      'item.decidedBy': '{status} بواسطة {who}',
      'item.score': 'الدرجة',
      'item.ip': 'العنوان',
      'item.byEmail': 'هذا البريد',
      'item.byIp': 'هذا العنوان',
      'item.hist': '{a} منشور · {r} مرفوض · {s} سبام',
      'item.note': 'ملاحظة',
      'hits.title': 'أسباب التعليم',
      'hits.none': 'لم يجد المرشح شيئاً',
      'hits.shadow': 'تجريبي',
      'hits.forces': 'يفرض: {class}',
      'hits.field': 'في: {field}',
      'field.body': 'النص',
      'field.name': 'الاسم',
      'field.email': 'البريد',
      'field.website': 'الموقع',
      'field.meta': 'السياق',
      'cat.profanity': 'بذاءة', 'cat.insult': 'إهانة', 'cat.hate': 'كراهية', 'cat.identity': 'هوية',
      'cat.spam_phrase': 'عبارة إعلانية', 'cat.contact': 'وسيلة تواصل', 'cat.link': 'رابط',
      'cat.domain_block': 'نطاق محظور', 'cat.domain_allow': 'نطاق موثوق', 'cat.phone': 'رقم هاتف',
      'cat.disposable_email': 'بريد مؤقت', 'cat.obfuscation': 'تمويه', 'cat.repetition': 'تكرار',
      'cat.duplicate': 'تعليق مكرر', 'cat.honeypot': 'فخ الروبوتات', 'cat.timing': 'سرعة الإرسال',
      'cat.reputation': 'سمعة الكاتب', 'cat.rule': 'قاعدة',
      'history.title': 'تعليقات هذا البريد (الأحدث أولاً)',
      'history.empty': 'لا تعليقات أخرى',
      'history.this': 'هذا التعليق',
      'history.all': 'عرض الكل في الطابور',
      'log.title': 'سجل الإجراءات على هذا التعليق',
      'log.empty': 'لا إجراءات بعد',
      'panel.close': 'إغلاق',
      'bulk.selectAll': 'تحديد الكل',
      'bulk.selected': 'المحدد: {n}',
      'bulk.legend': 'على المحدد',
      'bulk.result': '{ok} تم · {conflict} سبقك إليها زميل · {missing} غير موجودة',
      'claim.count': 'عدد',
      'claim.button': 'احجز دفعة',
      'claim.none': 'لا تعليقات متاحة للحجز الآن',
      'claim.got': 'حُجزت لك {n} تعليقات لخمس دقائق',
      'claim.one': 'حُجز التعليق لك لخمس دقائق',
      'claim.released': 'أُلغي الحجز',
      'batch.banner': 'دفعتك المحجوزة: {n}',
      'batch.exit': 'العودة إلى الطابور',
      'batch.next': 'احجز الدفعة التالية',
      'queue.refresh': 'تحديث',
      'queue.more': 'المزيد',
      'queue.empty': 'لا توجد تعليقات هنا',
      'queue.loading': 'جارٍ التحميل…',
      'queue.label': 'طابور التعليقات',
      'conflict.gone': 'لم يعد هذا التعليق موجوداً',
      'conflict.moved': 'سبقك إليه {who}: أصبح «{status}»',
      'conflict.colleague': 'زميل',
      'conflict.claimed': '{who} يراجع هذا التعليق الآن (محجوز حتى {time})',
      'conflict.notMove': 'لا يمكن هذا الإجراء لتعليق حالته «{status}»',
      'conflict.claimTaken': 'هذا التعليق محجوز لـ {who} حتى {time}',
      'notAllowed': 'هذا الإجراء غير متاح لتعليق حالته «{status}»',
      'ban.title': 'حظر الكاتب',
      'ban.reason': 'سبب الحظر',
      'ban.reasonPh': 'مثلاً: إعلانات متكررة',
      'ban.duration': 'المدة',
      'ban.forever': 'دائم',
      'ban.days': '{n} يوم',
      'ban.markSpam': 'تعليم كل تعليقاته قيد المراجعة سبام',
      'ban.network': 'حظر الشبكة كلها (IPv6 /64)',
      'ban.confirm': 'حظر',
      'ban.cancel': 'إلغاء',
      'ban.done': 'حُظر: {labels}',
      'ban.marked': '، وعُلّم {n} من تعليقاته سبام',
      'close.title': 'إغلاق التعليقات',
      'close.text': 'لن يُقبل أي تعليق جديد على المقال «{article}». هل تريد المتابعة؟',
      'close.confirm': 'إغلاق التعليقات',
      'close.done': 'أُغلقت التعليقات على «{article}»',
      'close.reopened': 'أُعيد فتح التعليقات على «{article}»',
      'stats.pending': 'قيد المراجعة: {n}',
      'stats.held': 'مشتبه به: {n}',
      'stats.spam': 'سبام: {n}',
      'stats.oldest': 'أقدمها: {age}',
      'stats.mine': 'قراراتك اليوم: {n}',
      'stats.flood': 'تحت حماية الإغراق: {list}',
      'toast.close': 'إغلاق',
      'error.network': 'تعذّر الاتصال بالخادم، تحقق من الشبكة وأعد المحاولة',
      'error.retry': 'أعد المحاولة بعد {n} ثانية',
      'keys.title': 'اختصارات لوحة المفاتيح',
      'keys.jk': 'j / k: التالي / السابق',
      'keys.ars': 'a نشر · r رفض · s سبام · h ليس سبام',
      'keys.x': 'x: تحديد/إلغاء تحديد · Shift+A / Shift+R / Shift+S: على كل المحدد',
      'keys.other': 'b حظر الكاتب · c حجز · u سجل الكاتب · / بحث · . تحديث · ? هذه القائمة',
      'you': 'أنت',
    },
    en: {
      'app.title': 'raqib · moderation',
      'lang.other': 'العربية',
      'auth.legend': 'Sign in',
      'auth.username': 'Username',
      'auth.password': 'Password',
      'auth.login': 'Sign in',
      'auth.logout': 'Sign out',
      'auth.change': 'Change password',
      'auth.wrong': 'Wrong username or password',
      'auth.expired': 'Your session has ended; please sign in again',
      'pw.legend': 'Change password',
      'pw.forced': 'You must choose a new password before going on.',
      'pw.current': 'Current password',
      'pw.new': 'New password',
      'pw.confirm': 'Repeat the new password',
      'pw.hint': 'At least ten characters, not one character repeated.',
      'pw.save': 'Save',
      'pw.cancel': 'Cancel',
      'pw.mismatch': 'The two new passwords differ',
      'pw.short': 'The new password is too short (at least ten characters)',
      'pw.badCurrent': 'The current password is wrong',
      'pw.badNew': 'The new password will not do: at least ten characters, not one character repeated',
      'pw.done': 'Password changed',
      'filters.legend': 'Queue filters',
      'filters.status': 'Status',
      'filters.class': 'Class',
      'filters.anyClass': 'Any class',
      'filters.article': 'Article',
      'filters.articlePh': 'article key',
      'filters.q': 'Search text',
      'filters.qPh': 'word or phrase',
      'filters.reported': 'Reported only',
      'filters.sort': 'Order',
      'filters.apply': 'Show',
      'filters.author': 'Author',
      'filters.clearAuthor': 'Remove the author filter',
      'sort.oldest': 'Oldest first',
      'sort.newest': 'Newest first',
      'sort.score': 'Highest score',
      'status.pending': 'Pending',
      'status.approved': 'Approved',
      'status.rejected': 'Rejected',
      'status.spam': 'Spam',
      'status.blocked': 'Blocked',
      'status.any': 'All',
      'class.ok': 'ok',
      'class.hold': 'hold',
      'class.spam': 'spam',
      'class.block': 'block',
      'action.approve': 'Approve',
      'action.reject': 'Reject',
      'action.spam': 'Spam',
      'action.ham': 'Not spam',
      'done.approve': 'Approved',
      'done.reject': 'Rejected',
      'done.spam': 'Marked spam',
      'done.ham': 'Back to pending',
      'reason.none': 'No reason',
      'reason.insult': 'Insult',
      'reason.hate': 'Hate',
      'reason.off_topic': 'Off topic',
      'reason.spam': 'Advertising',
      'reason.personal_data': 'Personal data',
      'reason.legal': 'Legal',
      'reason.duplicate': 'Duplicate',
      'reason.label': 'Reason',
      'op.claim': 'Claim',
      'op.release': 'Release',
      'op.history': 'Author history',
      'op.log': 'Activity',
      'op.ban': 'Ban author',
      'op.closeArticle': 'Close comments on the article',
      'op.filterArticle': 'Show this article\'s comments',
      'op.override': 'Decide anyway',
      'op.reopen': 'Reopen',
      'item.select': 'Select comment',
      'item.reports': '{n} reports',
      'item.replyTo': 'reply to #{id}',
      'item.claimedBy': 'claimed by {who} until {time}',
      'item.claimedByMe': 'claimed by you until {time}',
      'item.decidedBy': '{status} by {who}',
      'item.score': 'score',
      'item.ip': 'IP',
      'item.byEmail': 'this email',
      'item.byIp': 'this IP',
      'item.hist': '{a} approved · {r} rejected · {s} spam',
      'item.note': 'Note',
      'hits.title': 'Why it was flagged',
      'hits.none': 'The filter found nothing',
      'hits.shadow': 'shadow',
      'hits.forces': 'forces: {class}',
      'hits.field': 'in: {field}',
      'field.body': 'text',
      'field.name': 'name',
      'field.email': 'email',
      'field.website': 'website',
      'field.meta': 'context',
      'cat.profanity': 'profanity', 'cat.insult': 'insult', 'cat.hate': 'hate', 'cat.identity': 'identity',
      'cat.spam_phrase': 'spam phrase', 'cat.contact': 'contact handle', 'cat.link': 'link',
      'cat.domain_block': 'blocked domain', 'cat.domain_allow': 'trusted domain', 'cat.phone': 'phone number',
      'cat.disposable_email': 'disposable email', 'cat.obfuscation': 'obfuscation', 'cat.repetition': 'repetition',
      'cat.duplicate': 'duplicate', 'cat.honeypot': 'honeypot', 'cat.timing': 'timing',
      'cat.reputation': 'reputation', 'cat.rule': 'rule',
      'history.title': 'Comments from this email (newest first)',
      'history.empty': 'No other comments',
      'history.this': 'this one',
      'history.all': 'Show all in the queue',
      'log.title': 'Activity on this comment',
      'log.empty': 'No activity yet',
      'panel.close': 'Close',
      'bulk.selectAll': 'Select all',
      'bulk.selected': '{n} selected',
      'bulk.legend': 'With the selected',
      'bulk.result': '{ok} done · {conflict} already decided by a colleague · {missing} not found',
      'claim.count': 'Count',
      'claim.button': 'Claim a batch',
      'claim.none': 'Nothing to claim right now',
      'claim.got': '{n} comments are yours for five minutes',
      'claim.one': 'This comment is yours for five minutes',
      'claim.released': 'Claim released',
      'batch.banner': 'Your claimed batch: {n}',
      'batch.exit': 'Back to the queue',
      'batch.next': 'Claim the next batch',
      'queue.refresh': 'Refresh',
      'queue.more': 'Load more',
      'queue.empty': 'No comments here',
      'queue.loading': 'Loading…',
      'queue.label': 'Comment queue',
      'conflict.gone': 'This comment no longer exists',
      'conflict.moved': '{who} got there first: it is now “{status}”',
      'conflict.colleague': 'A colleague',
      'conflict.claimed': '{who} is looking at this one (claimed until {time})',
      'conflict.notMove': 'That is not possible for a comment that is “{status}”',
      'conflict.claimTaken': 'Claimed by {who} until {time}',
      'notAllowed': 'That action is not available for a comment that is “{status}”',
      'ban.title': 'Ban the author',
      'ban.reason': 'Reason',
      'ban.reasonPh': 'e.g. repeated advertising',
      'ban.duration': 'Duration',
      'ban.forever': 'Permanent',
      'ban.days': '{n} days',
      'ban.markSpam': 'Mark all their pending comments spam',
      'ban.network': 'Ban the whole network (IPv6 /64)',
      'ban.confirm': 'Ban',
      'ban.cancel': 'Cancel',
      'ban.done': 'Banned: {labels}',
      'ban.marked': '; {n} of their comments marked spam',
      'close.title': 'Close comments',
      'close.text': 'No new comment will be accepted on “{article}”. Go on?',
      'close.confirm': 'Close comments',
      'close.done': 'Comments closed on “{article}”',
      'close.reopened': 'Comments reopened on “{article}”',
      'stats.pending': 'Pending: {n}',
      'stats.held': 'held: {n}',
      'stats.spam': 'Spam: {n}',
      'stats.oldest': 'oldest: {age}',
      'stats.mine': 'Your decisions today: {n}',
      'stats.flood': 'Flood guard on: {list}',
      'toast.close': 'Dismiss',
      'error.network': 'Could not reach the server; check the network and try again',
      'error.retry': 'try again in {n} s',
      'keys.title': 'Keyboard shortcuts',
      'keys.jk': 'j / k: next / previous',
      'keys.ars': 'a approve · r reject · s spam · h not spam',
      'keys.x': 'x: select / unselect · Shift+A / Shift+R / Shift+S: on every selected one',
      'keys.other': 'b ban the author · c claim · u author history · / search · . refresh · ? this list',
      'you': 'you',
    },
  };

  const REASONS = ['insult', 'hate', 'off_topic', 'spam', 'personal_data', 'legal', 'duplicate'];
  const ACTIONS = ['approve', 'reject', 'spam', 'ham'];
  // Which statuses each action may start from (src/http/moderation.rs, Action::rule).
  const MOVES = {
    approve: ['pending', 'spam', 'rejected'],
    reject: ['pending', 'approved'],
    spam: ['pending', 'approved'],
    ham: ['spam'],
  };
  const STATUSES = ['pending', 'approved', 'rejected', 'spam', 'blocked', 'any'];
  const CLASSES = ['ok', 'hold', 'spam', 'block'];
  const PAGE_SIZE = 50;

  /* ------------------------------------------------------------------ *
   * State.                                                              *
   * ------------------------------------------------------------------ */

  const store = {
    get: function (key) { try { return window.localStorage.getItem(key); } catch (e) { return null; } },
    set: function (key, value) {
      try {
        if (value === null || value === undefined) window.localStorage.removeItem(key);
        else window.localStorage.setItem(key, value);
      } catch (e) { /* private mode: keep it in memory only */ }
    },
  };

  const state = {
    lang: store.get('raqib.lang') === 'en' ? 'en' : 'ar',
    user: store.get('raqib.user'),       // the name typed at login (the API has no "who am I")
    forcedPassword: false,
    filters: readFiltersFromUrl(),
    mode: 'queue',                      // 'queue' or 'batch' (claimed items)
    batchStatus: 'pending',             // the status the batch was claimed from
    items: new Map(),                   // id → queue entry
    order: [],                          // ids in display order
    nodes: new Map(),                   // id → element
    notices: new Map(),                 // id → {text, override} shown inside the item
    checked: new Set(),
    selected: null,
    nextCursor: null,
    loading: false,
    seq: 0,
    signedIn: false,
  };

  function readFiltersFromUrl() {
    const p = new URLSearchParams(window.location.search);
    const status = p.get('status');
    const cls = p.get('class');
    const sort = p.get('sort');
    return {
      status: STATUSES.indexOf(status) >= 0 ? status : 'pending',
      class: CLASSES.indexOf(cls) >= 0 ? cls : '',
      article: p.get('article') || '',
      q: p.get('q') || '',
      reported: p.get('reported') === 'true',
      sort: ['oldest', 'newest', 'score'].indexOf(sort) >= 0 ? sort : 'oldest',
      email: p.get('email') || '',
    };
  }

  function writeFiltersToUrl() {
    const f = state.filters;
    const p = new URLSearchParams();
    if (f.status !== 'pending') p.set('status', f.status);
    if (f.class) p.set('class', f.class);
    if (f.article) p.set('article', f.article);
    if (f.q) p.set('q', f.q);
    if (f.reported) p.set('reported', 'true');
    if (f.sort !== 'oldest') p.set('sort', f.sort);
    if (f.email) p.set('email', f.email);
    const query = p.toString();
    const url = window.location.pathname + (query ? '?' + query : '');
    try { window.history.replaceState(null, '', url); } catch (e) { /* ignore */ }
  }

  /* ------------------------------------------------------------------ *
   * Small DOM and text helpers.                                         *
   * ------------------------------------------------------------------ */

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function hook(name) { return $('[data-raqib="' + name + '"]'); }

  /** createElement with attributes (never `style`, never HTML) and children (strings become text). */
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (key) {
        const value = attrs[key];
        if (value === undefined || value === null || value === false) return;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else node.setAttribute(key, value === true ? '' : String(value));
      });
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === undefined || children === null || children === false) return node;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      node.appendChild(typeof child === 'string' || typeof child === 'number'
        ? document.createTextNode(String(child)) : child);
    });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /** A word in the current language, with {name} placeholders filled in. */
  function t(key, vars) {
    const words = WORDS[state.lang];
    let text = Object.prototype.hasOwnProperty.call(words, key) ? words[key]
      : (WORDS.en[key] !== undefined ? WORDS.en[key] : key);
    if (vars) {
      text = text.replace(/\{(\w+)\}/g, function (m, name) {
        return vars[name] === undefined ? m : String(vars[name]);
      });
    }
    return text;
  }

  function locale() { return state.lang === 'ar' ? 'ar' : 'en-GB'; }

  function listSeparator() { return state.lang === 'ar' ? '، ' : ', '; }

  function formatNumber(n, digits) {
    try {
      return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits === undefined ? 2 : digits }).format(n);
    } catch (e) { return String(n); }
  }

  function formatTime(iso, withDate) {
    const d = new Date(iso);
    if (isNaN(d.getTime())) return String(iso || '');
    try {
      return new Intl.DateTimeFormat(locale(), withDate === false
        ? { hour: '2-digit', minute: '2-digit' }
        : { dateStyle: 'medium', timeStyle: 'short' }).format(d);
    } catch (e) { return d.toLocaleString(); }
  }

  function formatAge(seconds) {
    const units = [['day', 86400], ['hour', 3600], ['minute', 60], ['second', 1]];
    for (let i = 0; i < units.length; i++) {
      if (Math.abs(seconds) >= units[i][1] || i === units.length - 1) {
        const value = Math.round(seconds / units[i][1]);
        try {
          return new Intl.RelativeTimeFormat(locale(), { numeric: 'auto', style: 'short' }).format(-value, units[i][0]);
        } catch (e) { return value + ' ' + units[i][0]; }
      }
    }
    return '';
  }

  function ago(iso) {
    const ms = Date.now() - new Date(iso).getTime();
    return isNaN(ms) ? '' : formatAge(Math.max(0, Math.round(ms / 1000)));
  }

  /* ------------------------------------------------------------------ *
   * Toasts (data-raqib="toast").                                        *
   * ------------------------------------------------------------------ */

  /**
   * Shows a message. kind: 'ok' | 'info' | 'error'. options.action: {label, run} adds a button;
   * options.sticky keeps it until dismissed.
   */
  function toast(message, kind, options) {
    options = options || {};
    const area = hook('toast');
    const box = el('div', { class: 'toast toast-' + (kind || 'info'), 'data-kind': kind || 'info',
      role: kind === 'error' ? 'alert' : 'status', lang: state.lang, dir: state.lang === 'ar' ? 'rtl' : 'ltr' });
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

  /* ------------------------------------------------------------------ *
   * The API.                                                            *
   * ------------------------------------------------------------------ */

  function ApiError(status, body, retryAfter) {
    const err = (body && body.error) || {};
    this.status = status;
    this.code = err.code || (status === 0 ? 'network' : 'http_' + status);
    this.message = err.message || (status === 0 ? t('error.network') : 'HTTP ' + status);
    this.fields = err.fields || null;
    this.current = err.current === undefined ? undefined : err.current;
    this.retryAfter = retryAfter ? Number(retryAfter) : null;
  }

  /** One API call; resolves with the JSON body (null for 204), rejects with an ApiError. */
  function api(method, path, body, keepalive) {
    const headers = { 'Accept': 'application/json', 'Accept-Language': state.lang };
    const init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
    if (keepalive) init.keepalive = true;
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return window.fetch(path, init).then(function (res) {
      return res.text().then(function (text) {
        let data = null;
        if (text) { try { data = JSON.parse(text); } catch (e) { data = null; } }
        if (res.ok) return data;
        throw new ApiError(res.status, data, res.headers.get('Retry-After'));
      });
    }, function () {
      throw new ApiError(0, null, null);
    });
  }

  /**
   * What every caller does with an error it does not handle itself: 401 → sign in again,
   * 403 on a read while signed in → the forced password change, otherwise a toast.
   */
  function handleError(err) {
    if (!(err instanceof ApiError)) {
      toast(String(err && err.message || err), 'error');
      if (window.console) window.console.error(err);
      return;
    }
    if (err.status === 401) {
      if (state.signedIn) toast(t('auth.expired'), 'info');
      showLogin();
      return;
    }
    let message = err.message;
    if (err.status === 429 && err.retryAfter) message += ' — ' + t('error.retry', { n: err.retryAfter });
    toast(message, 'error');
  }

  /* ------------------------------------------------------------------ *
   * Views: sign in, password change, console.                           *
   * ------------------------------------------------------------------ */

  function showView(name) {
    hook('login-view').hidden = name !== 'login';
    hook('password-view').hidden = name !== 'password';
    hook('console').hidden = name !== 'console';
    const signedIn = name !== 'login';
    hook('logout').hidden = !signedIn;
    hook('change-password').hidden = name !== 'console';
    hook('whoami').hidden = !signedIn || !state.user;
    hook('whoami').textContent = state.user || '';
    hook('stats').hidden = name !== 'console';
  }

  function showLogin() {
    state.signedIn = false;
    stopStatsTimer();
    resetQueue();
    showView('login');
    const form = hook('login');
    form.elements.password.value = '';
    setFormError(form, '');
    window.setTimeout(function () {
      (form.elements.username.value ? form.elements.password : form.elements.username).focus();
    }, 0);
  }

  function showPassword(forced) {
    state.forcedPassword = !!forced;
    showView('password');
    const form = hook('password');
    form.reset();
    form.elements.username.value = state.user || '';
    setFormError(form, '');
    hook('password-forced').hidden = !forced;
    hook('password-cancel').hidden = !!forced;
    window.setTimeout(function () { form.elements.current.focus(); }, 0);
  }

  function showConsole() {
    state.signedIn = true;
    showView('console');
    syncFilterForm();
  }

  function setFormError(form, message) {
    const box = $('[data-raqib="form-error"]', form);
    box.textContent = message;
    box.hidden = !message;
  }

  function onLogin(event) {
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
      state.user = username;
      store.set('raqib.user', username);
      form.elements.password.value = '';
      setFormError(form, '');
      if (session && session.must_change_password) {
        showPassword(true);
      } else {
        enterConsole();
      }
    }, function (err) {
      if (err.status === 401) setFormError(form, t('auth.wrong'));
      else if (err.status === 429) setFormError(form, err.message + (err.retryAfter ? ' — ' + t('error.retry', { n: err.retryAfter }) : ''));
      else setFormError(form, err.message);
      form.elements.password.select();
    }).then(function () { setBusy(form, false); });
  }

  function onPassword(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const current = form.elements.current.value;
    const next = form.elements['new'].value;
    const again = form.elements.confirm.value;
    if (next !== again) { setFormError(form, t('pw.mismatch')); return; }
    if (Array.from(next).length < 10) { setFormError(form, t('pw.short')); return; }
    setBusy(form, true);
    api('POST', '/api/v1/auth/password', { current: current, 'new': next }).then(function () {
      form.reset();
      toast(t('pw.done'), 'ok');
      enterConsole();
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

  function onLogout() {
    api('POST', '/api/v1/auth/logout').catch(function () { /* the session is gone either way */ })
      .then(function () {
        releaseBatch();
        clear(hook('toast'));
        state.user = null;
        store.set('raqib.user', null);
        showLogin();
      });
  }

  function setBusy(form, busy) {
    $all('button, input', form).forEach(function (c) { c.disabled = busy; });
    form.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  /** Loads the queue; its answer says whether we are signed in. */
  function enterConsole() {
    showConsole();
    loadQueue(false);
    loadStats();
    startStatsTimer();
  }

  /* ------------------------------------------------------------------ *
   * Filters.                                                            *
   * ------------------------------------------------------------------ */

  function syncFilterForm() {
    const form = hook('filters');
    const f = state.filters;
    form.elements.status.value = f.status;
    form.elements['class'].value = f['class'];
    form.elements.article.value = f.article;
    form.elements.q.value = f.q;
    form.elements.reported.checked = f.reported;
    form.elements.sort.value = f.sort;
    const chip = hook('author-filter');
    chip.hidden = !f.email;
    $('[data-raqib="author-filter-value"]').textContent = f.email;
  }

  function readFilterForm() {
    const form = hook('filters');
    state.filters.status = form.elements.status.value;
    state.filters['class'] = form.elements['class'].value;
    state.filters.article = form.elements.article.value.trim();
    state.filters.q = form.elements.q.value.trim();
    state.filters.reported = form.elements.reported.checked;
    state.filters.sort = form.elements.sort.value;
  }

  function applyFilters() {
    readFilterForm();
    writeFiltersToUrl();
    syncFilterForm();
    if (state.mode === 'batch') exitBatch(false);
    loadQueue(false);
  }

  function setFilter(changes) {
    Object.keys(changes).forEach(function (k) { state.filters[k] = changes[k]; });
    writeFiltersToUrl();
    syncFilterForm();
    if (state.mode === 'batch') exitBatch(false);
    loadQueue(false);
  }

  function queuePath(cursor) {
    const f = state.filters;
    const p = new URLSearchParams();
    p.set('status', f.status);
    if (f['class']) p.set('class', f['class']);
    if (f.article) p.set('article', f.article);
    if (f.q) p.set('q', f.q);
    if (f.reported) p.set('reported', 'true');
    if (f.email) p.set('email', f.email);
    p.set('sort', f.sort);
    p.set('limit', String(PAGE_SIZE));
    if (cursor) p.set('cursor', cursor);
    return '/api/v1/moderation/queue?' + p.toString();
  }

  /* ------------------------------------------------------------------ *
   * The queue.                                                          *
   * ------------------------------------------------------------------ */

  function resetQueue() {
    state.items.clear();
    state.nodes.clear();
    state.notices.clear();
    state.checked.clear();
    state.order = [];
    state.selected = null;
    state.nextCursor = null;
    const list = hook('queue');
    if (list) clear(list);
    updateBulkBar();
  }

  function loadQueue(more) {
    const seq = ++state.seq;
    state.loading = true;
    hook('queue').setAttribute('aria-busy', 'true');
    hook('loading').hidden = false;
    if (!more) hook('empty').hidden = true;
    return api('GET', queuePath(more ? state.nextCursor : null)).then(function (page) {
      if (seq !== state.seq) return;
      if (!state.signedIn) {
        showConsole();
        loadStats();
        startStatsTimer();
      }
      if (!more) {
        const keepSelected = state.selected;
        resetQueue();
        state.selected = keepSelected;
      }
      (page.items || []).forEach(addItem);
      state.nextCursor = page.next_cursor || null;
      if (!state.items.has(state.selected)) state.selected = null;
      if (state.selected === null && state.order.length) select(state.order[0], false);
      else if (state.selected !== null) select(state.selected, false);
      afterListChange();
    }, function (err) {
      if (seq !== state.seq) return;
      if (err.status === 403 && err.code === 'password_change_required') {
        // The account must choose a new password first (src/http/auth.rs, Moderator).
        showPassword(true);
        return;
      }
      if (!state.signedIn && err.status !== 401) showLogin();
      handleError(err);
    }).then(function () {
      if (seq !== state.seq) return;
      state.loading = false;
      hook('queue').setAttribute('aria-busy', 'false');
      hook('loading').hidden = true;
    });
  }

  function addItem(entry) {
    if (state.items.has(entry.id)) {
      replaceItem(entry);
      return;
    }
    state.items.set(entry.id, entry);
    state.order.push(entry.id);
    const node = renderItem(entry);
    state.nodes.set(entry.id, node);
    hook('queue').appendChild(node);
  }

  function replaceItem(entry) {
    state.items.set(entry.id, entry);
    const old = state.nodes.get(entry.id);
    const node = renderItem(entry);
    state.nodes.set(entry.id, node);
    if (old && old.parentNode) old.parentNode.replaceChild(node, old);
  }

  function removeItem(id) {
    const pos = state.order.indexOf(id);
    if (pos < 0) return;
    const node = state.nodes.get(id);
    if (node && node.parentNode) node.parentNode.removeChild(node);
    state.order.splice(pos, 1);
    state.items.delete(id);
    state.nodes.delete(id);
    state.notices.delete(id);
    state.checked.delete(id);
    if (state.selected === id) {
      state.selected = null;
      const next = state.order[Math.min(pos, state.order.length - 1)];
      if (next !== undefined) select(next, true);
    }
  }

  function afterListChange() {
    const empty = state.order.length === 0;
    hook('empty').hidden = !empty || state.loading;
    hook('load-more').hidden = state.mode !== 'queue' || !state.nextCursor;
    if (state.mode === 'batch') {
      hook('batch-count').textContent = t('batch.banner', { n: formatNumber(state.order.length) });
      hook('batch-next').hidden = !empty;
    }
    updateBulkBar();
  }

  /** Does the item still belong in the list being shown, with this status? */
  function belongs(status) {
    if (state.mode === 'batch') return status === state.batchStatus;
    return state.filters.status === 'any' || state.filters.status === status;
  }

  /* ---------------------------- one item ---------------------------- */

  function renderItem(c) {
    const id = c.id;
    const hits = Array.isArray(c.hits) ? c.hits : [];
    const selected = state.selected === id;
    const node = el('article', {
      class: 'item class-' + c['class'] + ' status-' + c.status + (selected ? ' selected' : '')
        + (state.checked.has(id) ? ' checked' : '') + (belongs(c.status) ? '' : ' settled'),
      'data-raqib': 'item',
      id: 'item-' + id,
      'data-id': id,
      'data-class': c['class'],
      'data-status': c.status,
      role: 'option',
      'aria-selected': selected ? 'true' : 'false',
      tabindex: '-1',
      'aria-labelledby': 'item-author-' + id,
    });

    // Head: checkbox, author, email, badges.
    const check = el('input', { type: 'checkbox', 'data-raqib': 'check', 'aria-label': t('item.select') + ' #' + id });
    check.checked = state.checked.has(id);
    const author = el('bdi', { class: 'author', id: 'item-author-' + id });
    append(author, highlighted(c.name, hitsOf(hits, 'name')));
    const email = el('button', { type: 'button', class: 'email linkish', dir: 'ltr', 'data-op': 'history',
      title: t('op.history') });
    append(email, highlighted(c.email, hitsOf(hits, 'email')));
    const badges = el('span', { class: 'badges' }, [
      el('span', { class: 'badge class class-' + c['class'], 'data-raqib': 'class',
        title: t('item.score') + ' ' + c.score }, [
        t('class.' + c['class']) + ' · ', el('bdi', { dir: 'ltr', text: formatNumber(c.score) }),
      ]),
      el('span', { class: 'badge status status-' + c.status, 'data-raqib': 'status', text: t('status.' + c.status) }),
      c.report_count > 0 ? el('span', { class: 'badge reports', 'data-raqib': 'reports',
        text: t('item.reports', { n: formatNumber(c.report_count) }) }) : null,
      claimBadge(c),
    ]);
    node.appendChild(el('header', { class: 'item-head' }, [check, author, email, badges]));

    // Meta line: article, time, reply, id, IP, author's record.
    const article = el('button', { type: 'button', class: 'article linkish', 'data-op': 'filter-article',
      title: t('op.filterArticle') }, el('bdi', { text: c.article }));
    const created = el('time', { datetime: c.created_at, title: ago(c.created_at), text: formatTime(c.created_at) });
    const meta = el('div', { class: 'item-meta' }, [
      el('span', { class: 'meta-id', dir: 'ltr', text: '#' + id }),
      article,
      created,
      el('span', { class: 'meta-ago', text: ago(c.created_at) }),
      c.parent ? el('span', { class: 'meta-parent', text: t('item.replyTo', { id: c.parent }) }) : null,
      c.ip_prefix ? el('span', { class: 'meta-ip' }, [t('item.ip') + ': ', el('bdi', { dir: 'ltr', text: c.ip_prefix })]) : null,
    ]);
    node.appendChild(meta);
    node.appendChild(el('div', { class: 'item-record' }, [
      record(t('item.byEmail'), c.history_email),
      record(t('item.byIp'), c.history_ip),
    ]));
    if (c.decided_by && c.status !== 'pending') {
      node.appendChild(el('div', { class: 'item-decided' }, [
        t('item.decidedBy', { status: t('status.' + c.status), who: c.decided_by === state.user ? t('you') : c.decided_by }),
        c.reason ? ' · ' + reasonLabel(c.reason) : null,
        c.note ? ' · ' + t('item.note') + ': ' : null,
        c.note ? el('bdi', { text: c.note }) : null,
      ]));
    }

    // The body, with the hits highlighted.
    const body = el('div', { class: 'item-body', dir: 'auto', 'data-raqib': 'body' });
    append(body, highlighted(c.body, hitsOf(hits, 'body')));
    node.appendChild(body);

    // The hits, explained.
    node.appendChild(renderHits(c, hits));

    // A kind word after a conflict.
    const notice = state.notices.get(id);
    if (notice) {
      const box = el('div', { class: 'item-notice', 'data-raqib': 'notice', role: 'status' }, el('span', { text: notice.text }));
      if (notice.override) {
        box.appendChild(el('button', { type: 'button', 'data-op': 'override', 'data-override': notice.override,
          text: t('op.override') }));
      }
      node.appendChild(box);
    }

    // Actions.
    const actions = el('div', { class: 'item-actions' });
    ACTIONS.forEach(function (action) {
      const allowed = MOVES[action].indexOf(c.status) >= 0;
      const key = { approve: 'a', reject: 'r', spam: 's', ham: 'h' }[action];
      actions.appendChild(el('button', { type: 'button', class: 'act act-' + action, 'data-action': action,
        disabled: !allowed, 'aria-keyshortcuts': key }, [t('action.' + action), el('kbd', { text: key })]));
    });
    const reason = el('select', { class: 'reason', 'data-raqib': 'reason', 'aria-label': t('reason.label') });
    reason.appendChild(el('option', { value: '', text: t('reason.none') }));
    REASONS.forEach(function (r) { reason.appendChild(el('option', { value: r, text: t('reason.' + r) })); });
    actions.appendChild(reason);
    const tools = el('span', { class: 'item-tools' });
    const mine = c.claimed_by && c.claimed_by === state.user;
    if (mine) tools.appendChild(el('button', { type: 'button', 'data-op': 'release', text: t('op.release') }));
    else if (c.status === 'pending' || c.status === 'spam') {
      tools.appendChild(el('button', { type: 'button', 'data-op': 'claim', text: t('op.claim') }));
    }
    tools.appendChild(el('button', { type: 'button', 'data-op': 'history', 'aria-keyshortcuts': 'u', text: t('op.history') }));
    tools.appendChild(el('button', { type: 'button', 'data-op': 'log', text: t('op.log') }));
    tools.appendChild(el('button', { type: 'button', 'data-op': 'ban', class: 'danger', 'aria-keyshortcuts': 'b',
      text: t('op.ban') }));
    tools.appendChild(el('button', { type: 'button', 'data-op': 'close-article', class: 'danger',
      text: t('op.closeArticle') }));
    actions.appendChild(tools);
    node.appendChild(actions);

    node.appendChild(el('div', { class: 'item-panel', 'data-raqib': 'panel', hidden: true }));
    return node;
  }

  function claimBadge(c) {
    if (!c.claimed_by) return null;
    const time = c.claim_expires_at ? formatTime(c.claim_expires_at, false) : '';
    const mine = c.claimed_by === state.user;
    return el('span', { class: 'badge claim' + (mine ? ' mine' : ''), 'data-raqib': 'claim-badge' },
      mine ? t('item.claimedByMe', { time: time }) : claimText(c.claimed_by, time));
  }

  function claimText(who, time) {
    // "claimed by <bdi>who</bdi> until time", keeping a name in any script isolated.
    const parts = t('item.claimedBy', { time: time }).split('{who}');
    return [parts[0], el('bdi', { text: who }), parts[1] || ''];
  }

  function record(label, h) {
    h = h || { approved: 0, rejected: 0, spam: 0 };
    // Flag a record where refusals outnumber publications.
    const bad = (h.rejected || 0) + (h.spam || 0);
    return el('span', { class: 'record' + (bad > (h.approved || 0) ? ' record-bad' : '') },
      label + ': ' + t('item.hist', { a: formatNumber(h.approved || 0), r: formatNumber(h.rejected || 0), s: formatNumber(h.spam || 0) }));
  }

  function reasonLabel(code) {
    return REASONS.indexOf(code) >= 0 ? t('reason.' + code) : code;
  }

  /** The hits of one field, each with its index in the full list (for data-hit links). */
  function hitsOf(hits, field) {
    return hits.map(function (h, i) { return { hit: h, i: i }; })
      .filter(function (x) { return x.hit && (x.hit.field || 'body') === field && x.hit.span; });
  }

  /**
   * `text` as text nodes and <mark>s for the given hits. A piece covered by several hits
   * names the strongest (non-shadow first) in data-rule and all of them in its title.
   */
  function highlighted(text, entries) {
    text = text == null ? '' : String(text);
    if (!entries.length) return [text];
    const segments = segmentText(text, entries.map(function (e) { return e.hit; }));
    return segments.map(function (seg) {
      if (!seg.hits.length) return seg.text;
      const covering = seg.hits.map(function (k) { return entries[k]; });
      covering.sort(function (x, y) {
        if (!!x.hit.shadow !== !!y.hit.shadow) return x.hit.shadow ? 1 : -1;
        return Math.abs(Number(y.hit.weight) || 0) - Math.abs(Number(x.hit.weight) || 0);
      });
      const primary = covering[0].hit;
      const allShadow = covering.every(function (e) { return e.hit.shadow; });
      return el('mark', {
        class: 'hit fam-' + (FAMILY[primary.category] || 'neutral') + ' cat-' + primary.category
          + (allShadow ? ' shadow' : '') + (covering.length > 1 ? ' overlap' : ''),
        'data-rule': primary.rule,
        'data-category': primary.category,
        'data-hit': covering.map(function (e) { return e.i; }).join(' '),
        'data-shadow': allShadow ? 'true' : null,
        title: covering.map(function (e) { return hitTitle(e.hit); }).join('\n'),
        text: seg.text,
      });
    });
  }

  function hitTitle(h) {
    return (h.explanation || t('cat.' + h.category)) + ' (' + signed(h.weight) + ') — ' + h.rule
      + (h.shadow ? ' [' + t('hits.shadow') + ']' : '');
  }

  function signed(w) {
    const n = Number(w) || 0;
    return (n > 0 ? '+' : '') + formatNumber(n);
  }

  function renderHits(c, hits) {
    const box = el('section', { class: 'item-hits', 'data-raqib': 'hits' });
    if (!hits.length) {
      box.appendChild(el('p', { class: 'hits-none', text: t('hits.none') }));
      return box;
    }
    box.appendChild(el('h3', { class: 'hits-title', text: t('hits.title') }));
    const list = el('ul', { class: 'hits-list' });
    hits.forEach(function (h, i) {
      if (!h) return;
      const field = h.field || 'body';
      const source = field === 'body' ? c.body : field === 'name' ? c.name : field === 'email' ? c.email : null;
      let excerpt = null;
      if (source != null && h.span) {
        const r = spanToRange(String(source), h.span);
        if (r) excerpt = String(source).slice(r[0], r[1]);
      }
      list.appendChild(el('li', {
        class: 'hit-row fam-' + (FAMILY[h.category] || 'neutral') + (h.shadow ? ' shadow' : ''),
        'data-raqib': 'hit', 'data-rule': h.rule, 'data-hit': i, tabindex: excerpt !== null ? '0' : null,
      }, [
        el('span', { class: 'hit-cat', text: t('cat.' + h.category) }),
        el('span', { class: 'hit-weight', dir: 'ltr', text: signed(h.weight) }),
        excerpt !== null ? el('q', { class: 'hit-excerpt' }, el('bdi', { text: excerpt })) : null,
        el('span', { class: 'hit-expl', dir: 'auto', text: h.explanation || '' }),
        field !== 'body' ? el('span', { class: 'hit-tag', text: t('hits.field', { field: t('field.' + field) }) }) : null,
        h.action && h.action !== 'score' ? el('span', { class: 'hit-tag hit-force', text: t('hits.forces', { 'class': t('class.' + h.action) }) }) : null,
        h.shadow ? el('span', { class: 'hit-tag hit-shadow', text: t('hits.shadow') }) : null,
        el('code', { class: 'hit-rule', dir: 'ltr', text: h.rule }),
      ]));
    });
    box.appendChild(list);
    return box;
  }

  /** Briefly outlines the marks of hit `i` in an item. */
  function flashHit(node, i) {
    $all('mark[data-hit]', node).forEach(function (m) {
      if (m.getAttribute('data-hit').split(' ').indexOf(String(i)) >= 0) {
        m.classList.remove('flash');
        void m.offsetWidth; // restart the animation
        m.classList.add('flash');
      }
    });
  }

  /* --------------------------- selection ---------------------------- */

  function select(id, focus) {
    if (state.selected !== null && state.nodes.has(state.selected)) {
      const old = state.nodes.get(state.selected);
      old.classList.remove('selected');
      old.setAttribute('aria-selected', 'false');
    }
    state.selected = id;
    const node = state.nodes.get(id);
    if (!node) return;
    node.classList.add('selected');
    node.setAttribute('aria-selected', 'true');
    if (focus) {
      node.focus({ preventScroll: true });
      node.scrollIntoView({ block: 'nearest' });
    }
  }

  function move(delta) {
    if (!state.order.length) return;
    let pos = state.order.indexOf(state.selected);
    if (pos < 0) pos = delta > 0 ? -1 : state.order.length;
    const next = pos + delta;
    if (next >= state.order.length) {
      if (state.mode === 'queue' && state.nextCursor && !state.loading) {
        loadQueue(true).then(function () {
          const again = state.order.indexOf(state.selected) + 1;
          if (again > 0 && again < state.order.length) select(state.order[again], true);
        });
      }
      return;
    }
    if (next < 0) return;
    select(state.order[next], true);
  }

  function toggleCheck(id, on) {
    if (!state.items.has(id)) return;
    const value = on === undefined ? !state.checked.has(id) : on;
    if (value) state.checked.add(id); else state.checked.delete(id);
    const node = state.nodes.get(id);
    if (node) {
      node.classList.toggle('checked', value);
      const box = $('[data-raqib="check"]', node);
      if (box) box.checked = value;
    }
    updateBulkBar();
  }

  function updateBulkBar() {
    const all = hook('select-all');
    if (!all) return;
    const n = state.checked.size;
    all.checked = n > 0 && n === state.order.length;
    all.indeterminate = n > 0 && n < state.order.length;
    all.disabled = state.order.length === 0;
    hook('selected-count').textContent = t('bulk.selected', { n: formatNumber(n) });
    $all('[data-bulk]').forEach(function (b) { b.disabled = n === 0; });
  }

  /* --------------------------- decisions ---------------------------- */

  /** Decides the selected/given item. `override` decides under a colleague's claim. */
  function decide(id, action, override) {
    const c = state.items.get(id);
    if (!c) return;
    if (MOVES[action].indexOf(c.status) < 0) {
      toast(t('notAllowed', { status: t('status.' + c.status) }), 'info');
      return;
    }
    const node = state.nodes.get(id);
    const reasonBox = node && $('[data-raqib="reason"]', node);
    const body = { action: action, expected_status: c.status };
    if (reasonBox && reasonBox.value) body.reason = reasonBox.value;
    else if (action === 'spam') body.reason = 'spam';
    if (override) body.override = true;
    if (node) node.classList.add('busy');
    api('POST', '/api/v1/moderation/comments/' + encodeURIComponent(id) + '/decision', body).then(function (entry) {
      state.notices.delete(id);
      toast(t('done.' + action) + ' · #' + id, 'ok');
      settle(entry || Object.assign({}, c, { status: targetOf(action) }));
      scheduleStats();
    }, function (err) {
      if (node) node.classList.remove('busy');
      if (err.status === 409) onConflict(id, action, err.current);
      else if (err.status === 404) {
        toast(t('conflict.gone') + ' · #' + id, 'info');
        removeItem(id);
        afterListChange();
      } else handleError(err);
    });
  }

  function targetOf(action) {
    return { approve: 'approved', reject: 'rejected', spam: 'spam', ham: 'pending' }[action];
  }

  /** Puts a decided comment where it belongs: out of the list, or updated in place. */
  function settle(entry) {
    if (belongs(entry.status)) {
      replaceItem(entry);
      if (state.selected === entry.id) select(entry.id, true);
    } else {
      const wasSelected = state.selected === entry.id;
      removeItem(entry.id);
      if (wasSelected && state.selected !== null) select(state.selected, true);
    }
    afterListChange();
  }

  /** A colleague was first (or holds a claim): say so kindly, and show the comment as it is now. */
  function onConflict(id, action, current) {
    const was = state.items.get(id);
    if (!current) {
      toast(t('conflict.gone') + ' · #' + id, 'info');
      removeItem(id);
      afterListChange();
      return;
    }
    let text;
    let override = null;
    const who = current.decided_by ? (current.decided_by === state.user ? t('you') : current.decided_by) : t('conflict.colleague');
    if (was && current.status !== was.status) {
      text = t('conflict.moved', { who: who, status: t('status.' + current.status) });
    } else if (current.claimed_by && current.claimed_by !== state.user) {
      text = t('conflict.claimed', { who: current.claimed_by,
        time: current.claim_expires_at ? formatTime(current.claim_expires_at, false) : '' });
      override = action;
    } else {
      text = t('conflict.notMove', { status: t('status.' + current.status) });
    }
    state.notices.set(id, { text: text, override: override });
    replaceItem(current);
    if (state.selected === id) select(id, false);
    afterListChange();
    if (override) {
      toast(text + ' · #' + id, 'info', { action: { label: t('op.override'), run: function () { decide(id, override, true); } } });
    } else {
      toast(text + ' · #' + id, 'info');
    }
  }

  function bulkDecide(action) {
    const ids = state.order.filter(function (id) {
      return state.checked.has(id);
    });
    if (!ids.length) return;
    const body = { ids: ids.slice(0, 500), action: action, expected: {} };
    // What each comment was when seen here: one a colleague moved since comes back as
    // a conflict instead of being overruled.
    body.ids.forEach(function (id) {
      const seen = state.items.get(id);
      if (seen && seen.status) body.expected[id] = seen.status;
    });
    const reason = hook('bulk-reason').value;
    if (reason) body.reason = reason;
    else if (action === 'spam') body.reason = 'spam';
    $all('[data-bulk]').forEach(function (b) { b.disabled = true; });
    api('POST', '/api/v1/moderation/decisions', body).then(function (answer) {
      let ok = 0;
      let conflict = 0;
      let missing = 0;
      (answer.results || []).forEach(function (r) {
        const id = r.id;
        state.checked.delete(id);
        if (r.outcome === 'ok') {
          ok++;
          const c = state.items.get(id);
          if (!c) return;
          const status = targetOf(action);
          if (belongs(status)) {
            // The bulk answer carries no entry; show the new status until the next refresh.
            replaceItem(Object.assign({}, c, { status: status, decided_by: state.user || c.decided_by,
              claimed_by: null, claim_expires_at: null }));
          } else removeItem(id);
        } else if (r.outcome === 'conflict') {
          conflict++;
          if (r.current) {
            const was = state.items.get(id);
            const who = r.current.decided_by || t('conflict.colleague');
            let text;
            if (was && r.current.status !== was.status) text = t('conflict.moved', { who: who, status: t('status.' + r.current.status) });
            else if (r.current.claimed_by && r.current.claimed_by !== state.user) {
              text = t('conflict.claimed', { who: r.current.claimed_by,
                time: r.current.claim_expires_at ? formatTime(r.current.claim_expires_at, false) : '' });
            } else text = t('conflict.notMove', { status: t('status.' + r.current.status) });
            state.notices.set(id, { text: text, override: null });
            replaceItem(r.current);
          }
        } else {
          missing++;
          removeItem(id);
        }
      });
      if (state.selected !== null) select(state.selected, false);
      else if (state.order.length) select(state.order[0], false);
      afterListChange();
      toast(t('done.' + action) + ': ' + t('bulk.result', { ok: formatNumber(ok), conflict: formatNumber(conflict),
        missing: formatNumber(missing) }), conflict || missing ? 'info' : 'ok');
      scheduleStats();
    }, function (err) {
      updateBulkBar();
      handleError(err);
    });
  }

  /* ----------------------------- claims ----------------------------- */

  function claimBatch() {
    const input = hook('claim-count');
    const count = Math.max(1, Math.min(100, parseInt(input.value, 10) || 10));
    input.value = String(count);
    const f = state.filters;
    const body = { count: count };
    if (f.status !== 'any' && f.status !== 'blocked') body.status = f.status;
    if (f['class']) body['class'] = f['class'];
    if (f.article) body.article = f.article;
    api('POST', '/api/v1/moderation/claims', body).then(function (page) {
      const items = (page && page.items) || [];
      if (!items.length) {
        toast(t('claim.none'), 'info');
        if (state.mode === 'batch') afterListChange();
        return;
      }
      state.seq++; // any queue load in flight is now stale
      state.mode = 'batch';
      state.batchStatus = body.status || 'pending';
      resetQueue();
      hook('batch').hidden = false;
      items.forEach(addItem);
      select(state.order[0], true);
      afterListChange();
      toast(t('claim.got', { n: formatNumber(items.length) }), 'ok');
    }, handleError);
  }

  /** Leaves the batch view; `release` gives back the claims still held there. */
  function exitBatch(reload) {
    releaseBatch();
    state.mode = 'queue';
    hook('batch').hidden = true;
    if (reload) loadQueue(false);
  }

  function releaseBatch() {
    if (state.mode !== 'batch') return;
    state.order.forEach(function (id) {
      const c = state.items.get(id);
      if (c && c.claimed_by && c.claimed_by === state.user) {
        api('DELETE', '/api/v1/moderation/claims/' + encodeURIComponent(id), undefined, true)
          .catch(function () { /* it expires anyway */ });
      }
    });
  }

  function claimOne(id) {
    api('POST', '/api/v1/moderation/comments/' + encodeURIComponent(id) + '/claim').then(function (entry) {
      // Remember who we are as the server sees it, in case the page was reloaded.
      if (entry && entry.claimed_by && !state.user) {
        state.user = entry.claimed_by;
        store.set('raqib.user', state.user);
        hook('whoami').textContent = state.user;
        hook('whoami').hidden = false;
      }
      state.notices.delete(id);
      replaceItem(entry);
      select(id, false);
      toast(t('claim.one') + ' · #' + id, 'ok');
    }, function (err) {
      if (err.status === 409 && err.current) {
        const text = t('conflict.claimTaken', { who: err.current.claimed_by || t('conflict.colleague'),
          time: err.current.claim_expires_at ? formatTime(err.current.claim_expires_at, false) : '' });
        state.notices.set(id, { text: text, override: null });
        replaceItem(err.current);
        select(id, false);
        toast(text, 'info');
      } else handleError(err);
    });
  }

  function releaseOne(id) {
    api('DELETE', '/api/v1/moderation/claims/' + encodeURIComponent(id)).then(function () {
      const c = state.items.get(id);
      if (c) replaceItem(Object.assign({}, c, { claimed_by: null, claim_expires_at: null }));
      select(id, false);
      toast(t('claim.released') + ' · #' + id, 'ok');
    }, handleError);
  }

  /* ------------------------ history and log ------------------------- */

  function togglePanel(id, kind) {
    const node = state.nodes.get(id);
    if (!node) return;
    const panel = $('[data-raqib="panel"]', node);
    if (!panel.hidden && panel.getAttribute('data-kind') === kind) {
      panel.hidden = true;
      return;
    }
    panel.setAttribute('data-kind', kind);
    clear(panel);
    panel.appendChild(el('p', { class: 'muted', text: t('queue.loading') }));
    panel.hidden = false;
    (kind === 'history' ? loadHistory(id, panel) : loadLog(id, panel)).catch(function (err) {
      panel.hidden = true;
      handleError(err);
    });
  }

  function panelHead(title, panel) {
    const close = el('button', { type: 'button', class: 'panel-close', 'aria-label': t('panel.close'), text: '×' });
    close.addEventListener('click', function () { panel.hidden = true; });
    return el('div', { class: 'panel-head' }, [el('h3', { text: title }), close]);
  }

  function loadHistory(id, panel) {
    const c = state.items.get(id);
    const p = new URLSearchParams({ status: 'any', email: c.email, sort: 'newest', limit: '20' });
    return api('GET', '/api/v1/moderation/queue?' + p.toString()).then(function (page) {
      clear(panel);
      panel.appendChild(panelHead(t('history.title'), panel));
      const items = (page && page.items) || [];
      if (!items.length || (items.length === 1 && items[0].id === id)) {
        panel.appendChild(el('p', { class: 'muted', text: t('history.empty') }));
      }
      const list = el('ol', { class: 'history-list', 'data-raqib': 'history' });
      items.forEach(function (h) {
        list.appendChild(el('li', { class: 'history-row' + (h.id === id ? ' current' : ''), 'data-id': h.id }, [
          el('span', { class: 'badge status status-' + h.status, text: t('status.' + h.status) }),
          el('span', { class: 'badge class class-' + h['class'], text: t('class.' + h['class']) }),
          el('time', { datetime: h.created_at, text: formatTime(h.created_at) }),
          el('bdi', { class: 'history-article', text: h.article }),
          h.id === id ? el('em', { text: t('history.this') }) : null,
          el('span', { class: 'history-body', dir: 'auto', text: excerpt(h.body, 160) }),
        ]));
      });
      if (items.length) panel.appendChild(list);
      const all = el('button', { type: 'button', class: 'linkish', text: t('history.all') });
      all.addEventListener('click', function () { setFilter({ email: c.email, status: 'any' }); });
      panel.appendChild(all);
    });
  }

  function loadLog(id, panel) {
    const p = new URLSearchParams({ target: 'comment:' + id, limit: '50' });
    return api('GET', '/api/v1/moderation/audit?' + p.toString()).then(function (page) {
      clear(panel);
      panel.appendChild(panelHead(t('log.title'), panel));
      const rows = (page && page.items) || [];
      if (!rows.length) {
        panel.appendChild(el('p', { class: 'muted', text: t('log.empty') }));
        return;
      }
      const list = el('ol', { class: 'log-list', 'data-raqib': 'log' });
      rows.forEach(function (r) {
        const before = r.before && r.before.status ? t('status.' + r.before.status) : null;
        const after = r.after && r.after.status ? t('status.' + r.after.status) : null;
        list.appendChild(el('li', { class: 'log-row' }, [
          el('time', { datetime: new Date(r.at).toISOString(), text: formatTime(new Date(r.at).toISOString()) }),
          el('bdi', { class: 'log-actor', text: r.actor }),
          el('code', { dir: 'ltr', text: r.action }),
          before || after ? el('span', { text: (before || '—') + ' ← ' + (after || '—') }) : null,
          r.reason ? el('span', { class: 'muted', text: reasonLabel(r.reason) }) : null,
        ]));
      });
      panel.appendChild(list);
    });
  }

  function excerpt(text, max) {
    const chars = Array.from(String(text || '').replace(/\s+/g, ' ').trim());
    return chars.length > max ? chars.slice(0, max).join('') + '…' : chars.join('');
  }

  /* ------------------------- ban and close -------------------------- */

  function openBan(id) {
    const c = state.items.get(id);
    if (!c) return;
    const dialog = hook('ban-dialog');
    const form = $('form', dialog);
    form.reset();
    form.elements.mark_pending_spam.checked = true;
    const who = hook('ban-target');
    clear(who);
    append(who, [el('bdi', { text: c.name }), ' · ', el('bdi', { dir: 'ltr', text: c.email }),
      c.ip_prefix ? ' · ' : null, c.ip_prefix ? el('bdi', { dir: 'ltr', text: c.ip_prefix }) : null]);
    dialog.setAttribute('data-id', id);
    openDialog(dialog, form.elements.reason);
  }

  function onBanSubmit(event) {
    event.preventDefault();
    const dialog = hook('ban-dialog');
    const form = event.currentTarget;
    const id = Number(dialog.getAttribute('data-id'));
    const body = { comment_id: id, mark_pending_spam: form.elements.mark_pending_spam.checked,
      whole_network: form.elements.whole_network.checked };
    const reason = form.elements.reason.value.trim();
    if (reason) body.reason = reason;
    const days = parseInt(form.elements.expires_in_days.value, 10);
    if (days > 0) body.expires_in_days = days;
    closeDialog(dialog);
    api('POST', '/api/v1/moderation/bans', body).then(function (result) {
      const labels = ((result && result.bans) || []).map(function (b) { return b.label || b.kind; }).join(listSeparator());
      let text = t('ban.done', { labels: labels });
      if (result && result.marked_spam > 0) text += t('ban.marked', { n: formatNumber(result.marked_spam) });
      toast(text, 'ok');
      if (result && result.marked_spam > 0 && state.mode === 'queue') loadQueue(false);
      scheduleStats();
    }, function (err) {
      if (err.status === 404) toast(t('conflict.gone') + ' · #' + id, 'info');
      else handleError(err);
    });
  }

  function closeArticle(id) {
    const c = state.items.get(id);
    if (!c) return;
    confirmDialog(t('close.title'), t('close.text', { article: c.article }), t('close.confirm')).then(function (yes) {
      if (!yes) return;
      const path = '/api/v1/moderation/articles/' + encodeURIComponent(c.article) + '/closed';
      api('POST', path).then(function () {
        toast(t('close.done', { article: c.article }), 'ok', { action: { label: t('op.reopen'), run: function () {
          api('DELETE', path).then(function () { toast(t('close.reopened', { article: c.article }), 'ok'); }, handleError);
        } } });
      }, handleError);
    });
  }

  function openDialog(dialog, focus) {
    if (typeof dialog.showModal === 'function') {
      if (!dialog.open) dialog.showModal();
    } else dialog.setAttribute('open', '');
    if (focus) window.setTimeout(function () { focus.focus(); }, 0);
  }

  function closeDialog(dialog) {
    if (typeof dialog.close === 'function' && dialog.open) dialog.close();
    else dialog.removeAttribute('open');
    if (state.selected !== null && state.nodes.has(state.selected)) {
      state.nodes.get(state.selected).focus({ preventScroll: true });
    }
  }

  let confirmResolve = null;

  function confirmDialog(title, text, yes) {
    const dialog = hook('confirm-dialog');
    hook('confirm-title').textContent = title;
    hook('confirm-text').textContent = text;
    hook('confirm-yes').textContent = yes;
    return new Promise(function (resolve) {
      confirmResolve = resolve;
      openDialog(dialog, hook('confirm-no'));
    });
  }

  function finishConfirm(answer) {
    const resolve = confirmResolve;
    confirmResolve = null;
    closeDialog(hook('confirm-dialog'));
    if (resolve) resolve(answer);
  }

  /* ------------------------------ stats ----------------------------- */

  let statsTimer = null;
  let statsSoon = null;

  function startStatsTimer() {
    stopStatsTimer();
    statsTimer = window.setInterval(function () { if (!document.hidden) loadStats(); }, 60000);
  }

  function stopStatsTimer() {
    if (statsTimer) window.clearInterval(statsTimer);
    statsTimer = null;
  }

  function scheduleStats() {
    if (statsSoon) window.clearTimeout(statsSoon);
    statsSoon = window.setTimeout(loadStats, 1500);
  }

  let lastStats = null;

  function loadStats() {
    return api('GET', '/api/v1/moderation/stats').then(function (s) {
      lastStats = s;
      renderStats();
    }, function () { /* the queue call reports errors; stats are a bonus */ });
  }

  function renderStats() {
    const box = hook('stats');
    clear(box);
    const s = lastStats;
    if (!s) return;
    const by = s.by_status || {};
    const pc = s.pending_by_class || {};
    const parts = [];
    const pending = el('span', { class: 'stat stat-pending', text: t('stats.pending', { n: formatNumber(by.pending || 0) }) });
    parts.push(pending);
    if (pc.hold) parts.push(el('span', { class: 'stat stat-held', text: t('stats.held', { n: formatNumber(pc.hold) }) }));
    if (s.oldest_pending_seconds != null) {
      parts.push(el('span', { class: 'stat', text: t('stats.oldest', { age: formatAge(s.oldest_pending_seconds) }) }));
    }
    parts.push(el('span', { class: 'stat', text: t('stats.spam', { n: formatNumber(by.spam || 0) }) }));
    if (state.user && s.decisions) {
      const today = new Date().toISOString().slice(0, 10);
      const mine = (s.decisions[today] || {})[state.user] || 0;
      parts.push(el('span', { class: 'stat', text: t('stats.mine', { n: formatNumber(mine) }) }));
    }
    if (s.flooded_articles && s.flooded_articles.length) {
      parts.push(el('span', { class: 'stat stat-flood', text: t('stats.flood', { list: s.flooded_articles.join(listSeparator()) }) }));
    }
    append(box, parts);
  }

  /* ---------------------------- language ---------------------------- */

  function applyLanguage() {
    const root = document.documentElement;
    root.lang = state.lang;
    root.dir = state.lang === 'ar' ? 'rtl' : 'ltr';
    document.title = t('app.title');
    $all('[data-i18n]').forEach(function (n) { n.textContent = t(n.getAttribute('data-i18n')); });
    $all('[data-i18n-placeholder]').forEach(function (n) { n.setAttribute('placeholder', t(n.getAttribute('data-i18n-placeholder'))); });
    $all('[data-i18n-label]').forEach(function (n) { n.setAttribute('aria-label', t(n.getAttribute('data-i18n-label'))); });
    $all('[data-i18n-title]').forEach(function (n) { n.setAttribute('title', t(n.getAttribute('data-i18n-title'))); });
    hook('lang').textContent = t('lang.other');
    hook('lang').setAttribute('lang', state.lang === 'ar' ? 'en' : 'ar');
    buildSelectOptions();
    // Re-render what is on screen in the new language.
    state.order.forEach(function (id) { replaceItem(state.items.get(id)); });
    if (state.selected !== null) select(state.selected, false);
    afterListChange();
    renderStats();
  }

  function buildSelectOptions() {
    const form = hook('filters');
    fill(form.elements.status, STATUSES.map(function (s) { return [s, t('status.' + s)]; }), state.filters.status);
    fill(form.elements['class'], [['', t('filters.anyClass')]].concat(CLASSES.map(function (c) { return [c, t('class.' + c)]; })),
      state.filters['class']);
    fill(form.elements.sort, ['oldest', 'newest', 'score'].map(function (s) { return [s, t('sort.' + s)]; }), state.filters.sort);
    const bulkReason = hook('bulk-reason');
    fill(bulkReason, [['', t('reason.none')]].concat(REASONS.map(function (r) { return [r, t('reason.' + r)]; })), bulkReason.value);
    const days = $('[name="expires_in_days"]', hook('ban-dialog'));
    fill(days, [['', t('ban.forever')]].concat([1, 7, 30, 90, 365].map(function (n) {
      return [String(n), t('ban.days', { n: formatNumber(n) })];
    })), days.value);
  }

  function fill(select, options, value) {
    clear(select);
    options.forEach(function (o) { select.appendChild(el('option', { value: o[0], text: o[1] })); });
    select.value = value || '';
  }

  function toggleLanguage() {
    state.lang = state.lang === 'ar' ? 'en' : 'ar';
    store.set('raqib.lang', state.lang);
    applyLanguage();
  }

  /* ---------------------------- keyboard ---------------------------- */

  // Letters by physical key, so the shortcuts also work with an Arabic keyboard layout.
  const CODES = { KeyJ: 'j', KeyK: 'k', KeyA: 'a', KeyR: 'r', KeyS: 's', KeyH: 'h', KeyX: 'x',
    KeyB: 'b', KeyC: 'c', KeyU: 'u', Slash: '/', Period: '.' };

  function onKey(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (hook('console').hidden) return;
    if ($('dialog[open]')) return;
    const target = event.target;
    const tag = target && target.tagName;
    if (tag === 'TEXTAREA' || tag === 'SELECT' || (target && target.isContentEditable)) return;
    if (tag === 'INPUT' && ['checkbox', 'radio', 'button', 'submit'].indexOf(target.type) < 0) return;
    let key = event.key;
    if (!/^[a-zA-Z/.?]$/.test(key)) {
      const mapped = CODES[event.code];
      if (!mapped) return;
      key = event.shiftKey && mapped.length === 1 && /[a-z]/.test(mapped) ? mapped.toUpperCase() : mapped;
      if (event.code === 'Slash' && event.shiftKey) key = '?';
    }
    const id = state.selected;
    let handled = true;
    switch (key) {
      case 'j': move(1); break;
      case 'k': move(-1); break;
      case 'a': if (id !== null) decide(id, 'approve'); break;
      case 'r': if (id !== null) decide(id, 'reject'); break;
      case 's': if (id !== null) decide(id, 'spam'); break;
      case 'h': if (id !== null) decide(id, 'ham'); break;
      case 'x': if (id !== null) toggleCheck(id); break;
      case 'A': bulkDecide('approve'); break;
      case 'R': bulkDecide('reject'); break;
      case 'S': bulkDecide('spam'); break;
      case 'b': if (id !== null) openBan(id); break;
      case 'c': if (id !== null) claimOne(id); break;
      case 'u': if (id !== null) togglePanel(id, 'history'); break;
      case '/': hook('filters').elements.q.focus(); break;
      case '.': if (state.mode === 'queue') loadQueue(false); break;
      case '?': { const help = hook('shortcuts'); help.open = !help.open; break; }
      default: handled = false;
    }
    if (handled) event.preventDefault();
  }

  /* ------------------------------ wiring ---------------------------- */

  function itemIdOf(node) {
    const item = node && node.closest('[data-raqib="item"]');
    return item ? Number(item.getAttribute('data-id')) : null;
  }

  function onQueueClick(event) {
    const target = event.target;
    const id = itemIdOf(target);
    if (id === null) return;
    const actionButton = target.closest('[data-action]');
    const opButton = target.closest('[data-op]');
    const hitRow = target.closest('[data-raqib="hit"]');
    if (state.selected !== id) select(id, false);
    if (actionButton) {
      decide(id, actionButton.getAttribute('data-action'));
    } else if (opButton) {
      switch (opButton.getAttribute('data-op')) {
        case 'claim': claimOne(id); break;
        case 'release': releaseOne(id); break;
        case 'history': togglePanel(id, 'history'); break;
        case 'log': togglePanel(id, 'log'); break;
        case 'ban': openBan(id); break;
        case 'close-article': closeArticle(id); break;
        case 'filter-article': setFilter({ article: state.items.get(id).article }); break;
        case 'override': decide(id, opButton.getAttribute('data-override'), true); break;
        default: break;
      }
    } else if (hitRow) {
      flashHit(state.nodes.get(id), hitRow.getAttribute('data-hit'));
    }
  }

  function onQueueChange(event) {
    const target = event.target;
    if (target.getAttribute('data-raqib') === 'check') toggleCheck(itemIdOf(target), target.checked);
  }

  function onQueueKey(event) {
    // Enter on a focused hit row shows its marks.
    const row = event.target.closest && event.target.closest('[data-raqib="hit"]');
    if (row && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      flashHit(state.nodes.get(itemIdOf(row)), row.getAttribute('data-hit'));
    }
  }

  function wire() {
    hook('login').addEventListener('submit', onLogin);
    hook('password').addEventListener('submit', onPassword);
    hook('password-cancel').addEventListener('click', function () { showConsole(); });
    hook('logout').addEventListener('click', onLogout);
    hook('change-password').addEventListener('click', function () { showPassword(false); });
    hook('lang').addEventListener('click', toggleLanguage);

    const filters = hook('filters');
    filters.addEventListener('submit', function (event) { event.preventDefault(); applyFilters(); });
    ['status', 'class', 'sort', 'reported'].forEach(function (name) {
      filters.elements[name].addEventListener('change', applyFilters);
    });
    hook('author-filter-clear').addEventListener('click', function () { setFilter({ email: '' }); });

    hook('refresh').addEventListener('click', function () {
      if (state.mode === 'batch') exitBatch(true); else loadQueue(false);
    });
    hook('load-more').addEventListener('click', function () { if (!state.loading) loadQueue(true); });
    hook('select-all').addEventListener('change', function (event) {
      const on = event.currentTarget.checked;
      state.order.forEach(function (id) { toggleCheck(id, on); });
    });
    $all('[data-bulk]').forEach(function (button) {
      button.addEventListener('click', function () { bulkDecide(button.getAttribute('data-bulk')); });
    });
    hook('claim').addEventListener('click', claimBatch);
    hook('batch-exit').addEventListener('click', function () { exitBatch(true); });
    hook('batch-next').addEventListener('click', claimBatch);

    const queue = hook('queue');
    queue.addEventListener('click', onQueueClick);
    queue.addEventListener('change', onQueueChange);
    queue.addEventListener('keydown', onQueueKey);

    const ban = hook('ban-dialog');
    $('form', ban).addEventListener('submit', onBanSubmit);
    hook('ban-cancel').addEventListener('click', function () { closeDialog(ban); });
    const confirm = hook('confirm-dialog');
    hook('confirm-yes').addEventListener('click', function () { finishConfirm(true); });
    hook('confirm-no').addEventListener('click', function () { finishConfirm(false); });
    confirm.addEventListener('cancel', function (event) { event.preventDefault(); finishConfirm(false); });

    document.addEventListener('keydown', onKey);
    document.addEventListener('visibilitychange', function () {
      if (!document.hidden && state.signedIn) loadStats();
    });
    window.addEventListener('pagehide', releaseBatch);
  }

  function boot() {
    wire();
    applyLanguage();
    syncFilterForm();
    const username = hook('login').elements.username;
    if (state.user) username.value = state.user;
    // The queue call tells us whether the session cookie is still good (401 → sign in,
    // 403 → the password must be changed first).
    hook('console').hidden = true;
    hook('login-view').hidden = true;
    hook('password-view').hidden = true;
    loadQueue(false);
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
