//! Retraining benchmark (issue #21): the time and the peak memory of retraining both
//! learned models on 10,000, 40,000 (the most that are cross-fitted), 200,000 (the default
//! `model.max_decisions`) and 1,000,000 decided comments, as `raqib model train` does it
//! after reading them: feature extraction, fine-tuning from the shipped weights (five
//! passes; four times, each leaving a quarter out, up to 40,000; once on three quarters
//! past it), the rule layer and both models on what each left out to choose the numbers;
//! without the database and without the held-back evaluation. The comments are made of fragments, some
//! abusive, some ads, each with a number so that no two are alike.
//!
//!     cargo bench --bench retrain
//!
//! Peak memory is the process's high-water mark (`VmHWM`), so the sizes run smallest
//! first. What bounds a real run: `model.max_decisions` (default 200,000) newest
//! decisions are read; everything held is O(decisions × words).

use std::time::Instant;

use raqib::filter::models::Models;
use raqib::filter::{Context, Filter, FilterSettings, Input, Source};
use raqib::learning::decisions::Decision;
use raqib::learning::retrain::FINE_TUNE;
use raqib::learning::site::train_for_site;
use raqib::learning::stack::Label;

const CIVIL: &[&str] = &[
    "أتفق مع الكاتب في أن أسعار النفط ستبقى مرتفعة هذا الشتاء",
    "المنتخب لعب مباراة جميلة لكن الدفاع يحتاج إلى تعديل",
    "نرجو من البلدية الاهتمام بالطرق الداخلية في الحي",
    "شكراً على التقرير المفصل، معلومات مفيدة جداً",
    "الطقس في الخليج هذه الأيام أفضل من الصيف بكثير",
    "لا أظن أن القرار سيغير شيئاً في سوق العقار",
    "متى يفتتح المستشفى الجديد في المنطقة الشرقية؟",
];
const ABUSE: &[&str] = &["يا حمار ما تفهم شي", "كلامك فاضي يا غبي", "اسكت يا زقطوط"];
const SPAM: &[&str] = &[
    "قروض سريعة بدون كفيل تواصل واتساب",
    "للتواصل سناب واربح من الانترنت يومياً",
    "شيخ روحاني لجلب الحبيب وفك السحر",
];

fn decisions(n: usize) -> Vec<(Decision, f32)> {
    (0..n)
        .map(|i| {
            let (label, text) = match i % 10 {
                0 | 1 => (Label::Abuse, ABUSE[i % ABUSE.len()]),
                2 => (Label::Spam, SPAM[i % SPAM.len()]),
                _ => (Label::Ham, CIVIL[i % CIVIL.len()]),
            };
            let decision = Decision {
                body: format!("{text} {} رقم {i}", CIVIL[(i / 7) % CIVIL.len()]),
                label,
                author: format!("author{}", i % 5000),
                moderator: "mona".into(),
                at: i as i64,
            };
            (decision, 1.0)
        })
        .collect()
}

fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn main() {
    let base = Models::shipped();
    let settings = FilterSettings::default();
    let mut rules_only = settings.clone();
    rules_only.signals.abuse_model = 0.0;
    let source = Source::dir_or_embedded(std::path::Path::new("wordlists"));
    let rules = Filter::load(&source, rules_only).expect("the shipped lists compile");
    let rule_hits = |body: &str| {
        let input = Input {
            body,
            ..Default::default()
        };
        rules.check(&input, &Context::default()).hits
    };
    println!("| decisions | seconds | peak memory (MB) |");
    println!("|---:|---:|---:|");
    for n in [10_000, 40_000, 200_000, 1_000_000] {
        let data = decisions(n);
        let started = Instant::now();
        let site = train_for_site(base, &data, FINE_TUNE, (&settings, base), &rule_hits);
        let seconds = started.elapsed().as_secs_f64();
        assert!(site.abuse.is_some() || site.spam.is_some());
        println!("| {n} | {seconds:.1} | {:.0} |", peak_mb());
    }
}
