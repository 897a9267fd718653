//! The rule layer of the shipped lists on written cases, one kind of the filter issue's
//! misses per test: threats and calls to violence with no insult word, a group called
//! vermin, and spam wording and link forms. The learned models are off here: these are
//! about the rules.

use super::compiled::Filter;
use super::{Class, Context, FilterSettings, Input, Source};

fn rules_alone() -> &'static Filter {
    static FILTER: std::sync::OnceLock<Filter> = std::sync::OnceLock::new();
    FILTER.get_or_init(|| {
        let mut settings = FilterSettings::default();
        settings.signals.abuse_model = 0.0;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("wordlists");
        Filter::load(&Source::Dir(dir), settings).expect("shipped lists")
    })
}

fn class(text: &str) -> (Class, Vec<String>) {
    let input = Input {
        body: text,
        name: "قارئ",
        email: "reader@example.com",
        website: None,
    };
    let verdict = rules_alone().check(&input, &Context::default());
    let rules = verdict.hits.iter().map(|h| h.rule.clone()).collect();
    (verdict.class, rules)
}

/// Each text reaches at least `least`; returns the ones that do not, with their hits.
fn below(texts: &[&str], least: Class) -> Vec<String> {
    texts
        .iter()
        .map(|t| (t, class(t)))
        .filter(|(_, (c, _))| *c < least)
        .map(|(t, (c, rules))| format!("{t} → {c:?} {rules:?}"))
        .collect()
}

/// Each text stays `ok`; returns the ones that do not.
fn flagged(texts: &[&str]) -> Vec<String> {
    texts
        .iter()
        .map(|t| (t, class(t)))
        .filter(|(_, (c, _))| *c != Class::Ok)
        .map(|(t, (c, rules))| format!("{t} → {c:?} {rules:?}"))
        .collect()
}

#[test]
fn threats_and_calls_to_violence_are_held_without_an_insult_word() {
    let threats = [
        "هالعمالة الوافدة لازم يترحلون كلهم اليوم قبل بكرة",
        "عسى ربي يبيدهم ويفكنا منهم",
        "الحل الوحيد هو قتلهم جميعا دون استثناء",
        "ان شاء الله يموتوا كلهم في البحر قبل ما يوصلوا",
        "ارموهم في البحر وخلصونا منهم",
        "يجب تطهير البلاد منهم قبل فوات الأوان",
        "اكتلوهم كلهم وخلص الموضوع",
        "خاصهم يتقتلو واحد بواحد",
        "والله هخلص عليك لو شفتك في الشارع",
        "هؤلاء دمهم حلال لكل من يقدر عليهم",
        "طهروا البلد منهم ولا تبقوا منهم أحدا",
        "They should all be shot, no trial needed.",
        "Honestly I hope they all die on the way over.",
        "Deport them all, every single one of them, and sink the boats.",
    ];
    assert_eq!(below(&threats, Class::Hold), Vec::<String>::new());
}

#[test]
fn a_group_called_vermin_is_held_and_the_same_words_in_the_news_are_not() {
    let hate = [
        "الأفارقة مثل الحشرات يتكاثرون في كل مكان",
        "اللاجئين دول طاعون في جسم البلد",
        "الهنود فئران ما ينظفون",
    ];
    assert_eq!(below(&hate, Class::Hold), Vec::<String>::new());
    let civil = [
        "تم ترحيل 300 مخالف لنظام الإقامة خلال الأسبوع الماضي",
        "البلدية بدأت حملة لرش البعوض في الأحياء بعد الأمطار",
        "الله يشفي كل مريض، التوعية بسرطان الثدي تنقذ الأرواح",
        "قُتل ثلاثة أشخاص في هجوم مسلح على نقطة تفتيش، رحمهم الله",
        "المحكمة قضت بإعدام المتهم بعد إدانته بقتل زوجته",
        "الداخلية رحّلت المخالفين أمس، الله يعطيهم العافية على جهودهم",
        "بدنا حل لمشكلة الفئران بالحارة، البلدية ما عم تعمل شي",
        "الحكومة قررت ترحيل المهاجرين غير النظاميين إلى بلدانهم",
        "باحثون سعوديون يطورون لقاحا جديدا ضد فيروس الانفلونزا",
        "Kill the bill! Call your MP before Thursday's vote.",
        "The government plans to deport 2,000 people who overstayed their visas.",
        "Police say the killing was not random; the suspect knew the victim.",
    ];
    assert_eq!(flagged(&civil), Vec::<String>::new());
}

/// Spam of every kind the issue names (funnels, referral codes, clickbait with a link,
/// spelled-out and dotless links, ad families with and without a phone number), and civil
/// comments about the same subjects.
#[test]
fn spam_wording_and_link_forms_are_caught_and_civil_mentions_pass() {
    let spam = [
        "الرابط في البايو 🔥 شاهد قبل الحذف",
        "ادخلوا حسابي وشوفوا الفيديو كامل في البايو قبل ما ينحذف",
        "اشتركوا في قناتي وفعلوا الجرس يا جماعة ساعدوني اوصل 1000 مشترك",
        "راسلني خاص للتفاصيل، الخاص مفتوح للجميع 😉",
        "عايز تكسب من البيت؟ اشتغل من بيتك ساعتين بس في اليوم، ابعتلي خاص 01012345678",
        "تمويل فوري بدون كفيل حتى لو عليك سمة، للتواصل واتس 0551234567",
        "جلب الحبيب بالصورة ورد المطلقة خلال 48 ساعة، ارسلي اسمك واسم امك على الواتس +971 50 123 4567",
        "بدك تربح مصاري؟ سجل من رابطي وخود بونص على اول ايداع mysite dot store",
        "كازينو اونلاين عربي، بونص ترحيبي وسبينات مجانية، سجل بالكود VIP100",
        "كاين فيزا عمل مضمونة لكندا، التواصل واتساب 0612345678",
        "نوفر قروض بدون كفيل للموظفين والمتقاعدين، دزلي خاص او واتساب 07701234567",
        "مبروك فزت بايفون 15! استلم هديتك من هنا bit ly/abc وادفع رسوم الشحن فقط",
        "زيادة متابعين انستقرام حقيقيين وتكبير حساب، موقع رشق بأرخص الأسعار، الرابط بالبايو",
        "حبوب تخسيس اصلية تنزلي 10 كيلو بالشهر بدون رجيم، التوصيل لجميع المدن 0501234567",
        "شركة تنظيف بالرياض تنظيف كنب وموكيت وجلي بلاط بأرخص الأسعار 0561234567",
        "نقل عفش مع الفك والتركيب داخل وخارج جدة، للحجز اتصل 0531234567",
        "مساج منزلي مغربي ومساج بالفنادق، للتواصل واتس فقط",
        "للبيع شقة في الشيخ زايد تقسيط بدون مقدم، اقساط تبدا من 5000 جنيه، كلمني واتس 01112345678",
        "مطلوب مسوقين ومسوقات، اعمل من بيتك وحقق دخل اضافي، للجادين فقط راسلوني خاص",
        "حل واجبات وعمل بحوث جامعية ومشاريع تخرج جاهزة، تواصل واتساب 0541234567",
        "استخراج سكليف معتمد بالنظام خلال ساعة، راسلني 0581234567",
        "شهادة جامعية للبيع بدون دوام ومعتمدة بالنظام، للجادين فقط راسلني خاص",
        "لن تصدق ماذا حدث! الفيديو كامل من هنا www . site . com",
        "مبروك كسبت معانا 5000 جنيه! ادخل رمز التحقق اللي وصلك عشان تستلم الجايزة",
        "كود خصم نون 🔥 استخدموا كود SAVE20 واحصلوا على خصم حصري، الكود في البايو",
        "لديك طرد باسمك، سدد رسوم جمركية معلقة عبر الرابط bit ly/xyz قبل إعادته",
        "بنات للتعارف والتسلية وارقام واتس بنات، حاكيني خاص",
        "اربح من المراهنات يوميا مع ماتشات مضمونة، انضم لقروب توصيات على التلغرام",
        "Link in my bio 🔥 watch before it gets deleted",
        "Check out my channel, just posted a new video! Like and subscribe and hit the bell 🙏",
        "DM me for details, I earn $500 a week working from home, no experience needed",
        "Use my code WIN50 for 100 free spins and a first deposit bonus at luckyspin dot casino",
        "Sure win tips and fixed match today, join my telegram for vip tips",
        "I started working from home and making $3000 weekly, copy this site: earnfast dot online",
        "Are you in need of a loan? We offer loans at 2% with no credit check, whatsapp +234 801 234 5678",
        "Sign up using my link and get a signup bonus in crypto, referral code in my bio",
        "Leaked video link of the minister 😱 full video here: www . viraltube . xyz",
        "Buy instagram followers, real and active followers from our smm panel, dm for price",
        "Cheap essays, we take your online class too, plagiarism free, write to essayhelp at gmail dot com",
        "Congratulations! You have been selected to win an iPhone 15, dm to claim and just pay the shipping fee",
    ];
    assert_eq!(
        below(&spam, Class::Hold),
        Vec::<String>::new(),
        "every one at least held"
    );
    let missed = below(&spam, Class::Spam);
    assert!(
        missed.len() * 10 <= spam.len(),
        "at least nine in ten caught as spam; missed {}: {missed:#?}",
        missed.len()
    );
    let civil = [
        "وزارة الصحة خصصت الرقم 937 للاستفسار عن اللقاح، اتصلت أمس وردوا بسرعة",
        "التفاصيل كاملة على الموقع الرسمي للوزارة https://www.moh.gov.sa ولا داعي للمكاتب الوسيطة",
        "سؤال: هل تأشيرة الزيارة العائلية تسمح بالعمل؟ أحد يعرف النظام الجديد؟",
        "إعلانات الكازينوهات والمراهنات صارت في كل مكان على اليوتيوب، لازم الهيئة تمنعها",
        "قرأت خبر كود الخصم اللي استغله الطلاب في المتجر، فكرة ذكية بس مخالفة للشروط",
        "انتبهوا من الرسائل اللي تقول مبروك ربحت، البنك أكد أنه ما يطلب بياناتكم أبدا",
        "الحكومة أعلنت قروض ميسرة للمشاريع الصغيرة بدون فوائد، خطوة ممتازة للشباب",
        "العملات الرقمية انهارت اليوم، الله يعين اللي حطوا كل فلوسهم في البيتكوين",
        "أخوي يشتغل من البيت من أيام كورونا وإنتاجيته أحسن من المكتب",
        "قضية بيع الشهادات الجامعية فضيحة، لازم يحاسبون كل مسؤول اشترى شهادة مزورة",
        "المشعوذين اللي يدعون فك السحر يستغلون حاجة الناس، الله يهديهم",
        "أسعار الشقق للإيجار في عمّان صارت خيالية والراتب ما يكفي",
        "الفيديو المسرب ده لازم النيابة تحقق فيه، مش معقول الموضوع يعدي كده",
        "الكراء غالي بزاف فالدار البيضاء، الحكومة خاصها تتدخل",
        "The ministry hotline is 937, I called yesterday and they answered within minutes.",
        "Full details are on the official site moh.gov.sa, don't trust the WhatsApp forwards.",
        "These casino ads are all over YouTube now, the regulator should ban gambling adverts.",
        "Does the new rule mean I need a new visa if my employer changes? Anyone know?",
        "The promo code story is wild, students found a loophole and ordered hundreds of meals.",
        "Working from home saved me two hours of commuting a day, I hope the policy stays.",
    ];
    let wrongly_spam: Vec<String> = civil
        .iter()
        .map(|t| (t, class(t)))
        .filter(|(_, (c, _))| *c >= Class::Spam)
        .map(|(t, (c, rules))| format!("{t} → {c:?} {rules:?}"))
        .collect();
    assert_eq!(wrongly_spam, Vec::<String>::new());
    let held = flagged(&civil);
    assert!(
        held.len() <= 2,
        "at most two of twenty civil held: {held:#?}"
    );
}

#[test]
fn a_phone_number_beside_ad_wording_is_spam() {
    let ads = [
        "تمويل فوري بدون كفيل حتى لو عليك سمة، للتواصل واتس 0551234567",
        "نقل عفش مع الفك والتركيب داخل وخارج جدة، للحجز اتصل 0531234567",
        "حبوب تخسيس اصلية تنزلي 10 كيلو بالشهر بدون رجيم، التوصيل لجميع المدن 0501234567",
    ];
    assert_eq!(below(&ads, Class::Spam), Vec::<String>::new());
}

#[test]
fn a_reader_warning_of_a_scam_is_held_not_refused_and_an_ad_with_a_number_stays_spam() {
    // Written for this test (not from any data set): readers quoting the ads they warn of.
    let warnings = [
        "لا تصدقوا اللي يعلقون هنا عن شيخ روحاني وجلب الحبيب، كلها نصب",
        "انتبهوا جاتني رسالة مبروك فزت بجائزة ادخل الرابط، وهي احتيال",
        "Beware of the comments about a spiritual healer, it's a scam",
    ];
    let refused: Vec<String> = warnings
        .iter()
        .map(|t| (t, class(t)))
        .filter(|(_, (c, _))| *c >= Class::Spam)
        .map(|(t, (c, rules))| format!("{t} → {c:?} {rules:?}"))
        .collect();
    assert_eq!(refused, Vec::<String>::new(), "a warning is not spam");
    // The ad's wording is still seen: held for a moderator, not let through unseen.
    assert_eq!(below(&warnings[..2], Class::Hold), Vec::<String>::new());
    let ads = [
        "احذروا النصابين، الشيخ الروحاني الحقيقي لجلب الحبيب واتساب 0551234567",
        "شيخ روحاني لجلب الحبيب ورد المطلقة مجرب",
    ];
    assert_eq!(below(&ads, Class::Spam), Vec::<String>::new());
}
