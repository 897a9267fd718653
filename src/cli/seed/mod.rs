//! `raqib dev seed`: fills a database (created and migrated when needed) with generated
//! comments for capacity tests: Arabic and English bodies ([`text`]), spread over years
//! and articles, replies to earlier comments, statuses and classes in the shares of a busy
//! news site, the moderators' decisions with their audit rows, and the authors' histories.
//! One thread generates batches while the store writes the previous one, many rows per
//! statement (`store::seed`). The same `--seed` makes the same comments.

mod text;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::Instant;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::app::AppState;
use crate::config::Config;
use crate::filter::normalize::text_key;
use crate::filter::search::search_key;
use crate::filter::{Category, Field, Hit};
use crate::secrets::keys::{Secrets, display_prefix};
use crate::store::seed::SeedComment;
use crate::store::{Store, now_ms};

use text::Kind;

/// Comments written per transaction.
const BATCH: usize = 10_000;
const MODERATORS: &[&str] = &["mona", "khalid", "sara", "omar"];
const USER_AGENTS: &[&str] = &[
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 15; SM-S928B) Chrome/131.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) Version/18.1 Safari/605.1.15",
];

/// What to seed.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub comments: u64,
    pub articles: u64,
    /// How many years back the oldest comment is.
    pub years: u32,
    pub seed: u64,
}

/// Seeds the configured database (or `database_url`) and prints a JSON summary.
pub async fn run(
    config: Config,
    database_url: Option<String>,
    plan: Plan,
) -> Result<(), Box<dyn std::error::Error>> {
    let config = Config {
        database_url: database_url.unwrap_or(config.database_url.clone()),
        ..config
    };
    let state = AppState::build(config).await?;
    let store = state.store().clone();
    let summary = seed(&store, state.secrets(), plan, &|written, rate| {
        eprintln!(
            "raqib dev seed: {written} of {} comments ({rate:.0}/s)",
            plan.comments
        );
    })
    .await;
    store.close().await;
    println!("{}", summary?);
    Ok(())
}

/// Writes the comments of `plan` after the stored ones; tells `progress` (comments
/// written, per second) every twentieth of the way; returns a JSON summary.
pub async fn seed(
    store: &Arc<dyn Store>,
    secrets: &Secrets,
    plan: Plan,
    progress: &(dyn Fn(u64, f64) + Sync),
) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let first = store.next_comment_id().await?;
    let secrets = secrets.clone();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<SeedComment>>(2);
    let generator = std::thread::spawn(move || {
        let mut made = Generator::new(plan, first, secrets, now_ms());
        while let Some(batch) = made.next_batch() {
            if tx.blocking_send(batch).is_err() {
                return;
            }
        }
    });
    let started = Instant::now();
    let (mut written, mut told) = (0u64, 0u64);
    while let Some(batch) = rx.recv().await {
        written += batch.len() as u64;
        store.seed_comments(batch).await?;
        if written * 20 / plan.comments.max(1) > told {
            told = written * 20 / plan.comments.max(1);
            progress(written, written as f64 / started.elapsed().as_secs_f64());
        }
    }
    generator.join().map_err(|_| "the generator stopped")?;
    store.finish_seeding().await?;
    store.optimize().await?;
    let seconds = started.elapsed().as_secs_f64();
    Ok(serde_json::json!({
        "comments": written,
        "articles": plan.articles,
        "first_id": first,
        "seconds": (seconds * 10.0).round() / 10.0,
        "per_second": (written as f64 / seconds).round(),
    }))
}

/// Makes the comments in id order.
struct Generator {
    plan: Plan,
    rng: StdRng,
    secrets: Secrets,
    first: i64,
    next: u64,
    start: i64,
    span: i64,
    now: i64,
    /// The newest comments (id, article index, approved), for replies.
    recent: Vec<(i64, u64, bool)>,
}

impl Generator {
    fn new(plan: Plan, first: i64, secrets: Secrets, now: i64) -> Generator {
        let span = i64::from(plan.years.max(1)) * 365 * 86_400_000;
        Generator {
            plan,
            rng: StdRng::seed_from_u64(plan.seed),
            secrets,
            first,
            next: 0,
            start: now - span,
            span,
            now,
            recent: Vec::with_capacity(64),
        }
    }

    fn next_batch(&mut self) -> Option<Vec<SeedComment>> {
        let left = self.plan.comments.saturating_sub(self.next);
        if left == 0 {
            return None;
        }
        let n = left.min(BATCH as u64);
        Some((0..n).map(|_| self.comment()).collect())
    }

    fn comment(&mut self) -> SeedComment {
        let (i, n) = (self.next, self.plan.comments.max(1));
        self.next += 1;
        let id = self.first + i as i64;
        let step = (self.span / n as i64).max(1);
        let created_at = self.start
            + (self.span as i128 * i as i128 / n as i128) as i64
            + self.rng.random_range(0..step);
        // Comments go to the articles of the last few days before them.
        let newest = i * self.plan.articles.max(1) / n;
        let article = newest.saturating_sub(self.rng.random_range(0..4u64).pow(2));
        let english = self.rng.random_bool(0.15);
        let fresh = i + (n / 200).max(50) >= n;
        let (status, kind, reason) = self.fate(fresh);
        let class = self.class_of(status, kind);
        let body = text::body(&mut self.rng, kind, english);
        let body_key = search_key(text_key(&body).as_str());
        let parent = self.parent(article, status);
        let pool = (n / 15).max(10);
        let author = (pool as f64 * self.rng.random::<f64>().powi(2)) as u64;
        let email = format!("reader{author}@example.com");
        let ip = IpAddr::V4(Ipv4Addr::from(0x0A00_0000 | (author as u32 & 0x00FF_FFFF)));
        let decision = self.decision(status, class, created_at, reason);
        self.remember(id, article, status == "approved");
        SeedComment {
            id,
            article: format!("/news/{article:07}"),
            parent,
            author_name: text::name(author, english),
            email_hash: self.secrets.email_hash(&email),
            author_email: email,
            ip_hash: self.secrets.ip_hash(ip),
            ip_net_hash: self.secrets.ip_net_hash(ip),
            ip_prefix: display_prefix(ip),
            user_agent: USER_AGENTS[(author % USER_AGENTS.len() as u64) as usize].into(),
            body,
            body_key,
            status,
            class,
            score: self.score_of(class),
            hits: hits_of(class, kind),
            created_at,
            decision,
            report_count: if self.rng.random_bool(0.01) {
                self.rng.random_range(1..4)
            } else {
                0
            },
        }
    }

    /// Status, what the text is, and the rejection reason: the newest comments are
    /// mostly waiting; older ones decided in a news site's shares.
    fn fate(&mut self, fresh: bool) -> (&'static str, Kind, Option<&'static str>) {
        let u: f64 = self.rng.random();
        if (fresh && u < 0.5) || u < 0.0005 {
            let kind = match self.rng.random_range(0..20) {
                0..=10 => Kind::Civil,
                11..=16 => Kind::Abusive,
                _ => Kind::Ad,
            };
            return ("pending", kind, None);
        }
        match u {
            u if u < 0.78 => ("approved", Kind::Civil, None),
            u if u < 0.86 => ("rejected", Kind::Abusive, Some("insult")),
            u if u < 0.88 => ("rejected", Kind::Civil, Some("off_topic")),
            u if u < 0.97 => ("spam", Kind::Ad, None),
            _ => ("blocked", Kind::Abusive, None),
        }
    }

    fn class_of(&mut self, status: &str, kind: Kind) -> &'static str {
        let u: f64 = self.rng.random();
        match (status, kind) {
            ("blocked", _) => "block",
            ("spam", _) | (_, Kind::Ad) => {
                if u < 0.8 {
                    "spam"
                } else {
                    "hold"
                }
            }
            (_, Kind::Abusive) => {
                if u < 0.75 {
                    "hold"
                } else {
                    "ok"
                }
            }
            ("pending", _) => {
                if u < 0.6 {
                    "hold"
                } else {
                    "ok"
                }
            }
            _ => {
                if u < 0.07 {
                    "hold"
                } else {
                    "ok"
                }
            }
        }
    }

    fn score_of(&mut self, class: &str) -> f64 {
        let score: f64 = match class {
            "ok" => self.rng.random_range(0.0..1.0),
            "hold" => self.rng.random_range(1.5..4.0),
            "spam" => self.rng.random_range(3.0..6.0),
            _ => self.rng.random_range(8.0..12.0),
        };
        (score * 100.0).round() / 100.0
    }

    /// One comment in ten answers an earlier published one on the same article.
    fn parent(&mut self, article: u64, status: &str) -> Option<i64> {
        if status == "pending" && self.rng.random_bool(0.5) || !self.rng.random_bool(0.1) {
            return None;
        }
        self.recent
            .iter()
            .rev()
            .find(|(_, a, approved)| *a == article && *approved)
            .map(|(id, _, _)| *id)
    }

    fn remember(&mut self, id: i64, article: u64, approved: bool) {
        if self.recent.len() == 64 {
            self.recent.remove(0);
        }
        self.recent.push((id, article, approved));
    }

    /// A moderator's decision minutes to hours later; comments the filter passed on a
    /// post-moderated site are mostly approved by nobody.
    fn decision(
        &mut self,
        status: &'static str,
        class: &str,
        created_at: i64,
        reason: Option<&'static str>,
    ) -> Option<(String, i64, &'static str, Option<&'static str>)> {
        let action = match status {
            "approved" if class == "ok" && self.rng.random_bool(0.7) => return None,
            "approved" => "comment.approve",
            "rejected" => "comment.reject",
            "spam" => "comment.spam",
            _ => return None,
        };
        let at = (created_at + self.rng.random_range(2..600) * 60_000).min(self.now);
        let moderator = MODERATORS[self.rng.random_range(0..MODERATORS.len())];
        Some((moderator.to_string(), at, action, reason))
    }
}

/// The stored hits of a comment of `class`: one list hit of its kind, as the filter
/// writes them.
fn hits_of(class: &str, kind: Kind) -> String {
    if class == "ok" {
        return "[]".into();
    }
    let (rule, category, weight, explanation) = match kind {
        Kind::Ad => (
            "list:ar/spam_phrase:واتساب",
            Category::SpamPhrase,
            2.0,
            "advertising phrase «واتساب» (ar/spam_phrase)",
        ),
        _ => (
            "list:ar/insult:حمار",
            Category::Insult,
            3.0,
            "insult «حمار» (ar/insult)",
        ),
    };
    let hit = Hit {
        rule: rule.into(),
        category,
        weight,
        action: Default::default(),
        field: Field::Body,
        span: None,
        explanation: explanation.into(),
        shadow: false,
    };
    serde_json::to_string(&[hit]).unwrap_or_else(|_| "[]".into())
}
