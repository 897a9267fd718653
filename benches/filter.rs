//! Filter benchmark: compile time, and throughput of each stage and of the whole `check`
//! on one core, over a realistic mix of ~500-byte comments, with the shipped word lists
//! plus a synthetic 20,000-term list. Prints the figures the README quotes.
//!
//!     cargo bench --bench filter
//!
//! Instructions per check, independent of the machine's speed and load:
//!
//!     FILTER_BENCH_ONLY=whole FILTER_BENCH_ROUNDS=1 valgrind --tool=callgrind \
//!         --toggle-collect='*Filter::check*' target/release/deps/filter-<hash>

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use raqib::filter::lexicon::Lexicon;
use raqib::filter::normalize::Keys;
use raqib::filter::{
    Action, Category, Context, Filter, FilterSettings, Input, Language, Source, TermSpec, lists,
};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const ARABIC: &[char] = &[
    'ا', 'ب', 'ت', 'ث', 'ج', 'ح', 'خ', 'د', 'ذ', 'ر', 'ز', 'س', 'ش', 'ص', 'ض', 'ط', 'ظ', 'ع', 'غ',
    'ف', 'ق', 'ك', 'ل', 'م', 'ن', 'ه', 'و', 'ي',
];

/// A deterministic generator (xorshift), so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn synthetic_terms(n: usize) -> Vec<TermSpec> {
    let mut rng = Rng(0x2545_F491_4F6C_DD1D);
    (0..n)
        .map(|_| {
            let len = 4 + rng.below(4);
            let term: String = (0..len).map(|_| ARABIC[rng.below(ARABIC.len())]).collect();
            TermSpec {
                list: "synthetic".into(),
                term,
                category: Category::Insult,
                language: Language::Ar,
                weight: 0.1,
                action: Action::Score,
                mode: Default::default(),
                shadow: false,
            }
        })
        .collect()
}

/// ~500-byte comments built from our own test cases (ham, spam, abuse). Each comment is in
/// one language, as readers write them: four in five Arabic, one in five English, and three
/// clean ones for each spam or abusive one, as on a real site.
fn corpus() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let read = |files: &[&str]| -> Vec<String> {
        let mut texts = Vec::new();
        for file in files {
            let Ok(content) = std::fs::read_to_string(root.join(file)) else {
                continue;
            };
            for line in content.lines() {
                if let Ok(value) = serde_json::from_str::<serde_json::Value>(line)
                    && let Some(text) = value["text"].as_str()
                {
                    texts.push(text.to_string());
                }
            }
        }
        texts
    };
    let arabic = [
        read(&["ham_ar.jsonl"]),
        read(&["spam_ar.jsonl", "abuse_ar.jsonl"]),
    ];
    let english = [read(&["ham_en.jsonl"]), read(&["spam_en.jsonl"])];
    let mut rng = Rng(42);
    let mut out = Vec::new();
    for _ in 0..2_000 {
        let language = if rng.below(5) == 0 { &english } else { &arabic };
        let pool = &language[usize::from(rng.below(4) == 0)];
        let mut comment = String::new();
        while comment.len() < 500 {
            let text = &pool[rng.below(pool.len())];
            comment.push_str(text);
            comment.push(' ');
        }
        let cut = (500..=comment.len())
            .find(|&i| comment.is_char_boundary(i))
            .unwrap_or(comment.len());
        comment.truncate(cut);
        out.push(comment);
    }
    out
}

fn throughput(name: &str, bytes: usize, mut f: impl FnMut()) {
    // FILTER_BENCH_ONLY=check runs one stage alone (for a profiler).
    if let Ok(only) = std::env::var("FILTER_BENCH_ONLY")
        && !name.contains(only.as_str())
    {
        return;
    }
    // Warm up, then run for about two seconds, or exactly FILTER_BENCH_ROUNDS rounds (for
    // counting instructions under callgrind, which do not depend on the machine's load).
    let fixed: Option<usize> = std::env::var("FILTER_BENCH_ROUNDS")
        .ok()
        .and_then(|n| n.parse().ok());
    if fixed.is_none() {
        f();
    }
    let started = Instant::now();
    let mut rounds = 0;
    while fixed.map_or(started.elapsed() < Duration::from_secs(2), |n| rounds < n) {
        f();
        rounds += 1;
    }
    let secs = started.elapsed().as_secs_f64();
    let mb = (bytes * rounds) as f64 / 1e6;
    let per = secs / rounds as f64;
    println!(
        "{name:<44} {:>8.1} MB/s   {:>7.1} µs per 500-byte comment",
        mb / secs,
        per * 1e6 / 2_000.0
    );
}

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("wordlists");
    let mut lists = lists::load(&Source::Dir(dir)).expect("shipped lists");
    let shipped = lists.terms.len();
    lists.terms.extend(synthetic_terms(20_000));

    let started = Instant::now();
    let mut settings = FilterSettings::default();
    // FILTER_BENCH_NO_MODELS=1: the rules alone, to see what the learned models cost.
    if std::env::var_os("FILTER_BENCH_NO_MODELS").is_some() {
        settings.signals.abuse_model = 0.0;
    }
    let filter = Filter::compile(&lists, settings).expect("compile");
    let compile = started.elapsed();
    println!(
        "filter: {shipped} shipped entries + 20,000 synthetic = {} entries",
        filter.term_count()
    );
    println!("compile time: {:.0} ms", compile.as_secs_f64() * 1000.0);
    let started = Instant::now();
    let lexicon = Lexicon::compile(lists.terms.clone()).expect("lexicon");
    println!(
        "  of which the automaton: {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );

    let comments = corpus();
    let bytes: usize = comments.iter().map(String::len).sum();
    println!(
        "corpus: {} comments, {} bytes, one core\n",
        comments.len(),
        bytes
    );

    throughput("normalize (text, joined and leet keys)", bytes, || {
        for c in &comments {
            black_box(Keys::of(black_box(c)));
        }
    });
    let keys: Vec<(&str, Keys)> = comments.iter().map(|c| (c.as_str(), Keys::of(c))).collect();
    let shipped_only = Lexicon::compile(lists.terms[..shipped].to_vec()).expect("lexicon");
    throughput("lexicon match, shipped lists only", bytes, || {
        for (raw, k) in &keys {
            black_box(shipped_only.find(raw, black_box(k)));
        }
    });
    throughput("lexicon match (on prepared keys)", bytes, || {
        for (raw, k) in &keys {
            black_box(lexicon.find(raw, black_box(k)));
        }
    });
    throughput("fingerprint (MinHash, key included)", bytes, || {
        for c in &comments {
            black_box(Filter::fingerprint(black_box(c)));
        }
    });
    let domains = raqib::filter::signals::Domains {
        blocked: &lists.blocked_domains,
        allowed: &lists.allowed_domains,
        disposable: &lists.disposable_domains,
    };
    let weights = FilterSettings::default().signals;
    throughput(
        "signals (links, phones, shape; prepared keys)",
        bytes,
        || {
            for (c, k) in &keys {
                let mut hits = Vec::new();
                raqib::filter::signals::text_signals(
                    c,
                    k,
                    raqib::filter::Field::Body,
                    &weights,
                    &domains,
                    &mut hits,
                );
                black_box(hits);
            }
        },
    );
    let context = Context::default();
    throughput("whole check (keys, lists, signals, score)", bytes, || {
        for c in &comments {
            let input = Input {
                body: c,
                name: "أبو محمد",
                email: "reader@example.com",
                website: None,
            };
            black_box(filter.check(black_box(&input), &context));
        }
    });
    if std::env::var_os("FILTER_BENCH_ROUNDS").is_some() {
        return; // counting instructions: only the rounds above
    }
    let mut classes = std::collections::BTreeMap::new();
    for c in &comments {
        let input = Input {
            body: c,
            name: "",
            email: "",
            website: None,
        };
        *classes
            .entry(filter.check(&input, &context).class.as_str())
            .or_insert(0) += 1;
    }
    println!("\nclasses of the corpus: {classes:?}");
}
