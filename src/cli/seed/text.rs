//! Comment bodies for `raqib dev seed`: sentences assembled from small pools written for
//! this tool (Gulf news topics in Arabic, some in English), civil, abusive or ads, so a
//! seeded database has the shape of a real one: lengths, words shared across comments,
//! proclitics, digits, now and then a phone number.

use rand::Rng;

const AR_OPENERS: &[&str] = &[
    "الله يعطيك العافية",
    "مقال رائع",
    "برأيي",
    "صراحة",
    "للأسف",
    "الحمد لله",
    "بصراحة شديدة",
    "كلام جميل",
    "شكرا على التقرير",
    "سؤالي للمسؤولين",
    "والله",
    "يا جماعة",
    "من وجهة نظري",
];
const AR_SUBJECTS: &[&str] = &[
    "المنتخب",
    "الحكومة",
    "البلدية",
    "الأسعار",
    "أسعار النفط",
    "المدرب",
    "الوزارة",
    "الدوري",
    "المستشفى الجديد",
    "المدارس",
    "الطرق الداخلية",
    "سوق العقار",
    "الرواتب",
    "الجامعة",
    "الحكم",
    "النادي",
    "الشركات الصغيرة",
    "الكهرباء",
    "المطار",
    "الإسكان",
    "الشباب",
    "المواطنين",
    "الطقس",
    "المشروع",
    "القرار",
    "البنوك",
    "الإعلام",
    "اللاعبين",
];
const AR_PREDICATES: &[&str] = &[
    "يحتاج إلى مراجعة",
    "قام بعمل ممتاز",
    "لازم يتحرك بسرعة",
    "ما تغير فيه شي",
    "أفضل من قبل",
    "يستاهل الدعم",
    "صار أغلى بكثير",
    "محتاج خطة واضحة",
    "تأخر كثير",
    "فاجأنا هذه السنة",
    "لعب مباراة جميلة",
    "يحتاج دفاع أقوى",
    "ما أعطى الموضوع حقه",
    "بيكون له أثر كبير",
    "وعد ولم يوف",
    "أثبت أنه على قدر المسؤولية",
    "يحتاج رقابة أكثر",
    "تحسن في الفترة الأخيرة",
];
const AR_CLOSERS: &[&str] = &[
    "والله المستعان",
    "شكرا للكاتب",
    "نتمنى التوفيق",
    "وبالتوفيق للجميع",
    "الله يصلح الحال",
    "ننتظر النتائج",
    "وهذا رأيي",
    "حسبي الله",
    "إن شاء الله خير",
    "وشكرا",
];
const AR_INSULTS: &[&str] = &[
    "يا حمار",
    "يا غبي",
    "يا تافه",
    "يا حيوان",
    "كلامك فاضي",
    "اسكت يا جاهل",
    "وجهك نحس",
    "أنت ما تفهم",
    "يا متخلف",
    "قبحك الله",
];
const AR_ADS: &[&str] = &[
    "قروض سريعة بدون كفيل",
    "شيخ روحاني لجلب الحبيب",
    "اربح من الانترنت يوميا",
    "متابعين حقيقيين بأرخص الأسعار",
    "خادمات للتنازل بأسعار مناسبة",
    "تأشيرات عمل متوفرة",
    "تصميم مواقع واعلانات ممولة",
    "عروض حصرية على الجوالات",
];
const AR_CONTACT: &[&str] = &["تواصل واتساب", "للتواصل سناب", "اتصل على", "راسلنا على"];

const EN_OPENERS: &[&str] = &[
    "Great article",
    "Honestly",
    "In my view",
    "Thanks for the report",
    "Sadly",
    "Well said",
];
const EN_SUBJECTS: &[&str] = &[
    "the national team",
    "the ministry",
    "fuel prices",
    "the coach",
    "the new hospital",
    "rents in the city",
    "the league",
    "the airport",
    "school fees",
    "the council",
];
const EN_PREDICATES: &[&str] = &[
    "needs a clear plan",
    "did a great job this season",
    "keeps getting more expensive",
    "should listen to residents",
    "is better than last year",
    "was long overdue",
];
const EN_INSULTS: &[&str] = &[
    "you idiot",
    "what a moron",
    "shut up, clown",
    "you are pathetic",
];
const EN_ADS: &[&str] = &[
    "Cheap followers, real accounts",
    "Earn 500 a day from home",
    "Loans approved in one hour",
];

/// What a generated comment is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Civil,
    Abusive,
    Ad,
}

fn pick<'a>(rng: &mut impl Rng, from: &[&'a str]) -> &'a str {
    from[rng.random_range(0..from.len())]
}

/// A comment body of `kind`, in Arabic unless `english`.
pub fn body(rng: &mut impl Rng, kind: Kind, english: bool) -> String {
    let mut out = String::with_capacity(160);
    if english {
        out.push_str(pick(rng, EN_OPENERS));
        out.push_str(", ");
        out.push_str(pick(rng, EN_SUBJECTS));
        out.push(' ');
        out.push_str(pick(rng, EN_PREDICATES));
        match kind {
            Kind::Civil => out.push('.'),
            Kind::Abusive => {
                out.push_str(", ");
                out.push_str(pick(rng, EN_INSULTS));
            }
            Kind::Ad => {
                out = format!(
                    "{}! WhatsApp +9715{:08}",
                    pick(rng, EN_ADS),
                    rng.random_range(0..100_000_000u32)
                );
            }
        }
        return out;
    }
    let clauses = rng.random_range(1..=3);
    out.push_str(pick(rng, AR_OPENERS));
    for i in 0..clauses {
        out.push(' ');
        if i > 0 {
            out.push('و');
        }
        out.push_str(pick(rng, AR_SUBJECTS));
        out.push(' ');
        out.push_str(pick(rng, AR_PREDICATES));
    }
    if rng.random_bool(0.15) {
        out.push_str(&format!(" منذ {} سنوات", rng.random_range(2..30)));
    }
    match kind {
        Kind::Civil => {
            out.push_str("، ");
            out.push_str(pick(rng, AR_CLOSERS));
        }
        Kind::Abusive => {
            out.push(' ');
            out.push_str(pick(rng, AR_INSULTS));
        }
        Kind::Ad => {
            out = format!(
                "{} {} 05{:08}",
                pick(rng, AR_ADS),
                pick(rng, AR_CONTACT),
                rng.random_range(0..100_000_000u32)
            );
        }
    }
    out
}

/// A reader's display name.
pub fn name(author: u64, english: bool) -> String {
    const AR: &[&str] = &[
        "أبو خالد",
        "أم سعود",
        "محمد",
        "نورة",
        "عبدالله",
        "فاطمة",
        "سالم",
        "مريم",
    ];
    const EN: &[&str] = &["Sam", "Priya", "John", "Aisha", "Mark", "Lena"];
    let pool = if english { EN } else { AR };
    format!("{} {}", pool[(author as usize) % pool.len()], author % 1000)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn bodies_have_the_kind_asked_for() {
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        for english in [false, true] {
            let civil = body(&mut rng, Kind::Civil, english);
            let ad = body(&mut rng, Kind::Ad, english);
            assert!(civil.len() > 20, "{civil}");
            assert!(
                ad.chars().filter(|c| c.is_ascii_digit()).count() >= 8,
                "{ad}"
            );
        }
    }
}
