/*
 * raqib admin filter page (/admin).
 *
 * Plain JavaScript, no framework, no build step. The page is served under a strict
 * Content-Security-Policy, so this file never uses innerHTML, inline handlers, inline
 * style attributes or eval: every node is made with createElement/textContent and every
 * handler with addEventListener. Look, sign-in flow, hit highlighting and words follow the
 * moderator console (moderate.js), whose stylesheet /console.css this page shares.
 *
 * It talks to the admin API (DESIGN §3, src/http/filter_admin.rs, src/http/admin.rs) with the
 * session cookie `raqib_session` (same-origin fetch; the server checks Origin on writes):
 *   auth       POST /api/v1/auth/login | /logout | /password
 *   overview   GET  /api/v1/admin/filter
 *   terms      GET|POST /api/v1/admin/filter/terms, PATCH|DELETE .../terms/{id},
 *              POST .../terms/import?format&category&weight&action&list (text/plain body),
 *              GET  .../terms/export?format=text|csv (links)
 *   rules      GET|POST /api/v1/admin/filter/rules, PATCH|DELETE .../rules/{id}
 *   settings   GET|PUT  /api/v1/admin/filter/settings (PUT takes a partial object)
 *   test       POST /api/v1/admin/filter/test {body, name?, email?, proposal?}
 *   back-test  POST /api/v1/admin/filter/backtest {add_terms, remove_terms, add_rules,
 *              remove_rules, settings?, days, comments?}
 *   versions   GET  /api/v1/admin/filter/versions?limit, GET .../versions/{n},
 *              POST .../versions/{n}/restore
 *   stats      GET  /api/v1/admin/filter/stats?days
 *   users      GET|POST /api/v1/admin/users, PATCH .../users/{id}, POST .../users/{id}/password
 *   tokens     GET|POST /api/v1/admin/tokens, DELETE .../tokens/{id}
 *
 * A "staged" change (the proposal) lives in this browser (localStorage) until it is applied
 * through the ordinary calls above or discarded. Hit spans are UTF-8 byte offsets into the
 * field as submitted; byteIndex() turns them into JavaScript (UTF-16) string indices.
 *
 * Hooks for browser tests: data-tab="terms|rules|settings|test|proposal|versions|stats|users",
 * data-raqib="term-form|term|test-form|test-result|version|toast|…" (with data-id,
 * data-version, data-class), data-action="restore|edit|delete|…".
 */
(function () {
  'use strict';

  /* ------------------------------------------------------------------ *
   * Pure helpers (no DOM): byte spans → string indices → segments,     *
   * and the proposal. The first three are moderate.js's.               *
   * ------------------------------------------------------------------ */

  // Shared with the console (spans.js, loaded first).
  const { utf8Length, byteIndex, spanToRange, segmentText, FAMILY } = window.raqibSpans;

  /** An empty staged change. */
  function emptyStage() {
    return {
      base: null,          // the filter version when the first item was staged
      addTerms: [],        // TermInput
      changeTerms: [],     // {id, label, patch: TermPatch, input: TermInput}
      removeTerms: [],     // {id, label}
      addRules: [],        // RuleInput
      changeRules: [],     // {id, label, patch: RulePatch, input: RuleInput}
      removeRules: [],     // {id, label}
      settings: null,      // a partial settings object
    };
  }

  function stageSize(stage) {
    return stage.addTerms.length + stage.changeTerms.length + stage.removeTerms.length
      + stage.addRules.length + stage.changeRules.length + stage.removeRules.length
      + (stage.settings ? 1 : 0);
  }

  /**
   * The staged change as the API's Proposal (src/tuning/mod.rs). The API has no "change a term"
   * in a proposal, so a changed term is the live one removed and its edited copy added (the
   * same for rules); applying the stage uses PATCH instead.
   */
  function proposalOf(stage) {
    const p = {
      add_terms: stage.addTerms.concat(stage.changeTerms.map(function (c) { return c.input; })),
      remove_terms: stage.removeTerms.map(function (r) { return r.id; })
        .concat(stage.changeTerms.map(function (c) { return c.id; })),
      add_rules: stage.addRules.concat(stage.changeRules.map(function (c) { return c.input; })),
      remove_rules: stage.removeRules.map(function (r) { return r.id; })
        .concat(stage.changeRules.map(function (c) { return c.id; })),
    };
    if (stage.settings) p.settings = stage.settings;
    return p;
  }

  /** A TermInput for a stored term with a TermPatch applied. */
  function termInputOf(term, patch) {
    const p = patch || {};
    const pick = function (key) { return p[key] !== undefined ? p[key] : term[key]; };
    const input = {
      term: term.term,
      category: pick('category'),
      weight: Number(pick('weight')),
      action: pick('action'),
      match: pick('match'),
      shadow: !!pick('shadow'),
      enabled: !!pick('enabled'),
      list: pick('list'),
      language: term.language,
    };
    const note = pick('note');
    if (note) input.note = note;
    return input;
  }

  /** A RuleInput for a stored rule with a RulePatch applied. */
  function ruleInputOf(rule, patch) {
    const p = patch || {};
    const pick = function (key) { return p[key] !== undefined ? p[key] : rule[key]; };
    return {
      pattern: pick('pattern'),
      weight: Number(pick('weight')),
      action: pick('action'),
      target: pick('target'),
      category: pick('category'),
      description: pick('description') || '',
      shadow: !!pick('shadow'),
      enabled: !!pick('enabled'),
      name: rule.name,
    };
  }

  /** Merges a settings patch into another, as the server does (category_actions replaced whole). */
  function mergeSettings(into, patch) {
    const out = JSON.parse(JSON.stringify(into || {}));
    Object.keys(patch || {}).forEach(function (key) {
      const value = patch[key];
      if (key !== 'category_actions' && value && typeof value === 'object' && !Array.isArray(value)
        && out[key] && typeof out[key] === 'object') {
        out[key] = mergeSettings(out[key], value);
      } else {
        out[key] = JSON.parse(JSON.stringify(value));
      }
    });
    return out;
  }

  /** The import's 422 detail ("line 3: …; line 9: …") as one message per line. */
  function splitLineErrors(detail) {
    return String(detail || '').split(/;\s+(?=line \d+:)/).filter(function (s) { return s.trim(); });
  }

  /** `list:<list>:<term>` → {list, term}; `rule:<name>` → {rule}; else null. */
  function parseRuleId(id) {
    id = String(id || '');
    if (id.indexOf('list:') === 0) {
      const rest = id.slice(5);
      const colon = rest.indexOf(':');
      if (colon > 0) return { list: rest.slice(0, colon), term: rest.slice(colon + 1) };
    }
    if (id.indexOf('rule:') === 0) return { rule: id.slice(5) };
    return null;
  }

  // In node (throwaway tests) only the pure helpers are wanted.
  if (typeof module === 'object' && module.exports) {
    module.exports = {
      emptyStage: emptyStage, stageSize: stageSize, proposalOf: proposalOf, termInputOf: termInputOf,
      ruleInputOf: ruleInputOf, mergeSettings: mergeSettings, splitLineErrors: splitLineErrors,
      parseRuleId: parseRuleId,
    };
    return;
  }

  /* ------------------------------------------------------------------ *
   * Words (Arabic default, English). Shared words match moderate.js.    *
   * ------------------------------------------------------------------ */

  const WORDS = {
    ar: {
      'app.title': 'رقيب · إدارة المرشح',
      'app.console': 'لوحة الإشراف',
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
      'forbidden.title': 'هذه الصفحة للمديرين فقط',
      'forbidden.text': 'رفض الخادم طلبك: هذه الصفحة تحتاج حساب مدير (admin). إن كانت كلمة مرورك قد أُعيد تعيينها فغيّرها أولاً.',
      'forbidden.moderator': 'حسابك حساب مشرف، وهذه الصفحة تحتاج حساب مدير (admin). يمكنك العمل من لوحة الإشراف.',
      'forbidden.other': 'الدخول بحساب آخر',
      'tabs.label': 'أقسام الصفحة',
      'tab.terms': 'الكلمات',
      'tab.rules': 'القواعد',
      'tab.settings': 'الإعدادات',
      'tab.test': 'تجربة نص',
      'tab.proposal': 'تغيير مقترح',
      'tab.versions': 'الإصدارات',
      'tab.stats': 'الإحصاءات',
      'tab.users': 'المستخدمون',
      'overview.version': 'الإصدار {v}',
      'overview.inForce': 'المطبَّق على هذا الخادم: {v}',
      'overview.terms': 'كلمات: {n}',
      'overview.rules': 'قواعد: {n}',
      'overview.shadow': 'تجريبية: {n}',
      'overview.disabled': 'معطّلة: {n}',
      'f.term': 'الكلمة أو العبارة',
      'f.category': 'الفئة',
      'f.weight': 'الوزن',
      'f.action': 'الإجراء',
      'f.match': 'المطابقة',
      'f.list': 'القائمة',
      'f.note': 'ملاحظة',
      'f.shadow': 'تجريبي',
      'f.shadowLong': 'تجريبي (يُسجَّل ولا يُحتسب)',
      'f.enabled': 'مفعّل',
      'f.version': 'الإصدار',
      'f.actions': 'إجراءات',
      'f.limit': 'لكل صفحة',
      'f.pattern': 'النمط (تعبير نمطي)',
      'f.name': 'الاسم',
      'f.target': 'يُطبَّق على',
      'f.description': 'الوصف (يظهر للمشرفين)',
      'field.term': 'الكلمة',
      'field.category': 'الفئة',
      'field.weight': 'الوزن',
      'field.action': 'الإجراء',
      'field.match': 'المطابقة',
      'field.list': 'القائمة',
      'field.note': 'الملاحظة',
      'field.pattern': 'النمط',
      'field.name': 'الاسم',
      'field.description': 'الوصف',
      'field.settings': 'الإعدادات',
      'field.lines': 'الأسطر',
      'field.format': 'الصيغة',
      'field.days': 'الأيام',
      'field.comments': 'عدد التعليقات',
      'field.limit': 'العدد',
      'field.offset': 'البداية',
      'field.username': 'اسم المستخدم',
      'field.password': 'كلمة المرور',
      'field.proposal': 'التغيير المقترح',
      'field.add_terms': 'كلمات للإضافة',
      'field.remove_terms': 'كلمات للحذف',
      'field.add_rules': 'قواعد للإضافة',
      'field.remove_rules': 'قواعد للحذف',
      'field.body': 'النص',
      'cat.profanity': 'بذاءة', 'cat.insult': 'إهانة', 'cat.hate': 'كراهية', 'cat.identity': 'هوية',
      'cat.spam_phrase': 'عبارة إعلانية', 'cat.contact': 'وسيلة تواصل', 'cat.link': 'رابط',
      'cat.domain_block': 'نطاق محظور', 'cat.domain_allow': 'نطاق موثوق', 'cat.phone': 'رقم هاتف',
      'cat.disposable_email': 'بريد مؤقت', 'cat.obfuscation': 'تمويه', 'cat.repetition': 'تكرار',
      'cat.duplicate': 'تعليق مكرر', 'cat.honeypot': 'فخ الروبوتات', 'cat.timing': 'سرعة الإرسال',
      'cat.reputation': 'سمعة الكاتب', 'cat.rule': 'قاعدة',
      'action.score': 'درجة فقط',
      'action.hold': 'مراجعة',
      'action.spam': 'سبام',
      'action.block': 'حجب',
      'match.token': 'كلمة كاملة',
      'match.phrase': 'عبارة',
      'match.prefix': 'بداية كلمة',
      'target.body': 'النص',
      'target.name': 'الاسم',
      'target.email': 'البريد',
      'target.url': 'الروابط',
      'class.ok': 'سليم',
      'class.hold': 'مشتبه به',
      'class.spam': 'سبام',
      'class.block': 'محظور',
      'status.pending': 'قيد المراجعة',
      'status.approved': 'منشور',
      'status.rejected': 'مرفوض',
      'status.spam': 'سبام',
      'status.blocked': 'محجوب',
      'role.moderator': 'مشرف',
      'role.admin': 'مدير',
      'state.active': 'فعّال',
      'state.disabled': 'معطّل',
      'yes': 'نعم',
      'no': 'لا',
      'you': 'أنت',
      'loading': 'جارٍ التحميل…',
      'filters.any': 'الكل',
      'filters.apply': 'عرض',
      'pager.prev': 'السابق',
      'pager.next': 'التالي',
      'pager.page': 'صفحة {n} من {of}',
      'op.add': 'إضافة',
      'op.save': 'حفظ',
      'op.saveChanges': 'حفظ التعديلات',
      'op.stage': 'أضف إلى التغيير المقترح',
      'op.stageShort': 'إلى المقترح',
      'op.stageRemove': 'حذف مقترح',
      'op.stageRemoveTitle': 'أضف حذفه إلى التغيير المقترح بدلاً من حذفه الآن',
      'op.cancel': 'إلغاء',
      'op.cancelEdit': 'إلغاء التعديل',
      'op.edit': 'تعديل',
      'op.delete': 'حذف',
      'op.refresh': 'تحديث',
      'op.reset': 'تراجع عن التعديلات',
      'saved': '{what} · الإصدار {version}',
      'saved.termAdded': 'أُضيفت «{term}»',
      'saved.termChanged': 'عُدّلت «{term}»',
      'saved.termRemoved': 'حُذفت «{term}»',
      'saved.ruleAdded': 'أُضيفت القاعدة {name}',
      'saved.ruleChanged': 'عُدّلت القاعدة {name}',
      'saved.ruleRemoved': 'حُذفت القاعدة {name}',
      'saved.settings': 'حُفظت الإعدادات',
      'error.network': 'تعذّر الاتصال بالخادم، تحقق من الشبكة وأعد المحاولة',
      'error.retry': 'أعد المحاولة بعد {n} ثانية',
      'error.forbiddenWrite': 'رفض الخادم هذا التغيير: يحتاج حساب مدير، ويجب فتح الصفحة من عنوان الخادم نفسه',
      'error.gone': 'لم يعد هذا العنصر موجوداً؛ حُدّثت القائمة',
      'error.number': 'أدخل رقماً صحيحاً',
      'error.required': 'هذا الحقل إجباري',
      'toast.close': 'إغلاق',
      'terms.add': 'إضافة كلمة',
      'terms.termPh': 'كلمة، أو بداية كلمة تنتهي بـ *',
      'terms.filters': 'تصفية الكلمات',
      'terms.q': 'بحث في الكلمة أو صيغتها الموحّدة',
      'terms.count': '{from}–{to} من {total}',
      'terms.empty': 'لا كلمات بهذه التصفية',
      'terms.export': 'تصدير بالتصفية الحالية:',
      'terms.exportText': 'نص',
      'terms.keyTitle': 'الصيغة الموحّدة التي يطابقها المرشح',
      'terms.deleteTitle': 'حذف كلمة',
      'terms.deleteText': 'ستُحذف «{term}» من المرشح الآن (تبقى في الإصدارات السابقة ويمكن استعادتها).',
      'import.title': 'استيراد قائمة',
      'import.format': 'الصيغة',
      'import.text': 'نص (كلمة في كل سطر)',
      'import.file': 'من ملف',
      'import.body': 'النص',
      'import.bodyPh': 'كلمة في كل سطر؛ # للتعليقات؛ «كلمة | 3» لوزن خاص؛ * في آخر الكلمة لبدايتها',
      'import.hint': 'الاستيراد كل شيء أو لا شيء: سطر واحد خاطئ يرفض الملف كله.',
      'import.go': 'استيراد',
      'import.pickCategory': 'اختر الفئة…',
      'import.actionDefault': 'الافتراضي',
      'import.needCategory': 'الفئة إجبارية لاستيراد النص',
      'import.empty': 'لا شيء للاستيراد',
      'import.readFailed': 'تعذّرت قراءة الملف',
      'import.done': 'أُضيف {added} من الكلمات، وتُرك {skipped} موجود من قبل · الإصدار {version}',
      'import.nothing': 'لا جديد: كل الكلمات ({skipped}) موجودة من قبل، ولم يُنشأ إصدار',
      'import.refused': 'رُفض الاستيراد كله، الأسطر الخاطئة: {n}',
      'import.first50': '(تُعرض أول خمسين فقط)',
      'rules.add': 'إضافة قاعدة',
      'rules.edit': 'تعديل القاعدة {name}',
      'rules.namePh': 'يُشتق من النمط',
      'rules.count': 'قواعد: {n}',
      'rules.empty': 'لا قواعد بعد',
      'rules.deleteTitle': 'حذف قاعدة',
      'rules.deleteText': 'ستُحذف القاعدة {name} من المرشح الآن (تبقى في الإصدارات السابقة ويمكن استعادتها).',
      'settings.title': 'العتبات والأوزان',
      'settings.version': 'الإصدار {v}',
      'settings.thresholds': 'العتبات',
      'settings.thresholdsHint': 'مجموع الدرجات الذي يُعلَّق عنده التعليق للمراجعة، ودرجة عائلة السبام التي يصبح عندها سبام، ودرجة عائلة الإساءة التي يُحجب عندها.',
      'settings.hold': 'مراجعة (hold)',
      'settings.spam': 'سبام (spam)',
      'settings.block': 'حجب (block)',
      'settings.signals': 'أوزان الإشارات',
      'settings.categoryActions': 'إجراء كل فئة',
      'settings.categoryHint': 'أدنى تصنيف تفرضه أي إصابة من هذه الفئة، إضافة إلى إجراء كل كلمة. كلمات الهوية لا تفرض أكثر من المراجعة.',
      'settings.noAction': 'لا شيء',
      'settings.changed': 'تعديلات غير محفوظة: {n}',
      'settings.nothing': 'لم يتغير شيء',
      'signal.link': 'رابط (لكل رابط، حتى ثلاثة)',
      'signal.phone': 'رقم هاتف',
      'signal.spelled_phone': 'رقم هاتف مكتوب بالحروف',
      'signal.email_in_text': 'بريد إلكتروني في النص',
      'signal.obfuscated_link': 'رابط مموّه («نقطة كوم»)',
      'signal.hidden_characters': 'حروف خفية',
      'signal.mixed_script': 'خلط الأبجديات في كلمة',
      'signal.split_letters': 'حروف مفرّقة أو مموّهة',
      'signal.repeated_word': 'كلمة مكررة',
      'signal.shouting': 'صراخ (أحرف كبيرة)',
      'signal.emoji_flood': 'فيض رموز تعبيرية',
      'signal.disposable_email': 'بريد مؤقت',
      'signal.honeypot': 'فخ الروبوتات',
      'signal.too_fast': 'إرسال سريع جداً',
      'signal.too_fast_ms': 'حد السرعة (ملّي ثانية)',
      'signal.duplicate_other': 'نص مكرر من كاتب آخر',
      'signal.duplicate_same': 'نص مكرر من الكاتب نفسه',
      'signal.trusted_author': 'كاتب موثوق (سالب)',
      'signal.trusted_after': 'تعليقات منشورة ليصبح الكاتب موثوقاً',
      'signal.known_spammer': 'مرسل سبام معروف (لكل تعليق سبام)',
      'signal.abuse_model': 'النموذج المتعلم يراه مسيئاً (0 يوقفه)',
      'signal.identity_boost': 'هوية مع إهانة (لكل كلمة هوية)',
      'signalHint.too_fast_ms': 'عدد صحيح: أقل مدة بين عرض النموذج وإرساله',
      'signalHint.trusted_after': 'عدد صحيح',
      'signalHint.trusted_author': 'وزن سالب يخفض الدرجة',
      'test.title': 'جرّب نصاً',
      'test.body': 'نص التعليق',
      'test.name': 'الاسم (اختياري)',
      'test.email': 'البريد (اختياري)',
      'test.nameShort': 'الاسم:',
      'test.emailShort': 'البريد:',
      'test.underProposal': 'بحسب التغيير المقترح',
      'test.underProposalN': 'بحسب التغيير المقترح ({n})',
      'test.go': 'جرّب',
      'test.needBody': 'اكتب نصاً لتجربته',
      'test.resultLive': 'المرشح الحالي (الإصدار {v})',
      'test.resultProposed': 'مع التغيير المقترح (على الإصدار {v})',
      'test.resultNoProposal': 'لا تغيير مقترح: النتيجة نفسها',
      'test.thresholds': 'العتبات: مراجعة {hold} · سبام {spam} · حجب {block}',
      'hits.title': 'أسباب التعليم',
      'hits.none': 'لم يجد المرشح شيئاً',
      'hits.shadow': 'تجريبي',
      'hits.forces': 'يفرض: {class}',
      'hits.field': 'في: {field}',
      'hit.new': 'إصابة جديدة',
      'hit.lost': 'إصابة زالت',
      'where.body': 'النص',
      'where.name': 'الاسم',
      'where.email': 'البريد',
      'where.website': 'الموقع',
      'where.meta': 'السياق',
      'keys.title': 'الصيغ الموحّدة التي طابقها المرشح',
      'keys.text': 'النص',
      'keys.joined': 'بعد ضم الحروف المفرّقة',
      'keys.leet': 'بعد قراءة الحروف اللاتينية المموّهة',
      'stage.open': 'عرض التغيير المقترح',
      'stage.nothing': 'لم يتغير شيء',
      'stage.termAdded': 'أُضيفت «{term}» إلى التغيير المقترح',
      'stage.termChanged': 'أُضيف تعديل «{term}» إلى التغيير المقترح',
      'stage.termRemoved': 'أُضيف حذف «{term}» إلى التغيير المقترح',
      'stage.ruleAdded': 'أُضيفت القاعدة {name} إلى التغيير المقترح',
      'stage.ruleChanged': 'أُضيف تعديل القاعدة {name} إلى التغيير المقترح',
      'stage.ruleRemoved': 'أُضيف حذف القاعدة {name} إلى التغيير المقترح',
      'stage.settings': 'أُضيفت تعديلات الإعدادات إلى التغيير المقترح',
      'stage.addTerms': 'كلمات تُضاف',
      'stage.changeTerms': 'كلمات تُعدَّل',
      'stage.removeTerms': 'كلمات تُحذف',
      'stage.addRules': 'قواعد تُضاف',
      'stage.changeRules': 'قواعد تُعدَّل',
      'stage.removeRules': 'قواعد تُحذف',
      'stage.settingsTitle': 'الإعدادات',
      'stage.drop': 'إزالة',
      'stage.as.change': 'تعديل مقترح',
      'stage.as.remove': 'حذف مقترح',
      'proposal.title': 'التغيير المقترح',
      'proposal.hint': 'جهّز تغييراً بأزرار «أضف إلى التغيير المقترح» في الكلمات والقواعد والإعدادات، ثم جرّبه واختبره على التعليقات السابقة قبل تطبيقه.',
      'proposal.empty': 'لا شيء في التغيير المقترح بعد',
      'proposal.base': 'جُهّز على الإصدار {v}',
      'proposal.stale': 'تغيّر المرشح منذ تجهيز هذا الاقتراح (الإصدار {from} ← {to}). التجربة والاختبار يُطبّقانه على الإصدار الحالي.',
      'proposal.apply': 'تطبيق التغيير',
      'proposal.discard': 'تجاهل التغيير',
      'proposal.applyTitle': 'تطبيق التغيير المقترح',
      'proposal.applyText': 'سيُطبَّق {n} من التغييرات الآن، كلٌّ في إصدار جديد من المرشح.',
      'proposal.applyWarn': 'تنبيه: الاختبار الأخير يقول إن هذا التغيير كان سيعلّق {n} من التعليقات التي نشرها المشرفون.',
      'proposal.discardTitle': 'تجاهل التغيير المقترح',
      'proposal.discardText': 'ستُمحى التغييرات المقترحة ({n}) دون تطبيقها.',
      'proposal.discarded': 'مُحي التغيير المقترح',
      'proposal.testTitle': 'جرّب نصاً: الحالي والمقترح',
      'proposal.resultStale': 'تغيّر الاقتراح بعد هذه النتيجة؛ أعد التجربة أو الاختبار.',
      'apply.removeTerm': 'حذف «{term}»',
      'apply.changeTerm': 'تعديل «{term}»',
      'apply.addTerm': 'إضافة «{term}»',
      'apply.removeRule': 'حذف القاعدة {name}',
      'apply.changeRule': 'تعديل القاعدة {name}',
      'apply.addRule': 'إضافة القاعدة {name}',
      'apply.settings': 'حفظ الإعدادات',
      'apply.alreadyGone': 'محذوف من قبل',
      'apply.done': 'طُبّق التغيير: {n} من الخطوات · الإصدار {version}',
      'apply.failed': 'توقف التطبيق بعد {done} من الخطوات؛ بقي في التغيير المقترح: {left}',
      'backtest.title': 'اختبار على التعليقات السابقة',
      'backtest.hint': 'يعيد فحص التعليقات المخزنة بالمرشح الحالي وبالمقترح، ويقارن الاثنين بقرارات المشرفين.',
      'backtest.days': 'آخر كم يوماً',
      'backtest.comments': 'أقصى عدد من التعليقات (اختياري)',
      'backtest.go': 'شغّل الاختبار',
      'backtest.badDays': 'من 1 إلى 365 يوماً',
      'backtest.badComments': 'من 1 إلى 200000',
      'backtest.flaggedApproved': 'كان هذا التغيير سيعلّق {n} من التعليقات التي نشرها المشرفون',
      'backtest.flaggedApprovedNone': 'لن يعلّق هذا التغيير أي تعليق نشره المشرفون',
      'backtest.passedBad': 'وكان سيمرّر {n} من التعليقات التي رفضها المشرفون أو علّموها سبام',
      'backtest.passedBadNone': 'ولن يمرّر أي تعليق رفضه المشرفون أو علّموه سبام',
      'backtest.window': 'آخر {days} يوماً، على الإصدار {v}',
      'backtest.emptyProposal': 'التغيير المقترح فارغ: الأرقام للمرشح الحالي وحده.',
      'backtest.replayed': 'تعليقات أُعيد فحصها',
      'backtest.decided': 'منها قرّر فيها مشرف',
      'backtest.changed': 'تغيّر تصنيفها',
      'backtest.elapsed': 'ملّي ثانية',
      'backtest.transitions': 'تغيّرات التصنيف',
      'backtest.quality': 'الدقة والاستدعاء قبل وبعد',
      'backtest.qualityHint': 'الدقة: نسبة ما علّمه المرشح وكان المشرفون قد رفضوه. الاستدعاء: نسبة ما رفضه المشرفون وعلّمه المرشح. التعليقات التي لم يقرر فيها أحد لا تُحسب.',
      'backtest.metric': 'المقياس',
      'backtest.before': 'الحالي',
      'backtest.after': 'المقترح',
      'backtest.delta': 'الفرق',
      'backtest.na': 'لا ينطبق',
      'backtest.kind.spam': 'السبام (تصنيف سبام مقابل ما علّمه المشرفون سبام)',
      'backtest.kind.hold': 'التعليق للمراجعة (أي تصنيف غير سليم مقابل المرفوض والسبام)',
      'backtest.m.precision': 'الدقة',
      'backtest.m.recall': 'الاستدعاء',
      'backtest.m.flagged': 'ما علّمه المرشح',
      'backtest.m.true_positives': 'إصابات صحيحة',
      'backtest.m.false_positives': 'إنذارات خاطئة',
      'backtest.m.false_negatives': 'ما فاته',
      'backtest.classes': 'التعليقات حسب التصنيف',
      'backtest.examples': 'أمثلة تغيّر تصنيفها ({n})',
      'backtest.noExamples': 'لم يتغير تصنيف أي تعليق',
      'versions.title': 'إصدارات المرشح',
      'versions.limit': 'عدد',
      'versions.version': 'الإصدار',
      'versions.when': 'التاريخ',
      'versions.who': 'بواسطة',
      'versions.summary': 'الملخص',
      'versions.opened': 'صفوف فُتحت',
      'versions.closed': 'صفوف أُغلقت',
      'versions.current': 'الحالي',
      'versions.details': 'التفاصيل',
      'versions.hide': 'إخفاء',
      'versions.restore': 'استعادة',
      'versions.isCurrent': 'هذا هو الإصدار الحالي',
      'versions.restoreTitle': 'استعادة الإصدار {v}',
      'versions.restoreText': 'سيُنشأ إصدار جديد كلماته وقواعده وإعداداته هي نفسها في الإصدار {v}، ويُطبَّق فوراً.',
      'versions.restored': 'استُعيد الإصدار {from} في الإصدار الجديد {v}',
      'versions.short': 'الإصدار {v}',
      'versions.noRows': 'لم يغيّر هذا الإصدار كلمات ولا قواعد (إعدادات فقط، أو بداية المرشح).',
      'versions.termsAdded': 'كلمات أُضيفت',
      'versions.termsChanged': 'كلمات عُدّلت',
      'versions.termsRemoved': 'كلمات حُذفت',
      'versions.rulesAdded': 'قواعد أُضيفت',
      'versions.rulesChanged': 'قواعد عُدّلت',
      'versions.rulesRemoved': 'قواعد حُذفت',
      'stats.days': 'آخر كم يوماً (حتى 90)',
      'stats.filter': 'تصفية بالمعرّف',
      'stats.harmfulOnly': 'الضارة فقط',
      'stats.badDays': 'من 1 إلى 90 يوماً',
      'stats.rule': 'المعرّف',
      'stats.hits7': 'إصابات ٧ أيام',
      'stats.hitsN': 'إصابات {n} يوماً',
      'stats.approved': 'نشرها المشرفون',
      'stats.rejected': 'رفضها المشرفون',
      'stats.share': 'نسبة المنشور',
      'stats.shareOf': '{a} من {d} من القرارات',
      'stats.outcomes': 'المآل',
      'stats.lastSeen': 'آخر إصابة',
      'stats.examples': 'أمثلة',
      'stats.empty': 'لا إصابات في هذه الفترة',
      'stats.comments': 'تعليقات الفترة: {n} (آخر {days} يوماً)',
      'stats.silent': 'مدخلات صامتة: {n}',
      'stats.silentHint': 'كلمات وقواعد مفعّلة لم تُصب مرة واحدة في الفترة: مرشحة للحذف',
      'stats.harmfulCount': 'ضارة: {n} (نصف ما أصابته أو أكثر نشره المشرفون)',
      'stats.open': 'عرضها',
      'users.title': 'المستخدمون',
      'users.username': 'اسم المستخدم',
      'users.role': 'الدور',
      'users.password': 'كلمة المرور (اختيارية)',
      'users.passwordPh': 'تُولَّد تلقائياً إن تُركت فارغة',
      'users.create': 'إنشاء مستخدم',
      'users.created': 'أُنشئ المستخدم {user}',
      'users.createdAt': 'أُنشئ',
      'users.taken': 'هذا الاسم مستخدم',
      'users.state': 'الحالة',
      'users.mustChange': 'يجب أن يغيّر كلمة المرور',
      'users.disable': 'تعطيل',
      'users.enable': 'تفعيل',
      'users.disabled': 'عُطّل {user}',
      'users.enabled': 'فُعّل {user}',
      'users.disableTitle': 'تعطيل حساب',
      'users.disableText': 'سيُعطَّل {user} وتنتهي جلساته ومفاتيحه فوراً.',
      'users.reset': 'كلمة مرور جديدة',
      'users.resetTitle': 'إعادة تعيين كلمة المرور',
      'users.resetText': 'ستُولَّد كلمة مرور جديدة لـ {user} وتنتهي كل جلساته، وعليه تغييرها عند الدخول.',
      'users.roleChanged': 'أصبح {user} {role}',
      'tokens.title': 'مفاتيح الواجهة البرمجية',
      'tokens.name': 'الغرض',
      'tokens.namePh': 'مثلاً: ربط نظام إدارة المحتوى',
      'tokens.user': 'يعمل باسم',
      'tokens.me': 'أنا',
      'tokens.expires': 'ينتهي بعد (أيام، اختياري)',
      'tokens.expiresAt': 'ينتهي',
      'tokens.never': 'لا ينتهي',
      'tokens.create': 'إنشاء مفتاح',
      'tokens.revoke': 'إلغاء',
      'tokens.revoked': 'ملغى',
      'tokens.expired': 'منتهٍ',
      'tokens.revokeTitle': 'إلغاء مفتاح',
      'tokens.revokeText': 'سيتوقف المفتاح «{name}» عن العمل فوراً.',
      'tokens.revokedDone': 'أُلغي المفتاح',
      'tokens.noUser': 'لا مستخدم بهذا الاسم',
      'tokens.empty': 'لا مفاتيح بعد',
      'secret.copy': 'نسخ',
      'secret.done': 'حفظته، أخفِه',
      'secret.once': 'لن يُعرض مرة أخرى.',
      'secret.copied': 'نُسخ',
      'secret.selected': 'حُدّد النص؛ انسخه بـ Ctrl+C',
      'secret.created': 'كلمة مرور {user} (عليه تغييرها عند أول دخول):',
      'secret.reset': 'كلمة المرور الجديدة لـ {user} (عليه تغييرها عند الدخول):',
      'secret.token': 'المفتاح «{name}» (#{id}):',
    },
    en: {
      'app.title': 'raqib · filter admin',
      'app.console': 'Moderation console',
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
      'forbidden.title': 'This page is for admins',
      'forbidden.text': 'The server refused: this page needs an admin account. If your password was reset, change it first.',
      'forbidden.moderator': 'Your account is a moderator account; this page needs an admin. You can work in the moderation console.',
      'forbidden.other': 'Sign in as someone else',
      'tabs.label': 'Sections',
      'tab.terms': 'Terms',
      'tab.rules': 'Rules',
      'tab.settings': 'Settings',
      'tab.test': 'Test a text',
      'tab.proposal': 'Pending change',
      'tab.versions': 'Versions',
      'tab.stats': 'Statistics',
      'tab.users': 'Users and tokens',
      'overview.version': 'Version {v}',
      'overview.inForce': 'in force on this server: {v}',
      'overview.terms': '{n} terms',
      'overview.rules': '{n} rules',
      'overview.shadow': '{n} shadow',
      'overview.disabled': '{n} disabled',
      'f.term': 'Term or phrase',
      'f.category': 'Category',
      'f.weight': 'Weight',
      'f.action': 'Action',
      'f.match': 'Match',
      'f.list': 'List',
      'f.note': 'Note',
      'f.shadow': 'Shadow',
      'f.shadowLong': 'Shadow (recorded, not counted)',
      'f.enabled': 'Enabled',
      'f.version': 'Version',
      'f.actions': 'Actions',
      'f.limit': 'Per page',
      'f.pattern': 'Pattern (regular expression)',
      'f.name': 'Name',
      'f.target': 'Applies to',
      'f.description': 'Description (shown to moderators)',
      'field.term': 'term',
      'field.category': 'category',
      'field.weight': 'weight',
      'field.action': 'action',
      'field.match': 'match',
      'field.list': 'list',
      'field.note': 'note',
      'field.pattern': 'pattern',
      'field.name': 'name',
      'field.description': 'description',
      'field.settings': 'settings',
      'field.lines': 'lines',
      'field.format': 'format',
      'field.days': 'days',
      'field.comments': 'comments',
      'field.limit': 'limit',
      'field.offset': 'offset',
      'field.username': 'username',
      'field.password': 'password',
      'field.proposal': 'proposal',
      'field.add_terms': 'terms to add',
      'field.remove_terms': 'terms to remove',
      'field.add_rules': 'rules to add',
      'field.remove_rules': 'rules to remove',
      'field.body': 'text',
      'cat.profanity': 'profanity', 'cat.insult': 'insult', 'cat.hate': 'hate', 'cat.identity': 'identity',
      'cat.spam_phrase': 'spam phrase', 'cat.contact': 'contact handle', 'cat.link': 'link',
      'cat.domain_block': 'blocked domain', 'cat.domain_allow': 'trusted domain', 'cat.phone': 'phone number',
      'cat.disposable_email': 'disposable email', 'cat.obfuscation': 'obfuscation', 'cat.repetition': 'repetition',
      'cat.duplicate': 'duplicate', 'cat.honeypot': 'honeypot', 'cat.timing': 'timing',
      'cat.reputation': 'reputation', 'cat.rule': 'rule',
      'action.score': 'score only',
      'action.hold': 'hold',
      'action.spam': 'spam',
      'action.block': 'block',
      'match.token': 'whole word',
      'match.phrase': 'phrase',
      'match.prefix': 'word start',
      'target.body': 'text',
      'target.name': 'name',
      'target.email': 'email',
      'target.url': 'links',
      'class.ok': 'ok',
      'class.hold': 'hold',
      'class.spam': 'spam',
      'class.block': 'block',
      'status.pending': 'Pending',
      'status.approved': 'Approved',
      'status.rejected': 'Rejected',
      'status.spam': 'Spam',
      'status.blocked': 'Blocked',
      'role.moderator': 'moderator',
      'role.admin': 'admin',
      'state.active': 'active',
      'state.disabled': 'disabled',
      'yes': 'yes',
      'no': 'no',
      'you': 'you',
      'loading': 'Loading…',
      'filters.any': 'Any',
      'filters.apply': 'Show',
      'pager.prev': 'Previous',
      'pager.next': 'Next',
      'pager.page': 'page {n} of {of}',
      'op.add': 'Add',
      'op.save': 'Save',
      'op.saveChanges': 'Save changes',
      'op.stage': 'Stage instead of saving',
      'op.stageShort': 'Stage',
      'op.stageRemove': 'Stage removal',
      'op.stageRemoveTitle': 'Add its removal to the pending change instead of removing it now',
      'op.cancel': 'Cancel',
      'op.cancelEdit': 'Cancel editing',
      'op.edit': 'Edit',
      'op.delete': 'Delete',
      'op.refresh': 'Refresh',
      'op.reset': 'Undo my edits',
      'saved': '{what} · version {version}',
      'saved.termAdded': 'Added “{term}”',
      'saved.termChanged': 'Changed “{term}”',
      'saved.termRemoved': 'Removed “{term}”',
      'saved.ruleAdded': 'Added rule {name}',
      'saved.ruleChanged': 'Changed rule {name}',
      'saved.ruleRemoved': 'Removed rule {name}',
      'saved.settings': 'Settings saved',
      'error.network': 'Could not reach the server; check the network and try again',
      'error.retry': 'try again in {n} s',
      'error.forbiddenWrite': 'The server refused this change: it needs an admin account, and the page must be opened from the server\'s own address',
      'error.gone': 'That item no longer exists; the list was refreshed',
      'error.number': 'Enter a valid number',
      'error.required': 'Required',
      'toast.close': 'Dismiss',
      'terms.add': 'Add a term',
      'terms.termPh': 'a word, or a word start ending in *',
      'terms.filters': 'Term filters',
      'terms.q': 'Search the term or its normalized form',
      'terms.count': '{from}–{to} of {total}',
      'terms.empty': 'No terms match these filters',
      'terms.export': 'Export with these filters:',
      'terms.exportText': 'text',
      'terms.keyTitle': 'The normalized form the filter matches',
      'terms.deleteTitle': 'Delete a term',
      'terms.deleteText': '“{term}” will be removed from the filter now (it stays in earlier versions and can be restored).',
      'import.title': 'Import a list',
      'import.format': 'Format',
      'import.text': 'Text (one term per line)',
      'import.file': 'From a file',
      'import.body': 'Text',
      'import.bodyPh': 'one term per line; # for comments; "term | 3" for its own weight; a trailing * for a word start',
      'import.hint': 'All or nothing: one bad line refuses the whole import.',
      'import.go': 'Import',
      'import.pickCategory': 'Choose a category…',
      'import.actionDefault': 'default',
      'import.needCategory': 'A category is required for a text import',
      'import.empty': 'Nothing to import',
      'import.readFailed': 'Could not read the file',
      'import.done': '{added} terms added, {skipped} already there · version {version}',
      'import.nothing': 'Nothing new: all {skipped} terms were already there; no version was made',
      'import.refused': 'The whole import was refused; bad lines: {n}',
      'import.first50': '(the first fifty are shown)',
      'rules.add': 'Add a rule',
      'rules.edit': 'Edit rule {name}',
      'rules.namePh': 'made from the pattern',
      'rules.count': '{n} rules',
      'rules.empty': 'No rules yet',
      'rules.deleteTitle': 'Delete a rule',
      'rules.deleteText': 'Rule {name} will be removed from the filter now (it stays in earlier versions and can be restored).',
      'settings.title': 'Thresholds and weights',
      'settings.version': 'version {v}',
      'settings.thresholds': 'Thresholds',
      'settings.thresholdsHint': 'The total score from which a comment is held for a moderator, the spam-family score from which it is spam, and the abuse-family score from which it is blocked.',
      'settings.hold': 'Hold',
      'settings.spam': 'Spam',
      'settings.block': 'Block',
      'settings.signals': 'Signal weights',
      'settings.categoryActions': 'Per-category actions',
      'settings.categoryHint': 'The class any hit of the category forces at least, beside each term\'s own action. Identity terms never force more than hold.',
      'settings.noAction': 'none',
      'settings.changed': '{n} unsaved edits',
      'settings.nothing': 'Nothing changed',
      'signal.link': 'Link (per link, up to three)',
      'signal.phone': 'Phone number',
      'signal.spelled_phone': 'Phone number in words',
      'signal.email_in_text': 'Email address in the text',
      'signal.obfuscated_link': 'Obfuscated link ("dot com")',
      'signal.hidden_characters': 'Hidden characters',
      'signal.mixed_script': 'Mixed scripts in a word',
      'signal.split_letters': 'Split or disguised letters',
      'signal.repeated_word': 'Repeated word',
      'signal.shouting': 'Shouting',
      'signal.emoji_flood': 'Emoji flood',
      'signal.disposable_email': 'Disposable email',
      'signal.honeypot': 'Honeypot',
      'signal.too_fast': 'Sent too fast',
      'signal.too_fast_ms': 'Too fast below (ms)',
      'signal.duplicate_other': 'Same text as someone else',
      'signal.duplicate_same': 'Same text by the same author',
      'signal.trusted_author': 'Trusted author (negative)',
      'signal.trusted_after': 'Approved comments to be trusted',
      'signal.known_spammer': 'Known spammer (per spam comment)',
      'signal.abuse_model': 'The learned model finds it offensive (0 turns it off)',
      'signal.identity_boost': 'Identity with an insult (per identity term)',
      'signalHint.too_fast_ms': 'A whole number: the shortest time between serving the form and sending it',
      'signalHint.trusted_after': 'A whole number',
      'signalHint.trusted_author': 'A negative weight lowers the score',
      'test.title': 'Test a text',
      'test.body': 'Comment text',
      'test.name': 'Name (optional)',
      'test.email': 'Email (optional)',
      'test.nameShort': 'name:',
      'test.emailShort': 'email:',
      'test.underProposal': 'Under the pending change',
      'test.underProposalN': 'Under the pending change ({n})',
      'test.go': 'Test',
      'test.needBody': 'Type a text to test',
      'test.resultLive': 'Live filter (version {v})',
      'test.resultProposed': 'With the pending change (on version {v})',
      'test.resultNoProposal': 'No pending change: the same result',
      'test.thresholds': 'thresholds: hold {hold} · spam {spam} · block {block}',
      'hits.title': 'Why it was flagged',
      'hits.none': 'The filter found nothing',
      'hits.shadow': 'shadow',
      'hits.forces': 'forces: {class}',
      'hits.field': 'in: {field}',
      'hit.new': 'new hit',
      'hit.lost': 'hit no longer there',
      'where.body': 'text',
      'where.name': 'name',
      'where.email': 'email',
      'where.website': 'website',
      'where.meta': 'context',
      'keys.title': 'Normalized keys the filter matched on',
      'keys.text': 'text',
      'keys.joined': 'split letters joined',
      'keys.leet': 'lookalikes and leetspeak read',
      'stage.open': 'Show the pending change',
      'stage.nothing': 'Nothing changed',
      'stage.termAdded': 'Staged: add “{term}”',
      'stage.termChanged': 'Staged: change “{term}”',
      'stage.termRemoved': 'Staged: remove “{term}”',
      'stage.ruleAdded': 'Staged: add rule {name}',
      'stage.ruleChanged': 'Staged: change rule {name}',
      'stage.ruleRemoved': 'Staged: remove rule {name}',
      'stage.settings': 'Staged: settings',
      'stage.addTerms': 'Terms to add',
      'stage.changeTerms': 'Terms to change',
      'stage.removeTerms': 'Terms to remove',
      'stage.addRules': 'Rules to add',
      'stage.changeRules': 'Rules to change',
      'stage.removeRules': 'Rules to remove',
      'stage.settingsTitle': 'Settings',
      'stage.drop': 'Drop',
      'stage.as.change': 'change staged',
      'stage.as.remove': 'removal staged',
      'proposal.title': 'Pending change',
      'proposal.hint': 'Build a change with the "Stage instead of saving" buttons in Terms, Rules and Settings; then test it and back-test it on past comments before applying it.',
      'proposal.empty': 'Nothing staged yet',
      'proposal.base': 'staged on version {v}',
      'proposal.stale': 'The filter changed since this was staged (version {from} → {to}). Tests and back-tests apply it to the current version.',
      'proposal.apply': 'Apply the change',
      'proposal.discard': 'Discard the change',
      'proposal.applyTitle': 'Apply the pending change',
      'proposal.applyText': '{n} changes will be made now, each as a new filter version.',
      'proposal.applyWarn': 'Warning: the last back-test says this change would have held {n} comments moderators approved.',
      'proposal.discardTitle': 'Discard the pending change',
      'proposal.discardText': 'The {n} staged changes will be dropped without being applied.',
      'proposal.discarded': 'Pending change discarded',
      'proposal.testTitle': 'Test a text: live and with the change',
      'proposal.resultStale': 'The pending change has changed since this result; run it again.',
      'apply.removeTerm': 'Remove “{term}”',
      'apply.changeTerm': 'Change “{term}”',
      'apply.addTerm': 'Add “{term}”',
      'apply.removeRule': 'Remove rule {name}',
      'apply.changeRule': 'Change rule {name}',
      'apply.addRule': 'Add rule {name}',
      'apply.settings': 'Save settings',
      'apply.alreadyGone': 'already gone',
      'apply.done': 'Change applied: {n} steps · version {version}',
      'apply.failed': 'Applying stopped after {done} steps; {left} remain staged',
      'backtest.title': 'Back-test on past comments',
      'backtest.hint': 'Replays stored comments through the live filter and the changed one, and compares both with what moderators decided.',
      'backtest.days': 'Last N days',
      'backtest.comments': 'At most N comments (optional)',
      'backtest.go': 'Run the back-test',
      'backtest.badDays': '1 to 365 days',
      'backtest.badComments': '1 to 200000',
      'backtest.flaggedApproved': 'This change would have held {n} comments moderators approved',
      'backtest.flaggedApprovedNone': 'This change would hold no comment moderators approved',
      'backtest.passedBad': 'and would have let through {n} comments moderators rejected or marked spam',
      'backtest.passedBadNone': 'and would let through no comment moderators rejected or marked spam',
      'backtest.window': 'last {days} days, on version {v}',
      'backtest.emptyProposal': 'Nothing is staged: the figures are the live filter\'s alone.',
      'backtest.replayed': 'comments replayed',
      'backtest.decided': 'decided by a moderator',
      'backtest.changed': 'would change class',
      'backtest.elapsed': 'milliseconds',
      'backtest.transitions': 'Class changes',
      'backtest.quality': 'Precision and recall, before and after',
      'backtest.qualityHint': 'Precision: the share of what the filter flagged that moderators rejected. Recall: the share of what moderators rejected that the filter flagged. Comments nobody decided are not counted.',
      'backtest.metric': 'Measure',
      'backtest.before': 'Live',
      'backtest.after': 'Changed',
      'backtest.delta': 'Difference',
      'backtest.na': 'n/a',
      'backtest.kind.spam': 'Spam (class spam vs. marked spam by moderators)',
      'backtest.kind.hold': 'Hold (any class but ok vs. rejected or spam)',
      'backtest.m.precision': 'precision',
      'backtest.m.recall': 'recall',
      'backtest.m.flagged': 'flagged',
      'backtest.m.true_positives': 'true positives',
      'backtest.m.false_positives': 'false positives',
      'backtest.m.false_negatives': 'missed',
      'backtest.classes': 'Comments per class',
      'backtest.examples': 'Comments whose class would change ({n})',
      'backtest.noExamples': 'No comment would change class',
      'versions.title': 'Filter versions',
      'versions.limit': 'Show',
      'versions.version': 'Version',
      'versions.when': 'When',
      'versions.who': 'By',
      'versions.summary': 'Summary',
      'versions.opened': 'Rows opened',
      'versions.closed': 'Rows closed',
      'versions.current': 'current',
      'versions.details': 'Details',
      'versions.hide': 'Hide',
      'versions.restore': 'Restore',
      'versions.isCurrent': 'This is the current version',
      'versions.restoreTitle': 'Restore version {v}',
      'versions.restoreText': 'A new version will be made whose terms, rules and settings are those of version {v}; it is in force at once.',
      'versions.restored': 'Version {from} restored as the new version {v}',
      'versions.short': 'version {v}',
      'versions.noRows': 'This version changed no term or rule (settings only, or the start of the filter).',
      'versions.termsAdded': 'Terms added',
      'versions.termsChanged': 'Terms changed',
      'versions.termsRemoved': 'Terms removed',
      'versions.rulesAdded': 'Rules added',
      'versions.rulesChanged': 'Rules changed',
      'versions.rulesRemoved': 'Rules removed',
      'stats.days': 'Last N days (up to 90)',
      'stats.filter': 'Filter by id',
      'stats.harmfulOnly': 'Harmful only',
      'stats.badDays': '1 to 90 days',
      'stats.rule': 'Rule id',
      'stats.hits7': 'Hits, 7 days',
      'stats.hitsN': 'Hits, {n} days',
      'stats.approved': 'Approved by moderators',
      'stats.rejected': 'Rejected by moderators',
      'stats.share': 'Approved share',
      'stats.shareOf': '{a} of {d} decisions',
      'stats.outcomes': 'Outcomes',
      'stats.lastSeen': 'Last hit',
      'stats.examples': 'Examples',
      'stats.empty': 'No hits in this window',
      'stats.comments': '{n} comments in the last {days} days',
      'stats.silent': '{n} silent entries',
      'stats.silentHint': 'Enabled terms and rules that did not fire once in the window: candidates for removal',
      'stats.harmfulCount': '{n} harmful (moderators approved half or more of what they hit)',
      'stats.open': 'Show it',
      'users.title': 'Users',
      'users.username': 'Username',
      'users.role': 'Role',
      'users.password': 'Password (optional)',
      'users.passwordPh': 'generated when left empty',
      'users.create': 'Create user',
      'users.created': 'User {user} created',
      'users.createdAt': 'Created',
      'users.taken': 'That name is taken',
      'users.state': 'State',
      'users.mustChange': 'must change password',
      'users.disable': 'Disable',
      'users.enable': 'Enable',
      'users.disabled': '{user} disabled',
      'users.enabled': '{user} enabled',
      'users.disableTitle': 'Disable an account',
      'users.disableText': '{user} will be disabled, and their sessions and tokens end at once.',
      'users.reset': 'New password',
      'users.resetTitle': 'Reset the password',
      'users.resetText': 'A new password will be generated for {user} and all their sessions end; they must change it when they sign in.',
      'users.roleChanged': '{user} is now {role}',
      'tokens.title': 'API tokens',
      'tokens.name': 'Purpose',
      'tokens.namePh': 'e.g. CMS integration',
      'tokens.user': 'Acts as',
      'tokens.me': 'me',
      'tokens.expires': 'Expires after (days, optional)',
      'tokens.expiresAt': 'Expires',
      'tokens.never': 'never',
      'tokens.create': 'Create token',
      'tokens.revoke': 'Revoke',
      'tokens.revoked': 'revoked',
      'tokens.expired': 'expired',
      'tokens.revokeTitle': 'Revoke a token',
      'tokens.revokeText': 'The token “{name}” stops working at once.',
      'tokens.revokedDone': 'Token revoked',
      'tokens.noUser': 'No such user',
      'tokens.empty': 'No tokens yet',
      'secret.copy': 'Copy',
      'secret.done': 'Saved it, hide',
      'secret.once': 'It will not be shown again.',
      'secret.copied': 'Copied',
      'secret.selected': 'Selected; copy it with Ctrl+C',
      'secret.created': 'Password of {user} (to be changed at first sign-in):',
      'secret.reset': 'New password of {user} (to be changed at sign-in):',
      'secret.token': 'Token “{name}” (#{id}):',
    },
  };


  const F = '/api/v1/admin/filter';
  // src/filter/model.rs, word-list categories first.
  const CATEGORIES = ['profanity', 'insult', 'hate', 'identity', 'spam_phrase', 'contact', 'obfuscation',
    'domain_block', 'domain_allow', 'disposable_email', 'link', 'phone', 'repetition', 'duplicate',
    'honeypot', 'timing', 'reputation', 'rule'];
  const ACTIONS = ['score', 'hold', 'spam', 'block'];
  const MATCHES = ['token', 'phrase', 'prefix'];
  const TARGETS = ['body', 'name', 'email', 'url'];
  const ROLES = ['moderator', 'admin'];
  const CLASSES = ['ok', 'hold', 'spam', 'block'];
  const TABS = ['terms', 'rules', 'settings', 'test', 'proposal', 'versions', 'stats', 'users'];
  // src/filter/settings.rs, SignalWeights, in its order; unknown keys from the server follow.
  const SIGNALS = ['link', 'phone', 'spelled_phone', 'email_in_text', 'obfuscated_link', 'hidden_characters',
    'mixed_script', 'split_letters', 'repeated_word', 'shouting', 'emoji_flood', 'disposable_email',
    'honeypot', 'too_fast', 'too_fast_ms', 'duplicate_other', 'duplicate_same', 'trusted_author',
    'trusted_after', 'known_spammer', 'identity_boost', 'abuse_model'];
  const INTEGER_SIGNALS = ['too_fast_ms', 'trusted_after'];
  const STAGE_KEY = 'raqib.admin.stage';
  // An approved share at or above these marks a rule as harmful / suspect in the statistics.
  const HARMFUL_SHARE = 0.5;
  const SUSPECT_SHARE = 0.2;

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
    role: null,                          // known only right after a login
    signedIn: false,
    forcedPassword: false,
    tab: null,
    overview: null,
    terms: {
      filters: { q: '', category: '', list: '', shadow: '', enabled: '', limit: 50 },
      offset: 0, total: 0, items: [], loaded: false, editing: null, flash: null, seq: 0,
    },
    rules: { items: [], loaded: false, editing: null, flash: null },
    settings: { view: null, loaded: false },
    test: null,                          // {request, result}
    compare: null,                       // {request, live, proposed}
    backtest: null,                      // the last report
    versions: { data: null, open: new Set(), details: new Map(), limit: 50 },
    stats: { data: null, sort: 'hits_30d', loaded: false },
    users: { list: [], tokens: [], loaded: false },
    stage: loadStage(),
    applying: false,
  };

  function loadStage() {
    const stage = emptyStage();
    try {
      const saved = JSON.parse(store.get(STAGE_KEY) || 'null');
      if (saved && typeof saved === 'object') {
        Object.keys(stage).forEach(function (key) {
          if (Array.isArray(stage[key]) && Array.isArray(saved[key])) stage[key] = saved[key];
        });
        if (saved.settings && typeof saved.settings === 'object') stage.settings = saved.settings;
        if (typeof saved.base === 'number') stage.base = saved.base;
      }
    } catch (e) { /* a broken saved stage is dropped */ }
    return stage;
  }

  function saveStage() {
    if (!stageSize(state.stage)) state.stage.base = null;
    store.set(STAGE_KEY, stageSize(state.stage) ? JSON.stringify(state.stage) : null);
    renderStageCount();
    // Results of the test and back-test were for the stage as it was.
    if (state.backtest && !state.backtest.stale) { state.backtest.stale = true; renderBacktest(); }
    if (state.compare && !state.compare.stale) { state.compare.stale = true; renderCompare(); }
  }

  /* ------------------------------------------------------------------ *
   * Small DOM and text helpers.                                         *
   * ------------------------------------------------------------------ */

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $all(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function hook(name) { return $('[data-raqib="' + name + '"]'); }
  function panel(name) { return $('[data-panel="' + name + '"]'); }

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

  /** A <select> with [value, label] options. */
  function selectEl(attrs, options, value) {
    const select = el('select', attrs);
    fill(select, options, value);
    return select;
  }

  function fill(select, options, value) {
    clear(select);
    options.forEach(function (o) { select.appendChild(el('option', { value: o[0], text: o[1] })); });
    const values = options.map(function (o) { return o[0]; });
    select.value = values.indexOf(value) >= 0 ? value : (values.length ? values[0] : '');
  }

  function checkbox(attrs, checked) {
    const input = el('input', Object.assign({ type: 'checkbox' }, attrs));
    input.checked = !!checked;
    return input;
  }

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

  /** A word that may be missing (a category or signal the page does not know yet). */
  function tOr(key, fallback) {
    const words = WORDS[state.lang];
    return Object.prototype.hasOwnProperty.call(words, key) ? words[key] : fallback;
  }

  function locale() { return state.lang === 'ar' ? 'ar' : 'en-GB'; }
  function listSeparator() { return state.lang === 'ar' ? '، ' : ', '; }

  function formatNumber(n, digits) {
    if (n === null || n === undefined || n === '') return '—';
    try {
      return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits === undefined ? 2 : digits }).format(n);
    } catch (e) { return String(n); }
  }

  function formatPercent(x) {
    if (x === null || x === undefined) return '—';
    try {
      return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 1 }).format(x);
    } catch (e) { return Math.round(x * 1000) / 10 + '%'; }
  }

  function signed(w) {
    const n = Number(w) || 0;
    return (n > 0 ? '+' : '') + formatNumber(n);
  }

  /** A time given as milliseconds since the epoch or an RFC 3339 string. */
  function formatTime(value) {
    if (value === null || value === undefined || value === '') return '—';
    const d = new Date(value);
    if (isNaN(d.getTime())) return String(value);
    try {
      return new Intl.DateTimeFormat(locale(), { dateStyle: 'medium', timeStyle: 'short' }).format(d);
    } catch (e) { return d.toLocaleString(); }
  }

  function isoTitle(value) {
    const d = new Date(value);
    return isNaN(d.getTime()) ? null : d.toISOString();
  }

  function catLabel(c) { return c ? tOr('cat.' + c, c) : '—'; }
  function actionLabel(a) { return tOr('action.' + a, a); }
  function classLabel(c) { return tOr('class.' + c, c); }

  function classBadge(c) {
    return el('span', { class: 'badge class-' + c, 'data-class': c, text: classLabel(c) });
  }

  /** An element's hidden flag. */
  function show(node, on) { if (node) node.hidden = !on; }

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

  /** "Saved: version N" after a change that made a filter version. */
  function savedToast(what, version) {
    toast(t('saved', { what: what, version: formatNumber(version, 0) }), 'ok');
  }

  /* ------------------------------------------------------------------ *
   * The API.                                                            *
   * ------------------------------------------------------------------ */

  function ApiError(status, body, retryAfter, method) {
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
   * options.text sends a raw text/plain body instead of JSON.
   */
  function api(method, path, body, options) {
    options = options || {};
    const headers = { 'Accept': 'application/json', 'Accept-Language': state.lang };
    const init = { method: method, headers: headers, credentials: 'same-origin', cache: 'no-store' };
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

  function query(params) {
    const p = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      const v = params[k];
      if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
    });
    const s = p.toString();
    return s ? '?' + s : '';
  }

  /**
   * What every caller does with an error it does not handle itself: 401 → sign in again,
   * 403 on a read → the page is not for this account, otherwise a toast.
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
    if (err.status === 403 && err.code === 'password_change_required') {
      showPassword(true);
      return;
    }
    if (err.status === 403) {
      if (err.method === 'GET') { showForbidden(); return; }
      toast(t('error.forbiddenWrite'), 'error');
      return;
    }
    let message = err.message;
    if (err.status === 429 && err.retryAfter) message += ' — ' + t('error.retry', { n: err.retryAfter });
    if (err.fields) message += ' — ' + fieldSummary(err.fields);
    toast(message, 'error');
  }

  /** One field error as text: its message and, when the server says more, the detail. */
  function fieldText(f) {
    if (!f) return '';
    return (f.message || f.code || '') + (f.detail ? ' — ' + f.detail : '');
  }

  function fieldSummary(fields) {
    return Object.keys(fields || {}).map(function (name) {
      return tOr('field.' + name, name) + ': ' + fieldText(fields[name]);
    }).join(' · ');
  }

  function setFormError(form, message) {
    const box = $('[data-raqib="form-error"]', form);
    if (!box) return;
    box.textContent = message || '';
    box.hidden = !message;
  }

  function clearFieldErrors(form) {
    $all('[data-error-for]', form).forEach(function (n) { n.textContent = ''; n.hidden = true; });
    $all('[aria-invalid="true"]', form).forEach(function (n) { n.removeAttribute('aria-invalid'); });
    setFormError(form, '');
  }

  function setFieldError(form, name, message) {
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

  /**
   * A refused request shown in its form: each field's message and detail (e.g. "the pattern
   * matches \"1\"") beside the field, the rest and the summary at the bottom. 401/403/5xx go to
   * handleError.
   */
  function showFormError(form, err) {
    if (!(err instanceof ApiError) || err.status === 401 || (err.status === 403 && err.method === 'GET')) {
      handleError(err);
      return;
    }
    if (err.status === 403) { setFormError(form, t('error.forbiddenWrite')); return; }
    const rest = [];
    Object.keys(err.fields || {}).forEach(function (name) {
      if (!setFieldError(form, name, fieldText(err.fields[name]))) {
        rest.push(tOr('field.' + name, name) + ': ' + fieldText(err.fields[name]));
      }
    });
    let message = err.message;
    if (err.status === 429 && err.retryAfter) message += ' — ' + t('error.retry', { n: err.retryAfter });
    setFormError(form, message + (rest.length ? ' — ' + rest.join(' · ') : ''));
    const first = $('[aria-invalid="true"]', form);
    if (first && first.focus) first.focus();
  }

  function setBusy(form, busy) {
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
  function numberOf(input) {
    const raw = String(input.value || '').trim();
    if (!raw) return null;
    return Number(raw);
  }

  /* ------------------------------------------------------------------ *
   * Views: sign in, password change, forbidden, the page.               *
   * ------------------------------------------------------------------ */

  function showView(name) {
    hook('login-view').hidden = name !== 'login';
    hook('password-view').hidden = name !== 'password';
    hook('forbidden-view').hidden = name !== 'forbidden';
    hook('app').hidden = name !== 'app';
    const signedIn = name !== 'login';
    hook('logout').hidden = !signedIn;
    hook('change-password').hidden = name !== 'app';
    hook('whoami').hidden = !signedIn || !state.user;
    hook('whoami').textContent = state.user || '';
    hook('overview').hidden = name !== 'app';
  }

  function showLogin() {
    state.signedIn = false;
    state.role = null;
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

  /**
   * Signed in, but the admin API says 403: a moderator, or an account that must change its
   * password first (the API does not tell which unless we saw the login).
   */
  function showForbidden() {
    state.signedIn = false;
    showView('forbidden');
    hook('forbidden-text').textContent = state.role === 'moderator' ? t('forbidden.moderator') : t('forbidden.text');
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
      state.role = session && session.role;
      store.set('raqib.user', username);
      form.elements.password.value = '';
      setFormError(form, '');
      if (session && session.must_change_password) showPassword(true);
      else if (state.role && state.role !== 'admin') showForbidden();
      else enter();
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
    api('POST', '/api/v1/auth/password', { current: current, 'new': next }).then(function (session) {
      form.reset();
      toast(t('pw.done'), 'ok');
      if (session && session.role) state.role = session.role;
      if (state.role && state.role !== 'admin') showForbidden();
      else enter();
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
        clear(hook('toast'));
        hideSecret();
        state.user = null;
        store.set('raqib.user', null);
        resetData();
        showLogin();
      });
  }

  /** Forgets what was loaded for the last account (the staged change stays in this browser). */
  function resetData() {
    state.overview = null;
    state.terms.items = []; state.terms.loaded = false; state.terms.editing = null;
    state.rules.items = []; state.rules.loaded = false; state.rules.editing = null;
    state.settings.view = null; state.settings.loaded = false;
    state.versions.data = null; state.versions.open.clear(); state.versions.details.clear();
    state.stats.data = null; state.stats.loaded = false;
    state.users.list = []; state.users.tokens = []; state.users.loaded = false;
    state.test = null; state.compare = null; state.backtest = null;
  }

  /** The overview call says whether we are in (401 → sign in, 403 → not an admin). */
  function enter() {
    return loadOverview().then(function (ok) {
      if (!ok) return;
      state.signedIn = true;
      showView('app');
      selectTab(tabFromHash() || state.tab || 'terms', true);
    });
  }

  /* ------------------------------------------------------------------ *
   * Overview (top bar) and tabs.                                        *
   * ------------------------------------------------------------------ */

  function loadOverview() {
    return api('GET', F).then(function (o) {
      state.overview = o;
      renderOverview();
      renderStageBase();
      return true;
    }, function (err) {
      if (err.status === 401) { showLogin(); return false; }
      if (err.status === 403 && err.code === 'password_change_required') { showPassword(true); return false; }
      if (err.status === 403) { showForbidden(); return false; }
      handleError(err);
      if (!state.signedIn) showLogin();
      return false;
    });
  }

  function renderOverview() {
    const box = hook('overview');
    clear(box);
    const o = state.overview;
    if (!o) return;
    box.appendChild(el('span', { class: 'stat-pending', 'data-raqib': 'version-now', 'data-version': o.version,
      text: t('overview.version', { v: formatNumber(o.version, 0) }) }));
    if (o.in_force !== o.version) {
      box.appendChild(el('span', { class: 'stat-held', text: t('overview.inForce', { v: formatNumber(o.in_force, 0) }) }));
    }
    box.appendChild(el('span', { text: t('overview.terms', { n: formatNumber(o.terms, 0) }) }));
    box.appendChild(el('span', { text: t('overview.rules', { n: formatNumber(o.rules, 0) }) }));
    if (o.shadow) box.appendChild(el('span', { text: t('overview.shadow', { n: formatNumber(o.shadow, 0) }) }));
    if (o.disabled) box.appendChild(el('span', { text: t('overview.disabled', { n: formatNumber(o.disabled, 0) }) }));
  }

  function tabFromHash() {
    const name = String(window.location.hash || '').replace(/^#/, '');
    return TABS.indexOf(name) >= 0 ? name : null;
  }

  function selectTab(name, load) {
    if (TABS.indexOf(name) < 0) name = 'terms';
    const changed = state.tab !== name;
    state.tab = name;
    $all('[data-tab]').forEach(function (b) {
      const on = b.getAttribute('data-tab') === name;
      b.setAttribute('aria-selected', on ? 'true' : 'false');
      b.tabIndex = on ? 0 : -1;
    });
    $all('[data-panel]').forEach(function (p) { p.hidden = p.getAttribute('data-panel') !== name; });
    if (tabFromHash() !== name) {
      try { window.history.replaceState(null, '', window.location.pathname + window.location.search + '#' + name); } catch (e) { /* ignore */ }
    }
    if (changed || load) loadTab(name);
  }

  /** Loads what a tab shows: lists once (they refresh after changes), logs every time. */
  function loadTab(name) {
    if (!state.signedIn) return;
    if (name === 'terms' && !state.terms.loaded) loadTerms();
    else if (name === 'rules' && !state.rules.loaded) loadRules();
    else if (name === 'settings' && !state.settings.loaded) loadSettings();
    else if (name === 'test') renderTestForm();
    else if (name === 'proposal') renderStage();
    else if (name === 'versions') loadVersions();
    else if (name === 'stats' && !state.stats.loaded) loadStats();
    else if (name === 'users') loadUsers();
  }

  /** After a change that made a new filter version. */
  function changed(parts) {
    loadOverview();
    state.versions.data = null;
    state.stats.loaded = false;
    (parts || []).forEach(function (p) {
      if (p === 'terms') { state.terms.loaded = false; if (state.tab === 'terms') loadTerms(); }
      if (p === 'rules') { state.rules.loaded = false; if (state.tab === 'rules') loadRules(); }
      if (p === 'settings') { state.settings.loaded = false; if (state.tab === 'settings') loadSettings(); }
    });
  }

  /* ------------------------------------------------------------------ *
   * Confirm dialog.                                                     *
   * ------------------------------------------------------------------ */

  let confirmResolve = null;
  let confirmReturn = null;

  function confirmDialog(title, text, yes) {
    const dialog = hook('confirm-dialog');
    hook('confirm-title').textContent = title;
    hook('confirm-text').textContent = text;
    hook('confirm-yes').textContent = yes;
    confirmReturn = document.activeElement;
    return new Promise(function (resolve) {
      confirmResolve = resolve;
      if (typeof dialog.showModal === 'function') {
        if (!dialog.open) dialog.showModal();
      } else dialog.setAttribute('open', '');
      window.setTimeout(function () { hook('confirm-no').focus(); }, 0);
    });
  }

  function finishConfirm(answer) {
    const resolve = confirmResolve;
    confirmResolve = null;
    const dialog = hook('confirm-dialog');
    if (typeof dialog.close === 'function' && dialog.open) dialog.close();
    else dialog.removeAttribute('open');
    if (confirmReturn && confirmReturn.focus && document.contains(confirmReturn)) confirmReturn.focus();
    if (resolve) resolve(answer);
  }

  /* ------------------------------------------------------------------ *
   * Highlighted text and hit lists (as in the console).                 *
   * ------------------------------------------------------------------ */

  function hitsOf(hits, field) {
    return (hits || []).map(function (h, i) { return { hit: h, i: i }; })
      .filter(function (x) { return x.hit && (x.hit.field || 'body') === field && x.hit.span; });
  }

  /**
   * `text` as text nodes and <mark>s for the given hits ({hit, i, kind?}). A piece covered by
   * several hits names the strongest (non-shadow first) in data-rule and all in its title.
   * `kind` ('new' or 'lost', back-test examples) adds a class.
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
      const primary = covering[0];
      const allShadow = covering.every(function (e) { return e.hit.shadow; });
      const kinds = covering.map(function (e) { return e.kind; });
      const kind = kinds.indexOf('new') >= 0 ? 'new' : kinds.indexOf('lost') >= 0 ? 'lost' : null;
      return el('mark', {
        class: 'hit fam-' + (FAMILY[primary.hit.category] || 'neutral') + ' cat-' + primary.hit.category
          + (allShadow ? ' shadow' : '') + (covering.length > 1 ? ' overlap' : '') + (kind ? ' hit-' + kind : ''),
        'data-rule': primary.hit.rule,
        'data-category': primary.hit.category,
        'data-hit': covering.map(function (e) { return e.i; }).join(' '),
        'data-shadow': allShadow ? 'true' : null,
        title: covering.map(function (e) { return hitTitle(e.hit, e.kind); }).join('\n'),
        text: seg.text,
      });
    });
  }

  function hitTitle(h, kind) {
    return (kind ? t('hit.' + kind) + ': ' : '')
      + (h.explanation || catLabel(h.category)) + ' (' + signed(h.weight) + ') — ' + h.rule
      + (h.shadow ? ' [' + t('hits.shadow') + ']' : '');
  }

  /** The hit list; `sources` maps a field to its text (for excerpts), `kind` marks new/lost hits. */
  function renderHits(hits, sources, kind, offset) {
    const list = el('ul', { class: 'hits-list' });
    (hits || []).forEach(function (h, i) {
      if (!h) return;
      const field = h.field || 'body';
      const source = sources[field];
      let excerpt = null;
      if (source != null && h.span) {
        const r = spanToRange(String(source), h.span);
        if (r) excerpt = String(source).slice(r[0], r[1]);
      }
      list.appendChild(el('li', {
        class: 'hit-row fam-' + (FAMILY[h.category] || 'neutral') + (h.shadow ? ' shadow' : '') + (kind ? ' hit-' + kind : ''),
        'data-raqib': 'hit', 'data-rule': h.rule, 'data-hit': (offset || 0) + i,
      }, [
        kind ? el('span', { class: 'hit-tag', text: kind === 'new' ? '+' : '−' }) : null,
        el('span', { class: 'hit-cat', text: catLabel(h.category) }),
        el('span', { class: 'hit-weight', dir: 'ltr', text: signed(h.weight) }),
        excerpt !== null ? el('q', { class: 'hit-excerpt' }, el('bdi', { text: excerpt })) : null,
        el('span', { class: 'hit-expl', dir: 'auto', text: h.explanation || '' }),
        field !== 'body' ? el('span', { class: 'hit-tag', text: t('hits.field', { field: tOr('where.' + field, field) }) }) : null,
        h.action && h.action !== 'score' ? el('span', { class: 'hit-tag hit-force', text: t('hits.forces', { 'class': classLabel(h.action) }) }) : null,
        h.shadow ? el('span', { class: 'hit-tag hit-shadow', text: t('hits.shadow') }) : null,
        el('code', { class: 'hit-rule', dir: 'ltr', text: h.rule }),
      ]));
    });
    return list;
  }

  /* ------------------------------------------------------------------ *
   * 1. Terms.                                                           *
   * ------------------------------------------------------------------ */

  function termFilterParams() {
    const f = state.terms.filters;
    return { q: f.q, category: f.category, list: f.list, shadow: f.shadow, enabled: f.enabled };
  }

  function readTermFilters() {
    const form = hook('term-filters');
    const f = state.terms.filters;
    f.q = form.elements.q.value.trim();
    f.category = form.elements.category.value;
    f.list = form.elements.list.value.trim();
    f.shadow = form.elements.shadow.value;
    f.enabled = form.elements.enabled.value;
    f.limit = Number(form.elements.limit.value) || 50;
  }

  function syncTermFilters() {
    const form = hook('term-filters');
    const f = state.terms.filters;
    form.elements.q.value = f.q;
    form.elements.category.value = f.category;
    form.elements.list.value = f.list;
    form.elements.shadow.value = f.shadow;
    form.elements.enabled.value = f.enabled;
    form.elements.limit.value = String(f.limit);
  }

  function updateExportLinks() {
    const base = termFilterParams();
    hook('export-text').href = F + '/terms/export' + query(Object.assign({ format: 'text' }, base));
    hook('export-csv').href = F + '/terms/export' + query(Object.assign({ format: 'csv' }, base));
  }

  function loadTerms() {
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

  function stagedTermIds() {
    const ids = new Map();
    state.stage.changeTerms.forEach(function (c) { ids.set(c.id, 'change'); });
    state.stage.removeTerms.forEach(function (r) { ids.set(r.id, 'remove'); });
    return ids;
  }

  function renderTerms() {
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

  function termById(id) {
    return state.terms.items.find(function (x) { return x.id === id; }) || null;
  }

  function termRow(term, stagedAs) {
    const editing = state.terms.editing === term.id;
    const tr = el('tr', {
      'data-raqib': 'term', 'data-id': term.id, 'data-category': term.category,
      'data-enabled': term.enabled ? 'true' : 'false', 'data-shadow': term.shadow ? 'true' : 'false',
      class: (term.enabled ? '' : 'disabled') + (editing ? ' editing' : '') + (stagedAs ? ' staged' : ''),
    });
    const termCell = el('td', { class: 'term-cell' }, [
      el('bdi', { dir: 'auto', text: term.term + (term.match === 'prefix' ? '*' : '') }),
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

  function replaceTermRow(term) {
    const i = state.terms.items.findIndex(function (x) { return x.id === term.id; });
    if (i >= 0) state.terms.items[i] = term;
    const old = $('[data-raqib="term"][data-id="' + term.id + '"]', hook('term-rows'));
    if (old) old.parentNode.replaceChild(termRow(term, stagedTermIds().get(term.id)), old);
  }

  /** The changed fields of an inline edit as a TermPatch (null when a number is bad). */
  function termPatchFromRow(row, term) {
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

  function onTermRowsClick(event) {
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

  function onTermRowsChange(event) {
    const input = event.target.closest('input[data-action^="toggle-"]');
    if (!input) return;
    const row = input.closest('[data-raqib="term"]');
    const term = termById(Number(row.getAttribute('data-id')));
    if (!term) return;
    const key = input.getAttribute('data-action') === 'toggle-enabled' ? 'enabled' : 'shadow';
    const patch = {};
    patch[key] = input.checked;
    input.disabled = true;
    patchTerm(term, patch, null).then(function (ok) {
      if (!ok) { input.checked = !input.checked; input.disabled = false; }
    });
  }

  /** PATCH a term; resolves true when saved. */
  function patchTerm(term, patch, row) {
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
  function termInputFromForm(form) {
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

  function onTermFormSubmit(event) {
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

  function onTermFormStage() {
    const form = hook('term-form');
    const input = termInputFromForm(form);
    if (!input) return;
    stageAddTerm(input);
    form.elements.term.value = '';
    form.elements.note.value = '';
    form.elements.term.focus();
  }

  /* ----------------------------- import ----------------------------- */

  function onImportFile(event) {
    const file = event.currentTarget.files && event.currentTarget.files[0];
    if (!file) return;
    const form = hook('import-form');
    if (/\.csv$/i.test(file.name) || file.type === 'text/csv') form.elements.format.value = 'csv';
    const reader = new FileReader();
    reader.addEventListener('load', function () { form.elements.body.value = String(reader.result || ''); });
    reader.addEventListener('error', function () { toast(t('import.readFailed'), 'error'); });
    reader.readAsText(file, 'utf-8');
  }

  function onImportSubmit(event) {
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

  /* ------------------------------------------------------------------ *
   * 2. Rules.                                                           *
   * ------------------------------------------------------------------ */

  function loadRules() {
    hook('rule-rows').setAttribute('aria-busy', 'true');
    return api('GET', F + '/rules').then(function (rules) {
      state.rules.items = Array.isArray(rules) ? rules : [];
      state.rules.loaded = true;
      if (state.rules.editing !== null && !ruleById(state.rules.editing)) stopRuleEdit();
      renderRules();
    }, handleError).then(function () {
      hook('rule-rows').setAttribute('aria-busy', 'false');
    });
  }

  function ruleById(id) {
    return state.rules.items.find(function (r) { return r.id === id; }) || null;
  }

  function stagedRuleIds() {
    const ids = new Map();
    state.stage.changeRules.forEach(function (c) { ids.set(c.id, 'change'); });
    state.stage.removeRules.forEach(function (r) { ids.set(r.id, 'remove'); });
    return ids;
  }

  function renderRules() {
    const body = hook('rule-rows');
    clear(body);
    const staged = stagedRuleIds();
    state.rules.items.forEach(function (rule) { body.appendChild(ruleRow(rule, staged.get(rule.id))); });
    hook('rules-empty').hidden = state.rules.items.length > 0;
    hook('rule-count').textContent = t('rules.count', { n: formatNumber(state.rules.items.length, 0) });
    if (state.rules.flash !== null) {
      const row = $('[data-raqib="rule"][data-name="' + cssEscape(state.rules.flash) + '"]', body)
        || $('[data-raqib="rule"][data-id="' + cssEscape(state.rules.flash) + '"]', body);
      if (row) {
        row.classList.add('flash');
        row.scrollIntoView({ block: 'nearest' });
      }
      state.rules.flash = null;
    }
  }

  function cssEscape(s) {
    return window.CSS && window.CSS.escape ? window.CSS.escape(String(s)) : String(s).replace(/["\\]/g, '\\$&');
  }

  function ruleRow(rule, stagedAs) {
    const tr = el('tr', {
      'data-raqib': 'rule', 'data-id': rule.id, 'data-name': rule.name,
      'data-enabled': rule.enabled ? 'true' : 'false', 'data-shadow': rule.shadow ? 'true' : 'false',
      class: (rule.enabled ? '' : 'disabled') + (state.rules.editing === rule.id ? ' editing' : '') + (stagedAs ? ' staged' : ''),
    });
    append(tr, [
      el('td', null, el('code', { dir: 'ltr', text: rule.name })),
      el('td', null, el('code', { class: 'pattern', dir: 'ltr', text: rule.pattern })),
      el('td', { class: 'num', dir: 'ltr', text: signed(rule.weight) }),
      el('td', null, rule.action === 'score' ? el('span', { class: 'muted', text: actionLabel('score') })
        : el('span', { class: 'badge class-' + rule.action, text: actionLabel(rule.action) })),
      el('td', { text: tOr('target.' + rule.target, rule.target) }),
      el('td', { text: catLabel(rule.category) }),
      el('td', { class: 'cell-note', dir: 'auto', text: rule.description || '' }),
      el('td', null, checkbox({ 'data-action': 'toggle-enabled', 'aria-label': t('f.enabled') + ': ' + rule.name }, rule.enabled)),
      el('td', null, checkbox({ 'data-action': 'toggle-shadow', 'aria-label': t('f.shadow') + ': ' + rule.name }, rule.shadow)),
      el('td', { class: 'num', text: formatNumber(rule.version, 0) }),
    ]);
    const actions = el('td', { class: 'actions' });
    if (stagedAs) actions.appendChild(el('span', { class: 'badge warn', text: t('stage.as.' + stagedAs) }));
    append(actions, [
      el('button', { type: 'button', 'data-action': 'edit', text: t('op.edit') }),
      el('button', { type: 'button', 'data-action': 'stage-remove', title: t('op.stageRemoveTitle'), text: t('op.stageRemove') }),
      el('button', { type: 'button', class: 'danger', 'data-action': 'delete', text: t('op.delete') }),
    ]);
    tr.appendChild(actions);
    return tr;
  }

  function onRuleRowsClick(event) {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const row = button.closest('[data-raqib="rule"]');
    const rule = ruleById(Number(row.getAttribute('data-id')));
    if (!rule) return;
    const action = button.getAttribute('data-action');
    if (action === 'edit') {
      startRuleEdit(rule);
    } else if (action === 'stage-remove') {
      stageRuleRemoval(rule);
      renderRules();
    } else if (action === 'delete') {
      confirmDialog(t('rules.deleteTitle'), t('rules.deleteText', { name: rule.name }), t('op.delete')).then(function (yes) {
        if (!yes) return;
        api('DELETE', F + '/rules/' + rule.id).then(function (res) {
          savedToast(t('saved.ruleRemoved', { name: rule.name }), res.version);
          if (state.rules.editing === rule.id) stopRuleEdit();
          dropStagedRule(rule.id);
          changed(['rules']);
        }, handleError);
      });
    }
  }

  function onRuleRowsChange(event) {
    const input = event.target.closest('input[data-action^="toggle-"]');
    if (!input) return;
    const row = input.closest('[data-raqib="rule"]');
    const rule = ruleById(Number(row.getAttribute('data-id')));
    if (!rule) return;
    const key = input.getAttribute('data-action') === 'toggle-enabled' ? 'enabled' : 'shadow';
    const patch = {};
    patch[key] = input.checked;
    input.disabled = true;
    api('PATCH', F + '/rules/' + rule.id, patch).then(function (res) {
      replaceRule(res.rule);
      savedToast(t('saved.ruleChanged', { name: rule.name }), res.version);
      loadOverview();
      state.versions.data = null;
    }, function (err) {
      input.checked = !input.checked;
      input.disabled = false;
      handleError(err);
    });
  }

  function replaceRule(rule) {
    const i = state.rules.items.findIndex(function (r) { return r.id === rule.id; });
    if (i >= 0) state.rules.items[i] = rule; else state.rules.items.push(rule);
    renderRules();
  }

  function startRuleEdit(rule) {
    const form = hook('rule-form');
    clearFieldErrors(form);
    state.rules.editing = rule.id;
    const e = form.elements;
    e.pattern.value = rule.pattern;
    e.name.value = rule.name;
    e.name.disabled = true;
    e.weight.value = rule.weight;
    e.action.value = rule.action;
    e.target.value = rule.target;
    e.category.value = rule.category;
    e.description.value = rule.description || '';
    e.shadow.checked = !!rule.shadow;
    form.setAttribute('data-editing', rule.id);
    renderRuleFormMode();
    renderRules();
    form.scrollIntoView({ block: 'nearest' });
    e.pattern.focus();
  }

  function stopRuleEdit() {
    const form = hook('rule-form');
    state.rules.editing = null;
    form.removeAttribute('data-editing');
    form.reset();
    form.elements.name.disabled = false;
    form.elements.category.value = 'rule';
    clearFieldErrors(form);
    renderRuleFormMode();
  }

  function renderRuleFormMode() {
    const form = hook('rule-form');
    const rule = state.rules.editing !== null ? ruleById(state.rules.editing) : null;
    hook('rule-form-title').textContent = rule ? t('rules.edit', { name: rule.name }) : t('rules.add');
    $('[data-action="save"]', form).textContent = rule ? t('op.saveChanges') : t('op.add');
    $('[data-action="cancel-edit"]', form).hidden = !rule;
  }

  /** The rule form as a RuleInput, or null (errors shown). */
  function ruleInputFromForm(form) {
    clearFieldErrors(form);
    const e = form.elements;
    const pattern = e.pattern.value;
    const weight = numberOf(e.weight);
    let ok = true;
    if (!pattern.trim()) { setFieldError(form, 'pattern', t('error.required')); ok = false; }
    if (weight === null || !Number.isFinite(weight)) { setFieldError(form, 'weight', t('error.number')); ok = false; }
    if (!ok) return null;
    const input = {
      pattern: pattern,
      weight: weight,
      action: e.action.value,
      target: e.target.value,
      category: e.category.value,
      shadow: e.shadow.checked,
    };
    const description = e.description.value.trim();
    if (description) input.description = description;
    const name = e.name.value.trim();
    if (name && !e.name.disabled) input.name = name;
    return input;
  }

  /** The changes of the form against a stored rule, as a RulePatch. */
  function rulePatchOf(rule, input) {
    const patch = {};
    ['pattern', 'weight', 'action', 'target', 'category', 'shadow'].forEach(function (k) {
      if (input[k] !== rule[k]) patch[k] = input[k];
    });
    const description = input.description || '';
    if (description !== (rule.description || '')) patch.description = description;
    return patch;
  }

  function onRuleFormSubmit(event) {
    event.preventDefault();
    const form = hook('rule-form');
    const input = ruleInputFromForm(form);
    if (!input) return;
    const editing = state.rules.editing !== null ? ruleById(state.rules.editing) : null;
    let call;
    if (editing) {
      const patch = rulePatchOf(editing, input);
      if (!Object.keys(patch).length) { stopRuleEdit(); renderRules(); return; }
      call = api('PATCH', F + '/rules/' + editing.id, patch);
    } else {
      call = api('POST', F + '/rules', input);
    }
    setBusy(form, true);
    call.then(function (res) {
      savedToast(t(editing ? 'saved.ruleChanged' : 'saved.ruleAdded', { name: res.rule.name }), res.version);
      stopRuleEdit();
      state.rules.flash = res.rule.name;
      changed(['rules']);
    }, function (err) {
      if (err instanceof ApiError && err.status === 404 && editing) {
        toast(t('error.gone'), 'error');
        stopRuleEdit();
        changed(['rules']);
        return;
      }
      showFormError(form, err);
    }).then(function () { setBusy(form, false); });
  }

  function onRuleFormStage() {
    const form = hook('rule-form');
    const input = ruleInputFromForm(form);
    if (!input) return;
    const editing = state.rules.editing !== null ? ruleById(state.rules.editing) : null;
    if (editing) {
      const patch = rulePatchOf(editing, input);
      if (!Object.keys(patch).length) { toast(t('stage.nothing'), 'info'); return; }
      stageRuleChange(editing, patch);
    } else {
      stageAddRule(input);
    }
    stopRuleEdit();
    renderRules();
  }

  /* ------------------------------------------------------------------ *
   * 3. Settings.                                                        *
   * ------------------------------------------------------------------ */

  function loadSettings() {
    return api('GET', F + '/settings').then(function (view) {
      state.settings.view = view;
      state.settings.loaded = true;
      renderSettings(false);
    }, handleError);
  }

  function signalKeys(settings) {
    const present = Object.keys((settings && settings.signals) || {});
    return SIGNALS.filter(function (k) { return present.indexOf(k) >= 0; })
      .concat(present.filter(function (k) { return SIGNALS.indexOf(k) < 0; }));
  }

  /** Builds the settings form; keepEdits re-labels it (language switch) without losing edits. */
  function renderSettings(keepEdits) {
    const view = state.settings.view;
    const form = hook('settings-form');
    if (!view) return;
    const before = keepEdits ? readSettingsForm() : null;
    const s = view.settings;
    hook('settings-version').textContent = t('settings.version', { v: formatNumber(view.version, 0) });
    form.elements.hold.value = s.hold;
    form.elements.spam.value = s.spam;
    form.elements.block.value = s.block;
    const signals = hook('settings-signals');
    clear(signals);
    signalKeys(s).forEach(function (key) {
      const integer = INTEGER_SIGNALS.indexOf(key) >= 0;
      const hint = tOr('signalHint.' + key, '');
      signals.appendChild(el('label', { 'data-key': key, title: hint || null }, [
        el('span', { text: tOr('signal.' + key, key) }),
        el('input', { name: 'signal.' + key, type: 'number', step: integer ? '1' : '0.1', min: integer ? '0' : '-1000',
          max: integer ? null : '1000', dir: 'ltr', value: s.signals[key] }),
      ]));
    });
    const cats = hook('settings-categories');
    clear(cats);
    const actions = s.category_actions || {};
    CATEGORIES.forEach(function (c) {
      const options = [['', t('settings.noAction')]].concat(ACTIONS.map(function (a) { return [a, actionLabel(a)]; }));
      cats.appendChild(el('label', { 'data-category': c }, [
        el('span', { text: catLabel(c) }),
        selectEl({ name: 'cat.' + c }, options, actions[c] || ''),
      ]));
    });
    if (before) writeSettingsForm(before);
    clearFieldErrors(form);
    markSettingsChanges();
  }

  function readSettingsForm() {
    const form = hook('settings-form');
    const out = {};
    $all('input[name], select[name]', form).forEach(function (n) { out[n.name] = n.value; });
    return out;
  }

  function writeSettingsForm(values) {
    const form = hook('settings-form');
    $all('input[name], select[name]', form).forEach(function (n) {
      if (Object.prototype.hasOwnProperty.call(values, n.name)) n.value = values[n.name];
    });
  }

  /**
   * The form against the live settings as the partial object PUT takes: changed thresholds,
   * changed signals, and category_actions whole when any changed. {error} when a number is bad.
   */
  function settingsPatch() {
    const view = state.settings.view;
    const form = hook('settings-form');
    const s = view.settings;
    const patch = {};
    const bad = [];
    const same = function (a, b) { return Math.abs(Number(a) - Number(b)) < 1e-6; };
    ['hold', 'spam', 'block'].forEach(function (k) {
      const v = numberOf(form.elements[k]);
      if (v === null) return;
      if (!Number.isFinite(v)) { bad.push(k); return; }
      if (!same(v, s[k])) patch[k] = v;
    });
    const signals = {};
    signalKeys(s).forEach(function (key) {
      const input = form.elements['signal.' + key];
      const v = numberOf(input);
      if (v === null) return;
      if (!Number.isFinite(v) || (INTEGER_SIGNALS.indexOf(key) >= 0 && (v < 0 || Math.floor(v) !== v))) { bad.push('signal.' + key); return; }
      if (!same(v, s.signals[key])) signals[key] = v;
    });
    if (Object.keys(signals).length) patch.signals = signals;
    const live = s.category_actions || {};
    const next = {};
    let differs = false;
    CATEGORIES.forEach(function (c) {
      const v = form.elements['cat.' + c].value;
      if (v) next[c] = v;
      if ((live[c] || '') !== v) differs = true;
    });
    Object.keys(live).forEach(function (c) { if (CATEGORIES.indexOf(c) < 0) next[c] = live[c]; });
    if (differs) patch.category_actions = next;
    return { patch: patch, bad: bad };
  }

  function markSettingsChanges() {
    if (!state.settings.view) return;
    const form = hook('settings-form');
    const r = settingsPatch();
    const changedNames = [];
    Object.keys(r.patch).forEach(function (k) {
      if (k === 'signals') Object.keys(r.patch.signals).forEach(function (s) { changedNames.push('signal.' + s); });
      else if (k === 'category_actions') {
        const live = state.settings.view.settings.category_actions || {};
        CATEGORIES.forEach(function (c) { if ((live[c] || '') !== (r.patch.category_actions[c] || '')) changedNames.push('cat.' + c); });
      } else changedNames.push(k);
    });
    $all('input[name], select[name]', form).forEach(function (n) {
      const label = n.closest('label');
      if (label) label.classList.toggle('settings-changed-field', changedNames.indexOf(n.name) >= 0);
      if (r.bad.indexOf(n.name) >= 0) n.setAttribute('aria-invalid', 'true'); else n.removeAttribute('aria-invalid');
    });
    hook('settings-changed').textContent = changedNames.length ? t('settings.changed', { n: formatNumber(changedNames.length, 0) }) : '';
  }

  function onSettingsSubmit(event) {
    event.preventDefault();
    const form = hook('settings-form');
    if (!state.settings.view) return;
    clearFieldErrors(form);
    const r = settingsPatch();
    if (r.bad.length) { setFormError(form, t('error.number')); markSettingsChanges(); return; }
    if (!Object.keys(r.patch).length) { toast(t('settings.nothing'), 'info'); return; }
    setBusy(form, true);
    api('PUT', F + '/settings', r.patch).then(function (view) {
      state.settings.view = view;
      renderSettings(false);
      savedToast(t('saved.settings'), view.version);
      changed([]);
    }, function (err) { showFormError(form, err); })
      .then(function () { setBusy(form, false); });
  }

  function onSettingsStage() {
    const form = hook('settings-form');
    if (!state.settings.view) return;
    clearFieldErrors(form);
    const r = settingsPatch();
    if (r.bad.length) { setFormError(form, t('error.number')); return; }
    if (!Object.keys(r.patch).length) { toast(t('stage.nothing'), 'info'); return; }
    stageSettings(r.patch);
    renderSettings(false);
  }

  /* ------------------------------------------------------------------ *
   * 4. The test box.                                                    *
   * ------------------------------------------------------------------ */

  function renderTestForm() {
    const box = hook('test-form').elements.proposal;
    const n = stageSize(state.stage);
    box.disabled = n === 0;
    if (!n) box.checked = false;
    const label = box.closest('label');
    if (label) $('span', label).textContent = n ? t('test.underProposalN', { n: formatNumber(n, 0) }) : t('test.underProposal');
  }

  /** {body, name?, email?} from a test form, or null (error shown). */
  function testRequestFrom(form) {
    clearFieldErrors(form);
    const e = form.elements;
    const body = e.body.value;
    if (!body.trim()) { setFormError(form, t('test.needBody')); e.body.focus(); return null; }
    const request = { body: body };
    if (e.name.value.trim()) request.name = e.name.value;
    if (e.email.value.trim()) request.email = e.email.value.trim();
    return request;
  }

  function onTestSubmit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const request = testRequestFrom(form);
    if (!request) return;
    if (form.elements.proposal.checked && stageSize(state.stage)) request.proposal = proposalOf(state.stage);
    setBusy(form, true);
    api('POST', F + '/test', request).then(function (result) {
      state.test = { request: request, result: result };
      renderTest();
    }, function (err) { showFormError(form, err); })
      .then(function () { setBusy(form, false); });
  }

  function renderTest() {
    const box = hook('test-result');
    if (!state.test) { box.hidden = true; return; }
    const r = state.test.result;
    fillVerdict(box, state.test.request, r, r.proposed
      ? t('test.resultProposed', { v: formatNumber(r.version, 0) })
      : t('test.resultLive', { v: formatNumber(r.version, 0) }));
    box.hidden = false;
  }

  /**
   * Fills `box` with one verdict: class, score, the text with its hits marked, the hit list
   * and the normalized keys. `box` gets class "result" and data-class.
   */
  function fillVerdict(box, request, r, title) {
    clear(box);
    box.classList.add('result');
    box.setAttribute('data-class', r['class']);
    box.setAttribute('data-score', r.score);
    box.setAttribute('data-proposed', r.proposed ? 'true' : 'false');
    const head = el('div', { class: 'result-head' }, [
      el('h3', { text: title }),
      classBadge(r['class']),
      el('span', { class: 'result-score', 'data-raqib': 'score', dir: 'ltr', text: formatNumber(r.score) }),
    ]);
    const o = state.overview && state.overview.settings;
    if (o && !r.proposed) {
      head.appendChild(el('span', { class: 'muted', text: t('test.thresholds', {
        hold: formatNumber(o.hold), spam: formatNumber(o.spam), block: formatNumber(o.block) }) }));
    }
    box.appendChild(head);
    const hits = r.hits || [];
    box.appendChild(el('div', { class: 'item-body', dir: 'auto', 'data-raqib': 'test-body' },
      highlighted(request.body, hitsOf(hits, 'body'))));
    ['name', 'email'].forEach(function (field) {
      if (!request[field]) return;
      box.appendChild(el('div', { class: 'field-line' }, [
        el('span', { class: 'label', text: t('test.' + field + 'Short') }),
        el('bdi', { dir: field === 'email' ? 'ltr' : 'auto' }, highlighted(request[field], hitsOf(hits, field))),
      ]));
    });
    if (hits.length) {
      box.appendChild(el('h4', { class: 'hits-title', text: t('hits.title') }));
      box.appendChild(renderHits(hits, { body: request.body, name: request.name, email: request.email }));
    } else {
      box.appendChild(el('p', { class: 'hits-none', text: t('hits.none') }));
    }
    const keys = r.keys || {};
    const dl = el('dl', { class: 'keys', 'data-raqib': 'keys' });
    [['text', keys.text], ['joined', keys.joined], ['leet', keys.leet]].forEach(function (k) {
      if (k[1] === null || k[1] === undefined) return;
      append(dl, [
        el('dt', { text: t('keys.' + k[0]) }),
        el('dd', { dir: 'auto', 'data-key': k[0], text: k[1] }),
      ]);
    });
    box.appendChild(el('h4', { class: 'hits-title', text: t('keys.title') }));
    box.appendChild(dl);
  }

  /* ------------------------------------------------------------------ *
   * 5. The staged change.                                               *
   * ------------------------------------------------------------------ */

  function beforeStaging() {
    if (!stageSize(state.stage) && state.overview) state.stage.base = state.overview.version;
  }

  function stagedToast(message) {
    toast(message, 'ok', { action: { label: t('stage.open'), run: function () { selectTab('proposal'); } } });
  }

  function stageAddTerm(input) {
    beforeStaging();
    state.stage.addTerms.push(input);
    saveStage();
    stagedToast(t('stage.termAdded', { term: input.term }));
  }

  function stageTermChange(term, patch) {
    beforeStaging();
    const s = state.stage;
    s.removeTerms = s.removeTerms.filter(function (r) { return r.id !== term.id; });
    const existing = s.changeTerms.find(function (c) { return c.id === term.id; });
    const merged = Object.assign({}, existing ? existing.patch : {}, patch);
    const entry = { id: term.id, label: term.term, patch: merged, input: termInputOf(term, merged) };
    if (existing) s.changeTerms[s.changeTerms.indexOf(existing)] = entry; else s.changeTerms.push(entry);
    saveStage();
    stagedToast(t('stage.termChanged', { term: term.term }));
  }

  function stageTermRemoval(term) {
    beforeStaging();
    const s = state.stage;
    s.changeTerms = s.changeTerms.filter(function (c) { return c.id !== term.id; });
    if (!s.removeTerms.some(function (r) { return r.id === term.id; })) s.removeTerms.push({ id: term.id, label: term.term });
    saveStage();
    stagedToast(t('stage.termRemoved', { term: term.term }));
  }

  function stageAddRule(input) {
    beforeStaging();
    state.stage.addRules.push(input);
    saveStage();
    stagedToast(t('stage.ruleAdded', { name: input.name || input.pattern }));
  }

  function stageRuleChange(rule, patch) {
    beforeStaging();
    const s = state.stage;
    s.removeRules = s.removeRules.filter(function (r) { return r.id !== rule.id; });
    const existing = s.changeRules.find(function (c) { return c.id === rule.id; });
    const merged = Object.assign({}, existing ? existing.patch : {}, patch);
    const entry = { id: rule.id, label: rule.name, patch: merged, input: ruleInputOf(rule, merged) };
    if (existing) s.changeRules[s.changeRules.indexOf(existing)] = entry; else s.changeRules.push(entry);
    saveStage();
    stagedToast(t('stage.ruleChanged', { name: rule.name }));
  }

  function stageRuleRemoval(rule) {
    beforeStaging();
    const s = state.stage;
    s.changeRules = s.changeRules.filter(function (c) { return c.id !== rule.id; });
    if (!s.removeRules.some(function (r) { return r.id === rule.id; })) s.removeRules.push({ id: rule.id, label: rule.name });
    saveStage();
    stagedToast(t('stage.ruleRemoved', { name: rule.name }));
  }

  function stageSettings(patch) {
    beforeStaging();
    state.stage.settings = mergeSettings(state.stage.settings, patch);
    saveStage();
    stagedToast(t('stage.settings'));
  }

  /** A term or rule deleted for real no longer belongs in the stage. */
  function dropStagedTerm(id) {
    const s = state.stage;
    s.changeTerms = s.changeTerms.filter(function (c) { return c.id !== id; });
    s.removeTerms = s.removeTerms.filter(function (r) { return r.id !== id; });
    saveStage();
  }

  function dropStagedRule(id) {
    const s = state.stage;
    s.changeRules = s.changeRules.filter(function (c) { return c.id !== id; });
    s.removeRules = s.removeRules.filter(function (r) { return r.id !== id; });
    saveStage();
  }

  function renderStageCount() {
    const n = stageSize(state.stage);
    const badge = hook('stage-count');
    badge.textContent = n ? formatNumber(n, 0) : '';
    badge.hidden = !n;
    badge.setAttribute('data-count', n);
    if (state.tab === 'test') renderTestForm();
  }

  function renderStageBase() {
    const s = state.stage;
    const n = stageSize(s);
    const base = hook('proposal-base');
    base.textContent = n && s.base !== null ? t('proposal.base', { v: formatNumber(s.base, 0) }) : '';
    const stale = hook('proposal-stale');
    const live = state.overview && state.overview.version;
    const isStale = n && s.base !== null && live && live !== s.base;
    stale.textContent = isStale ? t('proposal.stale', { from: formatNumber(s.base, 0), to: formatNumber(live, 0) }) : '';
    stale.hidden = !isStale;
  }

  function patchText(patch) {
    return Object.keys(patch).map(function (k) {
      let v = patch[k];
      if (k === 'category') v = catLabel(v);
      else if (k === 'action') v = actionLabel(v);
      else if (k === 'match') v = t('match.' + v);
      else if (k === 'target') v = tOr('target.' + v, v);
      else if (typeof v === 'boolean') v = v ? t('yes') : t('no');
      return tOr('f.' + k, k) + ': ' + (v === '' ? '∅' : v);
    }).join(listSeparator());
  }

  function settingsText(patch) {
    const parts = [];
    Object.keys(patch || {}).forEach(function (k) {
      if (k === 'signals') {
        Object.keys(patch.signals).forEach(function (s) {
          parts.push(tOr('signal.' + s, s) + ' = ' + formatNumber(patch.signals[s]));
        });
      } else if (k === 'category_actions') {
        const entries = Object.keys(patch.category_actions);
        parts.push(t('settings.categoryActions') + ': ' + (entries.length ? entries.map(function (c) {
          return catLabel(c) + ' → ' + actionLabel(patch.category_actions[c]);
        }).join(listSeparator()) : '∅'));
      } else {
        parts.push(tOr('settings.' + k, k) + ' = ' + (typeof patch[k] === 'object' ? JSON.stringify(patch[k]) : formatNumber(patch[k])));
      }
    });
    return parts;
  }

  function renderStage() {
    const s = state.stage;
    const n = stageSize(s);
    const list = hook('proposal-list');
    clear(list);
    renderStageBase();
    hook('proposal-empty').hidden = n > 0;
    hook('proposal-apply').disabled = !n || state.applying;
    hook('proposal-discard').disabled = !n || state.applying;
    const group = function (title, items, render) {
      if (!items.length) return;
      const ul = el('ul', { class: 'stage-list' });
      items.forEach(function (item, i) { ul.appendChild(render(item, i)); });
      list.appendChild(el('section', { class: 'stage-group' }, [el('h3', { text: title }), ul]));
    };
    const unstage = function (kind, i) {
      return el('button', { type: 'button', 'data-action': 'unstage', 'data-kind': kind, 'data-index': i, text: t('stage.drop') });
    };
    group(t('stage.addTerms'), s.addTerms, function (x, i) {
      return el('li', { class: 'stage-item add', 'data-raqib': 'staged', 'data-kind': 'addTerms' }, [
        el('bdi', { class: 'term-cell', dir: 'auto', text: x.term }),
        el('span', { class: 'grow muted', text: [catLabel(x.category), signed(x.weight), actionLabel(x.action || 'score'),
          t('match.' + (x.match || 'token')), x.list || 'admin'].join(' · ') + (x.shadow ? ' · ' + t('hits.shadow') : '') }),
        unstage('addTerms', i),
      ]);
    });
    group(t('stage.changeTerms'), s.changeTerms, function (x, i) {
      return el('li', { class: 'stage-item change', 'data-raqib': 'staged', 'data-kind': 'changeTerms', 'data-id': x.id }, [
        el('bdi', { class: 'term-cell', dir: 'auto', text: x.label }),
        el('span', { class: 'grow muted', text: patchText(x.patch) }),
        unstage('changeTerms', i),
      ]);
    });
    group(t('stage.removeTerms'), s.removeTerms, function (x, i) {
      return el('li', { class: 'stage-item remove', 'data-raqib': 'staged', 'data-kind': 'removeTerms', 'data-id': x.id }, [
        el('bdi', { class: 'term-cell grow', dir: 'auto', text: x.label }),
        unstage('removeTerms', i),
      ]);
    });
    group(t('stage.addRules'), s.addRules, function (x, i) {
      return el('li', { class: 'stage-item add', 'data-raqib': 'staged', 'data-kind': 'addRules' }, [
        el('code', { dir: 'ltr', text: x.name || '—' }),
        el('code', { class: 'pattern grow', dir: 'ltr', text: x.pattern }),
        el('span', { class: 'muted', text: [signed(x.weight), actionLabel(x.action || 'score'), tOr('target.' + (x.target || 'body'), x.target),
          catLabel(x.category || 'rule')].join(' · ') + (x.shadow ? ' · ' + t('hits.shadow') : '') }),
        unstage('addRules', i),
      ]);
    });
    group(t('stage.changeRules'), s.changeRules, function (x, i) {
      return el('li', { class: 'stage-item change', 'data-raqib': 'staged', 'data-kind': 'changeRules', 'data-id': x.id }, [
        el('code', { dir: 'ltr', text: x.label }),
        el('span', { class: 'grow muted', dir: 'auto', text: patchText(x.patch) }),
        unstage('changeRules', i),
      ]);
    });
    group(t('stage.removeRules'), s.removeRules, function (x, i) {
      return el('li', { class: 'stage-item remove', 'data-raqib': 'staged', 'data-kind': 'removeRules', 'data-id': x.id }, [
        el('code', { class: 'grow', dir: 'ltr', text: x.label }),
        unstage('removeRules', i),
      ]);
    });
    if (s.settings) {
      group(t('stage.settingsTitle'), [s.settings], function (x) {
        return el('li', { class: 'stage-item change', 'data-raqib': 'staged', 'data-kind': 'settings' }, [
          el('span', { class: 'grow', text: settingsText(x).join(' · ') }),
          unstage('settings', 0),
        ]);
      });
    }
  }

  function onProposalListClick(event) {
    const button = event.target.closest('button[data-action="unstage"]');
    if (!button) return;
    const kind = button.getAttribute('data-kind');
    const i = Number(button.getAttribute('data-index'));
    if (kind === 'settings') state.stage.settings = null;
    else if (Array.isArray(state.stage[kind])) state.stage[kind].splice(i, 1);
    saveStage();
    renderStage();
    if (state.terms.loaded) renderTerms();
    if (state.rules.loaded) renderRules();
  }

  function onDiscard() {
    const n = stageSize(state.stage);
    if (!n) return;
    confirmDialog(t('proposal.discardTitle'), t('proposal.discardText', { n: formatNumber(n, 0) }), t('proposal.discard')).then(function (yes) {
      if (!yes) return;
      state.stage = emptyStage();
      saveStage();
      state.backtest = null;
      state.compare = null;
      renderBacktest();
      renderCompare();
      clear(hook('apply-log'));
      hook('apply-log').hidden = true;
      renderStage();
      if (state.terms.loaded) renderTerms();
      if (state.rules.loaded) renderRules();
      toast(t('proposal.discarded'), 'info');
    });
  }

  /**
   * Applies the stage through the ordinary calls, one after the other: removals, changes,
   * additions, then settings. Each step that succeeds leaves the stage at once, so a failure
   * keeps only what is left to do. Every step makes its own filter version.
   */
  function onApply() {
    const n = stageSize(state.stage);
    if (!n || state.applying) return;
    const warn = state.backtest && state.backtest.newly_flagged_approved > 0
      ? '\n' + t('proposal.applyWarn', { n: formatNumber(state.backtest.newly_flagged_approved, 0) }) : '';
    confirmDialog(t('proposal.applyTitle'), t('proposal.applyText', { n: formatNumber(n, 0) }) + warn, t('proposal.apply')).then(function (yes) {
      if (yes) applyStage();
    });
  }

  function applyStage() {
    const s = state.stage;
    const steps = [];
    const drop = function (kind, item) {
      return function () {
        if (kind === 'settings') s.settings = null;
        else {
          const i = s[kind].indexOf(item);
          if (i >= 0) s[kind].splice(i, 1);
        }
        saveStage();
      };
    };
    s.removeTerms.slice().forEach(function (r) {
      steps.push({ label: t('apply.removeTerm', { term: r.label }), gone: true, done: drop('removeTerms', r),
        run: function () { return api('DELETE', F + '/terms/' + r.id); } });
    });
    s.changeTerms.slice().forEach(function (c) {
      steps.push({ label: t('apply.changeTerm', { term: c.label }), done: drop('changeTerms', c),
        run: function () { return api('PATCH', F + '/terms/' + c.id, c.patch); } });
    });
    s.addTerms.slice().forEach(function (x) {
      steps.push({ label: t('apply.addTerm', { term: x.term }), done: drop('addTerms', x),
        run: function () { return api('POST', F + '/terms', x); } });
    });
    s.removeRules.slice().forEach(function (r) {
      steps.push({ label: t('apply.removeRule', { name: r.label }), gone: true, done: drop('removeRules', r),
        run: function () { return api('DELETE', F + '/rules/' + r.id); } });
    });
    s.changeRules.slice().forEach(function (c) {
      steps.push({ label: t('apply.changeRule', { name: c.label }), done: drop('changeRules', c),
        run: function () { return api('PATCH', F + '/rules/' + c.id, c.patch); } });
    });
    s.addRules.slice().forEach(function (x) {
      steps.push({ label: t('apply.addRule', { name: x.name || x.pattern }), done: drop('addRules', x),
        run: function () { return api('POST', F + '/rules', x); } });
    });
    if (s.settings) {
      const patch = s.settings;
      steps.push({ label: t('apply.settings'), done: drop('settings', patch),
        run: function () { return api('PUT', F + '/settings', patch); } });
    }
    const log = hook('apply-log');
    clear(log);
    log.hidden = false;
    state.applying = true;
    renderStage();
    let done = 0;
    let lastVersion = null;
    let failed = false;
    const next = function (i) {
      if (i >= steps.length) return Promise.resolve();
      const step = steps[i];
      const line = el('li', { 'data-step': i, text: step.label + ' …' });
      log.appendChild(line);
      return step.run().then(function (res) {
        step.done();
        done += 1;
        if (res && res.version !== undefined && res.version !== null) lastVersion = res.version;
        line.className = 'done';
        line.textContent = step.label + ' ✓' + (res && res.version ? ' · ' + t('versions.short', { v: formatNumber(res.version, 0) }) : '');
        return next(i + 1);
      }, function (err) {
        if (step.gone && err instanceof ApiError && err.status === 404) {
          step.done();
          done += 1;
          line.className = 'done';
          line.textContent = step.label + ' — ' + t('apply.alreadyGone');
          return next(i + 1);
        }
        failed = true;
        line.className = 'failed';
        line.textContent = step.label + ' ✗ ' + (err instanceof ApiError
          ? err.message + (err.fields ? ' — ' + fieldSummary(err.fields) : '') : String(err));
        if (err instanceof ApiError && (err.status === 401 || err.status === 403)) handleError(err);
        return null;
      });
    };
    next(0).then(function () {
      state.applying = false;
      if (failed) toast(t('apply.failed', { done: formatNumber(done, 0), left: formatNumber(stageSize(state.stage), 0) }), 'error', { sticky: true });
      else toast(t('apply.done', { n: formatNumber(done, 0), version: formatNumber(lastVersion, 0) }), 'ok');
      if (!stageSize(state.stage)) { state.backtest = null; state.compare = null; }
      changed(['terms', 'rules', 'settings']);
      renderStage();
      renderCompare();
      renderBacktest();
    });
  }

  /* ------------------ test under the stage: side by side ------------------ */

  function onCompareSubmit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const request = testRequestFrom(form);
    if (!request) return;
    const withProposal = Object.assign({}, request, { proposal: proposalOf(state.stage) });
    setBusy(form, true);
    Promise.all([api('POST', F + '/test', request), api('POST', F + '/test', withProposal)]).then(function (both) {
      state.compare = { request: request, live: both[0], proposed: both[1] };
      renderCompare();
    }, function (err) { showFormError(form, err); })
      .then(function () { setBusy(form, false); });
  }

  function renderCompare() {
    const box = hook('proposal-test-result');
    clear(box);
    const c = state.compare;
    if (!c) { box.hidden = true; return; }
    const live = el('div', { 'data-raqib': 'compare-live' });
    const proposed = el('div', { 'data-raqib': 'compare-proposed' });
    fillVerdict(live, c.request, c.live, t('test.resultLive', { v: formatNumber(c.live.version, 0) }));
    fillVerdict(proposed, c.request, c.proposed, c.proposed.proposed
      ? t('test.resultProposed', { v: formatNumber(c.proposed.version, 0) }) : t('test.resultNoProposal'));
    if (c.stale) box.appendChild(el('p', { class: 'notice', 'data-raqib': 'stale-result', text: t('proposal.resultStale') }));
    append(box, [live, proposed]);
    box.hidden = false;
  }

  /* ----------------------------- back-test ----------------------------- */

  function onBacktestSubmit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    clearFieldErrors(form);
    const days = numberOf(form.elements.days);
    const comments = numberOf(form.elements.comments);
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > 365)) { setFieldError(form, 'days', t('backtest.badDays')); return; }
    if (comments !== null && (!Number.isInteger(comments) || comments < 1 || comments > 200000)) { setFieldError(form, 'comments', t('backtest.badComments')); return; }
    const request = proposalOf(state.stage);
    if (days !== null) request.days = days;
    if (comments !== null) request.comments = comments;
    setBusy(form, true);
    const box = hook('backtest-result');
    box.setAttribute('aria-busy', 'true');
    api('POST', F + '/backtest', request).then(function (report) {
      state.backtest = report;
      state.backtest.empty = !stageSize(state.stage);
      renderBacktest();
    }, function (err) { showFormError(form, err); })
      .then(function () { setBusy(form, false); box.setAttribute('aria-busy', 'false'); });
  }

  const CLASS_RANK = { ok: 0, hold: 1, spam: 2, block: 3 };

  function renderBacktest() {
    const box = hook('backtest-result');
    clear(box);
    const r = state.backtest;
    if (!r) { box.hidden = true; return; }
    box.className = 'panel';
    box.setAttribute('data-version', r.version);

    // The headline: approved comments the change would have held.
    const nfa = r.newly_flagged_approved || 0;
    box.appendChild(el('div', {
      class: 'verdict-banner' + (nfa > 0 ? ' bad' : ''), 'data-raqib': 'newly-flagged-approved', 'data-count': nfa, role: 'status',
    }, [
      nfa > 0 ? t('backtest.flaggedApproved', { n: formatNumber(nfa, 0) }) : t('backtest.flaggedApprovedNone'),
      el('span', { class: 'sub', text: t('backtest.window', { days: formatNumber(r.days, 0), v: formatNumber(r.version, 0) }) }),
    ]));
    const npb = r.newly_passed_bad || 0;
    box.appendChild(el('div', {
      class: 'verdict-banner' + (npb > 0 ? ' warn' : ''), 'data-raqib': 'newly-passed-bad', 'data-count': npb,
    }, npb > 0 ? t('backtest.passedBad', { n: formatNumber(npb, 0) }) : t('backtest.passedBadNone')));
    if (r.empty) box.appendChild(el('p', { class: 'notice', text: t('backtest.emptyProposal') }));
    if (r.stale) box.appendChild(el('p', { class: 'notice', 'data-raqib': 'stale-result', text: t('proposal.resultStale') }));

    // Figures.
    const figure = function (value, label, hookName) {
      return el('div', { class: 'figure', 'data-raqib': hookName || null }, [
        el('span', { class: 'value', text: formatNumber(value, 0) }),
        el('span', { class: 'label', text: label }),
      ]);
    };
    box.appendChild(el('div', { class: 'card figures' }, [
      figure(r.replayed, t('backtest.replayed'), 'bt-replayed'),
      figure(r.decided, t('backtest.decided'), 'bt-decided'),
      figure(r.changed, t('backtest.changed'), 'bt-changed'),
      figure(r.elapsed_ms, t('backtest.elapsed')),
    ]));

    // Transitions.
    const transitions = Object.keys(r.transitions || {});
    if (transitions.length) {
      const chips = el('div', { class: 'transitions', 'data-raqib': 'transitions' });
      transitions.sort(function (a, b) { return r.transitions[b] - r.transitions[a]; }).forEach(function (key) {
        const parts = key.split('→');
        const up = parts.length === 2 && CLASS_RANK[parts[1]] > CLASS_RANK[parts[0]];
        chips.appendChild(el('span', { class: 'transition ' + (up ? 'up' : 'down'), 'data-transition': key },
          [parts.length === 2 ? classLabel(parts[0]) + ' → ' + classLabel(parts[1]) : key, ': ', el('strong', { text: formatNumber(r.transitions[key], 0) })]));
      });
      box.appendChild(el('section', { class: 'card' }, [el('h3', { class: 'hits-title', text: t('backtest.transitions') }), chips]));
    }

    // Quality, before and after.
    box.appendChild(qualityTable(r));

    // Examples.
    const examples = r.examples || [];
    const section = el('section', { class: 'card', 'data-raqib': 'bt-examples' }, [
      el('h3', { class: 'hits-title', text: t('backtest.examples', { n: formatNumber(examples.length, 0) }) }),
    ]);
    if (!examples.length) section.appendChild(el('p', { class: 'hits-none', text: t('backtest.noExamples') }));
    examples.forEach(function (x) { section.appendChild(exampleCard(x)); });
    box.appendChild(section);
    box.hidden = false;
  }

  function qualityTable(r) {
    const table = el('table', { class: 'grid quality', 'data-raqib': 'quality' });
    table.appendChild(el('thead', null, el('tr', null, [
      el('th', { text: t('backtest.metric') }),
      el('th', { class: 'num', text: t('backtest.before') }),
      el('th', { class: 'num', text: t('backtest.after') }),
      el('th', { class: 'num', text: t('backtest.delta') }),
    ])));
    const body = el('tbody');
    // [key, higher is better?, ratio?]
    const metrics = [['precision', true, true], ['recall', true, true], ['flagged', null, false],
      ['true_positives', true, false], ['false_positives', false, false], ['false_negatives', false, false]];
    ['spam', 'hold'].forEach(function (kind) {
      body.appendChild(el('tr', { class: 'detail-row' }, el('td', { colspan: '4' }, el('strong', { text: t('backtest.kind.' + kind) }))));
      metrics.forEach(function (m) {
        const before = r.before && r.before[kind] ? r.before[kind][m[0]] : null;
        const after = r.after && r.after[kind] ? r.after[kind][m[0]] : null;
        const show = function (v) {
          if (!m[2]) return formatNumber(v, 0);
          return v === null || v === undefined ? [t('backtest.na')] : [formatPercent(v), el('meter', { min: '0', max: '1', value: v })];
        };
        let delta = '';
        let cls = 'num';
        if (before !== null && before !== undefined && after !== null && after !== undefined && after !== before) {
          const d = after - before;
          delta = m[2] ? (d > 0 ? '+' : '−') + formatPercent(Math.abs(d)) : (d > 0 ? '+' : '−') + formatNumber(Math.abs(d), 0);
          if (m[1] !== null) cls += ((d > 0) === m[1]) ? ' better' : ' worse';
        }
        body.appendChild(el('tr', { 'data-metric': kind + '.' + m[0] }, [
          el('td', { text: t('backtest.m.' + m[0]) }),
          el('td', { class: 'num', 'data-when': 'before' }, show(before)),
          el('td', { class: 'num', 'data-when': 'after' }, show(after)),
          el('td', { class: cls, dir: 'ltr', text: delta }),
        ]));
      });
    });
    body.appendChild(el('tr', { class: 'detail-row' }, el('td', { colspan: '4' }, el('strong', { text: t('backtest.classes') }))));
    CLASSES.forEach(function (c) {
      const before = (r.before && r.before.classes && r.before.classes[c]) || 0;
      const after = (r.after && r.after.classes && r.after.classes[c]) || 0;
      const d = after - before;
      body.appendChild(el('tr', { 'data-metric': 'classes.' + c }, [
        el('td', null, classBadge(c)),
        el('td', { class: 'num', text: formatNumber(before, 0) }),
        el('td', { class: 'num', text: formatNumber(after, 0) }),
        el('td', { class: 'num', dir: 'ltr', text: d ? (d > 0 ? '+' : '−') + formatNumber(Math.abs(d), 0) : '' }),
      ]));
    });
    table.appendChild(body);
    return el('section', { class: 'card' }, [
      el('h3', { class: 'hits-title', text: t('backtest.quality') }),
      el('p', { class: 'hint', text: t('backtest.qualityHint') }),
      el('div', { class: 'table-wrap' }, table),
    ]);
  }

  function exampleCard(x) {
    const approvedFlagged = x.status === 'approved' && CLASS_RANK[x.after] >= 1 && CLASS_RANK[x.before] === 0;
    const entries = hitsOf(x.new_hits, 'body').map(function (e) { return { hit: e.hit, i: e.i, kind: 'new' }; })
      .concat(hitsOf(x.lost_hits, 'body').map(function (e) { return { hit: e.hit, i: 1000 + e.i, kind: 'lost' }; }));
    const card = el('article', { class: 'example' + (approvedFlagged ? ' approved-flagged' : ''), 'data-raqib': 'bt-example', 'data-id': x.id }, [
      el('div', { class: 'example-head' }, [
        el('strong', { text: '#' + x.id }),
        el('bdi', { class: 'muted', dir: 'auto', text: x.article }),
        el('span', { class: 'badge status-' + x.status, text: tOr('status.' + x.status, x.status) }),
        classBadge(x.before), '→', classBadge(x.after),
        el('span', { class: 'muted', dir: 'ltr', text: formatNumber(x.before_score) + ' → ' + formatNumber(x.after_score) }),
      ]),
      el('div', { class: 'item-body', dir: 'auto' }, highlighted(x.excerpt, entries)),
    ]);
    const hits = el('div', { class: 'item-hits' });
    const sources = { body: x.excerpt };
    if ((x.new_hits || []).length) hits.appendChild(renderHits(x.new_hits, sources, 'new', 0));
    if ((x.lost_hits || []).length) hits.appendChild(renderHits(x.lost_hits, sources, 'lost', 1000));
    card.appendChild(hits);
    return card;
  }

  /* ------------------------------------------------------------------ *
   * 6. Versions.                                                        *
   * ------------------------------------------------------------------ */

  function loadVersions() {
    const v = state.versions;
    hook('version-rows').setAttribute('aria-busy', 'true');
    return api('GET', F + '/versions' + query({ limit: v.limit })).then(function (data) {
      v.data = data;
      renderVersions();
    }, handleError).then(function () {
      hook('version-rows').setAttribute('aria-busy', 'false');
    });
  }

  function renderVersions() {
    const v = state.versions;
    const body = hook('version-rows');
    clear(body);
    if (!v.data) return;
    const current = v.data.current;
    (v.data.items || []).forEach(function (item) {
      const open = v.open.has(item.version);
      const tr = el('tr', {
        class: 'version-row' + (item.version === current ? ' current-version' : ''),
        'data-raqib': 'version', 'data-version': item.version, 'aria-expanded': open ? 'true' : 'false',
      }, [
        el('td', { class: 'num' }, [formatNumber(item.version, 0),
          item.version === current ? el('span', { class: 'badge class-ok', text: t('versions.current') }) : null]),
        el('td', { class: 'when', title: isoTitle(item.created_at), text: formatTime(item.created_at) }),
        el('td', null, el('bdi', { text: item.created_by })),
        el('td', { dir: 'auto', text: item.summary }),
        el('td', { class: 'num', text: formatNumber(item.opened, 0) }),
        el('td', { class: 'num', text: formatNumber(item.closed, 0) }),
        el('td', { class: 'actions' }, [
          el('button', { type: 'button', 'data-action': 'details', 'aria-expanded': open ? 'true' : 'false',
            text: open ? t('versions.hide') : t('versions.details') }),
          el('button', { type: 'button', class: 'danger', 'data-action': 'restore', 'data-version': item.version,
            disabled: item.version === current, title: item.version === current ? t('versions.isCurrent') : null,
            text: t('versions.restore') }),
        ]),
      ]);
      body.appendChild(tr);
      if (open) body.appendChild(versionDetailRow(item.version));
    });
  }

  function versionDetailRow(n) {
    const td = el('td', { colspan: '7' });
    const tr = el('tr', { class: 'detail-row', 'data-raqib': 'version-detail', 'data-version': n }, td);
    const d = state.versions.details.get(n);
    if (!d) {
      td.appendChild(el('p', { class: 'muted', text: t('loading') }));
      return tr;
    }
    const section = function (title, lines) {
      if (!lines.length) return null;
      return el('section', { class: 'stage-group' }, [el('h3', { text: title }), el('ul', { class: 'stage-list' }, lines)]);
    };
    const termText = function (x) {
      return [catLabel(x.category), signed(x.weight), actionLabel(x.action), t('match.' + x.match), x.list]
        .join(' · ') + (x.shadow ? ' · ' + t('hits.shadow') : '') + (x.enabled ? '' : ' · ' + t('state.disabled'));
    };
    const ruleText = function (x) {
      return [x.pattern, signed(x.weight), actionLabel(x.action), tOr('target.' + x.target, x.target), catLabel(x.category)]
        .join(' · ') + (x.shadow ? ' · ' + t('hits.shadow') : '') + (x.enabled ? '' : ' · ' + t('state.disabled'));
    };
    // A row closed and opened with the same id is a change.
    const pair = function (opened, closed) {
      const closedById = new Map(closed.map(function (x) { return [x.id, x]; }));
      const openedIds = new Set(opened.map(function (x) { return x.id; }));
      return {
        added: opened.filter(function (x) { return !closedById.has(x.id); }),
        changed: opened.filter(function (x) { return closedById.has(x.id); }).map(function (x) { return [closedById.get(x.id), x]; }),
        removed: closed.filter(function (x) { return !openedIds.has(x.id); }),
      };
    };
    const terms = pair(d.terms_opened || [], d.terms_closed || []);
    const rules = pair(d.rules_opened || [], d.rules_closed || []);
    const line = function (cls, label, text) {
      return el('li', { class: 'stage-item ' + cls }, [el('bdi', { class: 'term-cell', dir: 'auto', text: label }),
        el('span', { class: 'grow muted', dir: 'auto', text: text })]);
    };
    const parts = [
      section(t('versions.termsAdded'), terms.added.map(function (x) { return line('add', x.term, termText(x)); })),
      section(t('versions.termsChanged'), terms.changed.map(function (p) { return line('change', p[1].term, termText(p[0]) + '  ⟶  ' + termText(p[1])); })),
      section(t('versions.termsRemoved'), terms.removed.map(function (x) { return line('remove', x.term, termText(x)); })),
      section(t('versions.rulesAdded'), rules.added.map(function (x) { return line('add', x.name, ruleText(x)); })),
      section(t('versions.rulesChanged'), rules.changed.map(function (p) { return line('change', p[1].name, ruleText(p[0]) + '  ⟶  ' + ruleText(p[1])); })),
      section(t('versions.rulesRemoved'), rules.removed.map(function (x) { return line('remove', x.name, ruleText(x)); })),
    ].filter(Boolean);
    if (!parts.length) td.appendChild(el('p', { class: 'muted', text: t('versions.noRows') }));
    append(td, parts);
    return tr;
  }

  function onVersionsClick(event) {
    const row = event.target.closest('[data-raqib="version"]');
    if (!row) return;
    const n = Number(row.getAttribute('data-version'));
    const button = event.target.closest('button[data-action]');
    if (button && button.getAttribute('data-action') === 'restore') {
      restoreVersion(n);
      return;
    }
    if (event.target.closest('a, input, select')) return;
    const v = state.versions;
    if (v.open.has(n)) {
      v.open.delete(n);
      renderVersions();
      return;
    }
    v.open.add(n);
    renderVersions();
    if (!v.details.has(n)) {
      api('GET', F + '/versions/' + n).then(function (d) {
        v.details.set(n, d);
        renderVersions();
      }, function (err) {
        v.open.delete(n);
        renderVersions();
        handleError(err);
      });
    }
  }

  function restoreVersion(n) {
    confirmDialog(t('versions.restoreTitle', { v: formatNumber(n, 0) }), t('versions.restoreText', { v: formatNumber(n, 0) }),
      t('versions.restore')).then(function (yes) {
      if (!yes) return;
      api('POST', F + '/versions/' + n + '/restore').then(function (res) {
        toast(t('versions.restored', { from: formatNumber(res.restored_from, 0), v: formatNumber(res.version, 0) }), 'ok');
        changed(['terms', 'rules', 'settings']);
        loadVersions();
      }, handleError);
    });
  }

  /* ------------------------------------------------------------------ *
   * 7. Statistics.                                                      *
   * ------------------------------------------------------------------ */

  function loadStats() {
    const form = hook('stats-form');
    const days = numberOf(form.elements.days);
    if (days !== null && (!Number.isInteger(days) || days < 1 || days > 90)) {
      form.elements.days.setAttribute('aria-invalid', 'true');
      toast(t('stats.badDays'), 'error');
      return Promise.resolve();
    }
    form.elements.days.removeAttribute('aria-invalid');
    hook('stats-rows').setAttribute('aria-busy', 'true');
    return api('GET', F + '/stats' + query({ days: days })).then(function (data) {
      state.stats.data = data;
      state.stats.loaded = true;
      renderStats();
    }, handleError).then(function () {
      hook('stats-rows').setAttribute('aria-busy', 'false');
    });
  }

  function shareClass(s) {
    if (s.approved_share === null || s.approved_share === undefined) return '';
    if (s.approved_share >= HARMFUL_SHARE) return 'harmful';
    if (s.approved_share >= SUSPECT_SHARE) return 'suspect';
    return '';
  }

  function renderStats() {
    const data = state.stats.data;
    const body = hook('stats-rows');
    clear(body);
    const summary = hook('stats-summary');
    clear(summary);
    if (!data) return;
    const form = hook('stats-form');
    const q = form.elements.q.value.trim().toLowerCase();
    const harmfulOnly = form.elements.harmful.checked;
    hook('stats-hits-head').textContent = t('stats.hitsN', { n: formatNumber(data.days, 0) });
    const harmful = (data.rules || []).filter(function (s) { return shareClass(s) === 'harmful'; }).length;
    append(summary, [
      el('span', { class: 'stat-big', text: t('stats.comments', { n: formatNumber(data.comments, 0), days: formatNumber(data.days, 0) }) }),
      el('span', { class: 'stat-big', 'data-raqib': 'stats-silent', 'data-count': data.silent,
        title: t('stats.silentHint'), text: t('stats.silent', { n: formatNumber(data.silent, 0) }) }),
      harmful ? el('span', { class: 'badge class-block', 'data-raqib': 'stats-harmful', 'data-count': harmful,
        text: t('stats.harmfulCount', { n: formatNumber(harmful, 0) }) }) : null,
    ]);
    const key = state.stats.sort;
    $all('[data-sort]', hook('stats-table')).forEach(function (b) { b.classList.toggle('sorted', b.getAttribute('data-sort') === key); });
    const rows = (data.rules || []).filter(function (s) {
      if (harmfulOnly && shareClass(s) !== 'harmful') return false;
      return !q || String(s.rule).toLowerCase().indexOf(q) >= 0;
    }).slice();
    rows.sort(function (a, b) {
      const x = a[key] === null || a[key] === undefined ? -Infinity : a[key];
      const y = b[key] === null || b[key] === undefined ? -Infinity : b[key];
      if (y !== x) return y > x ? 1 : -1;
      return (b.hits_30d - a.hits_30d) || String(a.rule).localeCompare(String(b.rule));
    });
    rows.forEach(function (s) {
      const cls = shareClass(s);
      const target = parseRuleId(s.rule);
      const decided = (s.approved || 0) + (s.rejected || 0);
      body.appendChild(el('tr', { class: cls, 'data-raqib': 'stat', 'data-rule': s.rule }, [
        el('td', null, [
          target ? el('button', { type: 'button', class: 'linkish', 'data-action': 'open-rule', dir: 'ltr', title: t('stats.open'), text: s.rule })
            : el('code', { dir: 'ltr', text: s.rule }),
          s.shadow ? [' ', el('span', { class: 'badge shadow', text: t('hits.shadow') })] : null,
        ].flat()),
        el('td', { text: catLabel(s.category) }),
        el('td', { class: 'num', text: formatNumber(s.hits_7d, 0) }),
        el('td', { class: 'num', text: formatNumber(s.hits_30d, 0) }),
        el('td', { class: 'num', text: formatNumber(s.approved, 0) }),
        el('td', { class: 'num', text: formatNumber(s.rejected, 0) }),
        el('td', { class: 'num share', title: decided ? t('stats.shareOf', { a: s.approved, d: decided }) : null,
          text: formatPercent(s.approved_share) }),
        el('td', null, el('span', { class: 'outcomes' }, Object.keys(s.outcomes || {}).map(function (k) {
          return el('span', { text: tOr('status.' + k, k) + ': ' + formatNumber(s.outcomes[k], 0) });
        }))),
        el('td', { class: 'when', title: s.last_seen ? isoTitle(s.last_seen) : null, text: formatTime(s.last_seen) }),
        el('td', { class: 'examples', dir: 'ltr', text: (s.examples || []).map(function (id) { return '#' + id; }).join(' ') }),
      ]));
    });
    hook('stats-empty').hidden = rows.length > 0;
  }

  function onStatsClick(event) {
    const sort = event.target.closest('[data-sort]');
    if (sort) {
      state.stats.sort = sort.getAttribute('data-sort');
      renderStats();
      return;
    }
    const open = event.target.closest('[data-action="open-rule"]');
    if (!open) return;
    const target = parseRuleId(open.closest('[data-raqib="stat"]').getAttribute('data-rule'));
    if (!target) return;
    if (target.rule) {
      state.rules.flash = target.rule;
      selectTab('rules');
      if (state.rules.loaded) renderRules();
    } else {
      const f = state.terms.filters;
      f.q = target.term; f.list = target.list; f.category = ''; f.shadow = ''; f.enabled = '';
      state.terms.offset = 0;
      syncTermFilters();
      state.terms.loaded = false;
      selectTab('terms', true);
    }
  }

  /* ------------------------------------------------------------------ *
   * 8. Users and API tokens.                                            *
   * ------------------------------------------------------------------ */

  function loadUsers() {
    return Promise.all([api('GET', '/api/v1/admin/users'), api('GET', '/api/v1/admin/tokens')]).then(function (both) {
      state.users.list = Array.isArray(both[0]) ? both[0] : [];
      state.users.tokens = Array.isArray(both[1]) ? both[1] : [];
      state.users.loaded = true;
      renderUsers();
    }, handleError);
  }

  function userById(id) {
    return state.users.list.find(function (u) { return u.id === id; }) || null;
  }

  function renderUsers() {
    const body = hook('user-rows');
    clear(body);
    state.users.list.forEach(function (u) {
      const me = state.user && u.username === state.user;
      body.appendChild(el('tr', { 'data-raqib': 'user', 'data-id': u.id, 'data-username': u.username, class: u.disabled ? 'disabled' : '' }, [
        el('td', null, [el('bdi', { dir: 'ltr', text: u.username }), me ? ' (' + t('you') + ')' : null]),
        el('td', null, selectEl({ 'data-action': 'role', 'aria-label': t('users.role') + ': ' + u.username, disabled: me },
          ROLES.map(function (r) { return [r, t('role.' + r)]; }), u.role)),
        el('td', null, [
          u.disabled ? el('span', { class: 'badge off', text: t('state.disabled') }) : el('span', { class: 'badge class-ok', text: t('state.active') }),
          u.must_change_password ? [' ', el('span', { class: 'badge warn', text: t('users.mustChange') })] : null,
        ].flat()),
        el('td', { class: 'when', title: isoTitle(u.created_at), text: formatTime(u.created_at) }),
        el('td', { class: 'actions' }, [
          el('button', { type: 'button', 'data-action': 'toggle-disabled', disabled: me,
            class: u.disabled ? '' : 'danger', text: u.disabled ? t('users.enable') : t('users.disable') }),
          el('button', { type: 'button', 'data-action': 'reset-password', text: t('users.reset') }),
        ]),
      ]));
    });
    const select = hook('token-user');
    const current = select.value;
    fill(select, [['', t('tokens.me')]].concat(state.users.list.filter(function (u) { return !u.disabled; })
      .map(function (u) { return [u.username, u.username + ' · ' + t('role.' + u.role)]; })), current);
    renderTokens();
  }

  function renderTokens() {
    const body = hook('token-rows');
    clear(body);
    const now = Date.now();
    state.users.tokens.slice().sort(function (a, b) { return b.id - a.id; }).forEach(function (tok) {
      const user = userById(tok.user_id);
      const expired = tok.expires_at && new Date(tok.expires_at).getTime() < now;
      body.appendChild(el('tr', { 'data-raqib': 'token', 'data-id': tok.id, class: tok.revoked || expired ? 'disabled' : '' }, [
        el('td', { class: 'num', text: String(tok.id) }),
        el('td', { dir: 'auto', text: tok.name || '—' }),
        el('td', null, el('bdi', { dir: 'ltr', text: user ? user.username : '#' + tok.user_id })),
        el('td', { class: 'when', title: tok.created_at, text: formatTime(tok.created_at) }),
        el('td', { class: 'when', title: tok.expires_at || null, text: tok.expires_at ? formatTime(tok.expires_at) : t('tokens.never') }),
        el('td', null, tok.revoked ? el('span', { class: 'badge off', text: t('tokens.revoked') })
          : expired ? el('span', { class: 'badge warn', text: t('tokens.expired') })
            : el('span', { class: 'badge class-ok', text: t('state.active') })),
        el('td', { class: 'actions' }, tok.revoked ? null
          : el('button', { type: 'button', class: 'danger', 'data-action': 'revoke', text: t('tokens.revoke') })),
      ]));
    });
    hook('tokens-empty').hidden = state.users.tokens.length > 0;
  }

  function onUserRowsClick(event) {
    const button = event.target.closest('button[data-action]');
    if (!button) return;
    const u = userById(Number(button.closest('[data-raqib="user"]').getAttribute('data-id')));
    if (!u) return;
    const action = button.getAttribute('data-action');
    if (action === 'toggle-disabled') {
      const disable = !u.disabled;
      const go = function () {
        api('PATCH', '/api/v1/admin/users/' + u.id, { disabled: disable }).then(function (view) {
          replaceUser(view);
          toast(t(disable ? 'users.disabled' : 'users.enabled', { user: u.username }), 'ok');
        }, handleError);
      };
      if (!disable) { go(); return; }
      confirmDialog(t('users.disableTitle'), t('users.disableText', { user: u.username }), t('users.disable'))
        .then(function (yes) { if (yes) go(); });
    } else if (action === 'reset-password') {
      confirmDialog(t('users.resetTitle'), t('users.resetText', { user: u.username }), t('users.reset')).then(function (yes) {
        if (!yes) return;
        api('POST', '/api/v1/admin/users/' + u.id + '/password').then(function (res) {
          showSecret(t('secret.reset', { user: u.username }), res.password);
          loadUsers();
        }, handleError);
      });
    }
  }

  function onUserRowsChange(event) {
    const select = event.target.closest('select[data-action="role"]');
    if (!select) return;
    const u = userById(Number(select.closest('[data-raqib="user"]').getAttribute('data-id')));
    if (!u) return;
    const role = select.value;
    select.disabled = true;
    api('PATCH', '/api/v1/admin/users/' + u.id, { role: role }).then(function (view) {
      replaceUser(view);
      toast(t('users.roleChanged', { user: u.username, role: t('role.' + view.role) }), 'ok');
    }, function (err) {
      select.value = u.role;
      select.disabled = false;
      handleError(err);
    });
  }

  function replaceUser(view) {
    const i = state.users.list.findIndex(function (u) { return u.id === view.id; });
    if (i >= 0) state.users.list[i] = view; else state.users.list.push(view);
    renderUsers();
  }

  function onUserFormSubmit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    clearFieldErrors(form);
    const e = form.elements;
    const username = e.username.value.trim();
    if (!username) { setFieldError(form, 'username', t('error.required')); return; }
    const request = { username: username, role: e.role.value };
    if (e.password.value) request.password = e.password.value;
    setBusy(form, true);
    api('POST', '/api/v1/admin/users', request).then(function (res) {
      form.reset();
      fill(form.elements.role, ROLES.map(function (r) { return [r, t('role.' + r)]; }), 'moderator');
      if (res.password) showSecret(t('secret.created', { user: res.user.username }), res.password);
      else toast(t('users.created', { user: res.user.username }), 'ok');
      loadUsers();
    }, function (err) {
      if (err instanceof ApiError && err.status === 409) {
        setFieldError(form, 'username', t('users.taken'));
        setFormError(form, err.message);
      } else showFormError(form, err);
    }).then(function () { setBusy(form, false); });
  }

  function onTokenFormSubmit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    clearFieldErrors(form);
    const e = form.elements;
    const name = e.name.value.trim();
    if (!name) { setFieldError(form, 'name', t('error.required')); return; }
    const request = { name: name };
    if (e.username.value) request.username = e.username.value;
    const days = numberOf(e.expires_in_days);
    if (days !== null) {
      if (!Number.isInteger(days) || days < 1) { setFieldError(form, 'expires_in_days', t('error.number')); return; }
      request.expires_in_days = days;
    }
    setBusy(form, true);
    api('POST', '/api/v1/admin/tokens', request).then(function (res) {
      form.reset();
      showSecret(t('secret.token', { name: name, id: res.id }), res.token);
      loadUsers();
    }, function (err) {
      if (err instanceof ApiError && err.status === 404) setFieldError(form, 'username', t('tokens.noUser'));
      else showFormError(form, err);
    }).then(function () { setBusy(form, false); });
  }

  function onTokenRowsClick(event) {
    const button = event.target.closest('button[data-action="revoke"]');
    if (!button) return;
    const id = Number(button.closest('[data-raqib="token"]').getAttribute('data-id'));
    const tok = state.users.tokens.find(function (x) { return x.id === id; });
    confirmDialog(t('tokens.revokeTitle'), t('tokens.revokeText', { name: (tok && tok.name) || '#' + id }), t('tokens.revoke')).then(function (yes) {
      if (!yes) return;
      api('DELETE', '/api/v1/admin/tokens/' + id).then(function () {
        toast(t('tokens.revokedDone'), 'ok');
        loadUsers();
      }, handleError);
    });
  }

  /** Shows a password or token once, with a copy button. */
  function showSecret(label, value) {
    const box = hook('secret');
    hook('secret-label').textContent = label;
    hook('secret-value').textContent = value;
    box.hidden = false;
    box.scrollIntoView({ block: 'nearest' });
    hook('secret-copy').focus();
  }

  function hideSecret() {
    hook('secret-value').textContent = '';
    hook('secret-label').textContent = '';
    hook('secret').hidden = true;
  }

  function copySecret() {
    const value = hook('secret-value').textContent;
    const selectIt = function () {
      const range = document.createRange();
      range.selectNodeContents(hook('secret-value'));
      const sel = window.getSelection();
      sel.removeAllRanges();
      sel.addRange(range);
      toast(t('secret.selected'), 'info');
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(value).then(function () { toast(t('secret.copied'), 'ok'); }, selectIt);
    } else selectIt();
  }

  /* ------------------------------------------------------------------ *
   * Language.                                                           *
   * ------------------------------------------------------------------ */

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
    renderOverview();
    renderStageCount();
    if (state.terms.loaded) renderTerms();
    if (state.rules.loaded) { renderRules(); renderRuleFormMode(); }
    if (state.settings.view) renderSettings(true);
    renderTestForm();
    if (state.test) renderTest();
    renderStage();
    renderCompare();
    renderBacktest();
    if (state.versions.data) renderVersions();
    if (state.stats.data) renderStats();
    if (state.users.loaded) renderUsers();
    if (!hook('forbidden-view').hidden) showForbidden();
  }

  /** Fills every <select data-options="…">, keeping its value. */
  function buildSelectOptions() {
    const cats = CATEGORIES.map(function (c) { return [c, catLabel(c)]; });
    const actions = ACTIONS.map(function (a) { return [a, actionLabel(a)]; });
    const sets = {
      'term-category': { options: cats, fallback: 'insult' },
      'term-category-optional': { options: [['', t('import.pickCategory')]].concat(cats), fallback: '' },
      'category-any': { options: [['', t('filters.any')]].concat(cats), fallback: '' },
      'rule-category': { options: cats, fallback: 'rule' },
      'action': { options: actions, fallback: 'score' },
      'action-optional': { options: [['', t('import.actionDefault')]].concat(actions), fallback: '' },
      'match': { options: MATCHES.map(function (m) { return [m, t('match.' + m)]; }), fallback: 'token' },
      'target': { options: TARGETS.map(function (x) { return [x, t('target.' + x)]; }), fallback: 'body' },
      'tristate': { options: [['', t('filters.any')], ['true', t('yes')], ['false', t('no')]], fallback: '' },
      'page-size': { options: [25, 50, 100, 200, 500].map(function (n) { return [String(n), formatNumber(n, 0)]; }), fallback: '50' },
      'role': { options: ROLES.map(function (r) { return [r, t('role.' + r)]; }), fallback: 'moderator' },
    };
    $all('select[data-options]').forEach(function (select) {
      const set = sets[select.getAttribute('data-options')];
      if (!set) return;
      const value = select.options.length ? select.value : set.fallback;
      fill(select, set.options, value);
    });
  }

  function toggleLanguage() {
    state.lang = state.lang === 'ar' ? 'en' : 'ar';
    store.set('raqib.lang', state.lang);
    applyLanguage();
  }

  /* ------------------------------------------------------------------ *
   * Wiring and start.                                                   *
   * ------------------------------------------------------------------ */

  function onTabKey(event) {
    const tab = event.target.closest('[role="tab"]');
    if (!tab) return;
    const keys = { ArrowRight: state.lang === 'ar' ? -1 : 1, ArrowLeft: state.lang === 'ar' ? 1 : -1, Home: 'first', End: 'last' };
    const move = keys[event.key];
    if (move === undefined) return;
    event.preventDefault();
    const i = TABS.indexOf(tab.getAttribute('data-tab'));
    const next = move === 'first' ? 0 : move === 'last' ? TABS.length - 1 : (i + move + TABS.length) % TABS.length;
    selectTab(TABS[next]);
    $('[data-tab="' + TABS[next] + '"]').focus();
  }

  function wire() {
    hook('login').addEventListener('submit', onLogin);
    hook('password').addEventListener('submit', onPassword);
    hook('password-cancel').addEventListener('click', function () {
      if (state.signedIn) showView('app'); else enter();
    });
    hook('logout').addEventListener('click', onLogout);
    hook('change-password').addEventListener('click', function () { showPassword(false); });
    hook('forbidden-password').addEventListener('click', function () { showPassword(true); });
    hook('forbidden-login').addEventListener('click', onLogout);
    hook('lang').addEventListener('click', toggleLanguage);

    $all('[data-tab]').forEach(function (b) {
      b.addEventListener('click', function () { selectTab(b.getAttribute('data-tab')); });
    });
    $('.tabs').addEventListener('keydown', onTabKey);
    window.addEventListener('hashchange', function () {
      const name = tabFromHash();
      if (name && state.signedIn && name !== state.tab) selectTab(name);
    });

    // Terms.
    const termForm = hook('term-form');
    termForm.addEventListener('submit', onTermFormSubmit);
    $('[data-action="stage"]', termForm).addEventListener('click', onTermFormStage);
    const filters = hook('term-filters');
    filters.addEventListener('submit', function (event) {
      event.preventDefault();
      readTermFilters();
      state.terms.offset = 0;
      loadTerms();
    });
    ['category', 'shadow', 'enabled', 'limit'].forEach(function (name) {
      filters.elements[name].addEventListener('change', function () {
        readTermFilters();
        state.terms.offset = 0;
        loadTerms();
      });
    });
    hook('terms-prev').addEventListener('click', function () {
      state.terms.offset = Math.max(0, state.terms.offset - state.terms.filters.limit);
      loadTerms();
    });
    hook('terms-next').addEventListener('click', function () {
      state.terms.offset += state.terms.filters.limit;
      loadTerms();
    });
    const termRows = hook('term-rows');
    termRows.addEventListener('click', onTermRowsClick);
    termRows.addEventListener('change', onTermRowsChange);
    termRows.addEventListener('keydown', function (event) {
      const row = event.target.closest('tr.editing');
      if (!row || event.target.tagName === 'BUTTON') return;
      if (event.key === 'Enter') { event.preventDefault(); $('[data-action="save-edit"]', row).click(); }
      if (event.key === 'Escape') { event.preventDefault(); $('[data-action="cancel-edit"]', row).click(); }
    });
    const importForm = hook('import-form');
    importForm.addEventListener('submit', onImportSubmit);
    importForm.elements.file.addEventListener('change', onImportFile);

    // Rules.
    const ruleForm = hook('rule-form');
    ruleForm.addEventListener('submit', onRuleFormSubmit);
    $('[data-action="stage"]', ruleForm).addEventListener('click', onRuleFormStage);
    $('[data-action="cancel-edit"]', ruleForm).addEventListener('click', function () { stopRuleEdit(); renderRules(); });
    const ruleRows = hook('rule-rows');
    ruleRows.addEventListener('click', onRuleRowsClick);
    ruleRows.addEventListener('change', onRuleRowsChange);
    hook('rules-refresh').addEventListener('click', loadRules);

    // Settings.
    const settingsForm = hook('settings-form');
    settingsForm.addEventListener('submit', onSettingsSubmit);
    settingsForm.addEventListener('input', markSettingsChanges);
    settingsForm.addEventListener('change', markSettingsChanges);
    $('[data-action="stage"]', settingsForm).addEventListener('click', onSettingsStage);
    $('[data-action="reset"]', settingsForm).addEventListener('click', function () { renderSettings(false); });

    // Test.
    hook('test-form').addEventListener('submit', onTestSubmit);

    // Proposal.
    hook('proposal-list').addEventListener('click', onProposalListClick);
    hook('proposal-apply').addEventListener('click', onApply);
    hook('proposal-discard').addEventListener('click', onDiscard);
    hook('proposal-test-form').addEventListener('submit', onCompareSubmit);
    hook('backtest-form').addEventListener('submit', onBacktestSubmit);

    // Versions.
    hook('version-rows').addEventListener('click', onVersionsClick);
    hook('versions-refresh').addEventListener('click', loadVersions);
    hook('versions-limit').addEventListener('change', function (event) {
      state.versions.limit = Number(event.currentTarget.value) || 50;
      loadVersions();
    });

    // Statistics.
    const statsForm = hook('stats-form');
    statsForm.addEventListener('submit', function (event) { event.preventDefault(); loadStats(); });
    statsForm.elements.q.addEventListener('input', renderStats);
    statsForm.elements.harmful.addEventListener('change', renderStats);
    hook('stats-table').addEventListener('click', onStatsClick);

    // Users and tokens.
    hook('user-form').addEventListener('submit', onUserFormSubmit);
    hook('token-form').addEventListener('submit', onTokenFormSubmit);
    const userRows = hook('user-rows');
    userRows.addEventListener('click', onUserRowsClick);
    userRows.addEventListener('change', onUserRowsChange);
    hook('token-rows').addEventListener('click', onTokenRowsClick);
    hook('secret-copy').addEventListener('click', copySecret);
    hook('secret-done').addEventListener('click', hideSecret);

    // Confirm dialog.
    const confirm = hook('confirm-dialog');
    hook('confirm-yes').addEventListener('click', function () { finishConfirm(true); });
    hook('confirm-no').addEventListener('click', function () { finishConfirm(false); });
    confirm.addEventListener('cancel', function (event) { event.preventDefault(); finishConfirm(false); });

    // Another tab of this page changed the staged change.
    window.addEventListener('storage', function (event) {
      if (event.key !== STAGE_KEY) return;
      state.stage = loadStage();
      renderStageCount();
      if (state.tab === 'proposal') renderStage();
    });
  }

  function boot() {
    wire();
    applyLanguage();
    syncTermFilters();
    updateExportLinks();
    renderStageCount();
    const username = hook('login').elements.username;
    if (state.user) username.value = state.user;
    enter();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
