//! The plan the database makes for each query a request runs on comments (the [`Plans`]
//! part of the store), so a test can show that none of them reads the whole `comment`
//! table: a full scan is fine on a fresh database and takes seconds at ten million rows.
//! PostgreSQL is asked with sequential scans priced out (`enable_seqscan = off`), so a
//! full scan in its plan means there is no index it could use, whatever the table's size.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;

use super::backend::Backend;
use super::comments::SELECT_PUBLIC_PAGE;
use super::conn::{Arg, Conn, Dialect};
use super::error::StoreResult;
use super::moderation::{ClaimRequest, QueueFilter, Sort, claim_statement, queue_statement};
use super::stats::OLDEST_PENDING;
use crate::domain::{Class, Status};

/// One query and the lines of its plan.
#[derive(Clone, Debug)]
pub struct QueryPlan {
    pub name: String,
    pub plan: Vec<String>,
    /// The statement stops after a page of rows (`limit`).
    pub limited: bool,
}

impl QueryPlan {
    /// Whether the plan reads every row of `comment`. PostgreSQL: a sequential scan of it.
    /// SQLite: a scan of it (not of the text index's virtual table) that either sorts what
    /// it read afterwards or has no page limit to stop at; a scan in the order asked for,
    /// under a limit, stops at the page's end.
    pub fn scans_comments(&self) -> bool {
        let sorts_afterwards = self.plan.iter().any(|l| l.contains("USE TEMP B-TREE"));
        self.plan.iter().any(|line| {
            let line = line.trim_start_matches(|c: char| !c.is_alphabetic());
            let sqlite_scan = line == "SCAN c"
                || line == "SCAN comment"
                || line.starts_with("SCAN c ")
                || line.starts_with("SCAN comment ") && !line.contains("VIRTUAL TABLE");
            let pg_scan =
                line.contains("Seq Scan on comment ") || line.ends_with("Seq Scan on comment");
            pg_scan || sqlite_scan && (sorts_afterwards || !self.limited)
        })
    }
}

/// Query plans (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Plans: Send + Sync {
    /// The plan of every query the queue, the claims, the public thread and the
    /// dashboard run on comments, in their usual shapes.
    async fn request_plans(&self) -> StoreResult<Vec<QueryPlan>>;
}

#[async_trait]
impl<B: Backend> Plans for B {
    async fn request_plans(&self) -> StoreResult<Vec<QueryPlan>> {
        self.write(move |c| {
            Box::pin(async move {
                let dialect = c.dialect();
                if dialect == Dialect::Postgres {
                    c.run("set local enable_seqscan = off", vec![]).await?;
                }
                let mut plans = Vec::new();
                for (name, sql, args) in statements(dialect) {
                    let limited = sql.0.contains(" limit ");
                    let plan = explain(c, dialect, sql, args).await?;
                    plans.push(QueryPlan {
                        name,
                        plan,
                        limited,
                    });
                }
                Ok(plans)
            })
        })
        .await
    }
}

type Statement = (String, AssertSqlSafe<String>, Vec<Arg>);

fn statements(dialect: Dialect) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    for (name, filter) in queue_filters() {
        let (sql, args) = queue_statement(dialect, &filter);
        out.push((format!("queue: {name}"), sql, args));
    }
    let claim = ClaimRequest {
        holder: "mona".into(),
        count: 10,
        status: Status::Pending,
        class: Some(Class::Hold),
        article: None,
        now: 0,
        lease_ms: 60_000,
    };
    let (sql, args) = claim_statement(dialect, &claim);
    out.push(("claim the next ten".into(), sql, args));
    let public = vec!["/news/a".into(), 0i64.into(), 50i64.into()];
    out.push((
        "an article's thread".into(),
        AssertSqlSafe(SELECT_PUBLIC_PAGE.to_string()),
        public,
    ));
    out.push((
        "the oldest pending comment".into(),
        AssertSqlSafe(OLDEST_PENDING.to_string()),
        vec![],
    ));
    out
}

/// The queue as moderators use it: each sort of one status, each filter, the search,
/// every status, the next page.
fn queue_filters() -> Vec<(&'static str, QueueFilter)> {
    let page = |f: QueueFilter| QueueFilter { limit: 51, ..f };
    let pending = |sort: Sort| QueueFilter {
        status: Some(Status::Pending),
        sort,
        ..QueueFilter::default()
    };
    let words = vec!["منتخب".to_string()];
    vec![
        ("pending, oldest first", page(pending(Sort::Oldest))),
        ("pending, newest first", page(pending(Sort::Newest))),
        ("pending, by score", page(pending(Sort::Score))),
        (
            "pending, next page",
            page(QueueFilter {
                after: Some((1.0, 10)),
                ..pending(Sort::Oldest)
            }),
        ),
        (
            "pending, held",
            page(QueueFilter {
                class: Some(Class::Hold),
                ..pending(Sort::Oldest)
            }),
        ),
        (
            "one article",
            page(QueueFilter {
                article: Some("/news/a".into()),
                ..pending(Sort::Oldest)
            }),
        ),
        (
            "one author",
            page(QueueFilter {
                email_hash: Some("e".into()),
                ..pending(Sort::Oldest)
            }),
        ),
        (
            "one author, every status",
            page(QueueFilter {
                email_hash: Some("e".into()),
                ..QueueFilter::default()
            }),
        ),
        (
            "rejected, newest first",
            page(QueueFilter {
                status: Some(Status::Rejected),
                ..pending(Sort::Newest)
            }),
        ),
        (
            "every status, newest first",
            page(QueueFilter {
                sort: Sort::Newest,
                ..QueueFilter::default()
            }),
        ),
        (
            "search, pending",
            page(QueueFilter {
                words: words.clone(),
                ..pending(Sort::Oldest)
            }),
        ),
        (
            "search, every status, newest first",
            page(QueueFilter {
                words,
                sort: Sort::Newest,
                ..QueueFilter::default()
            }),
        ),
    ]
}

async fn explain(
    c: &mut impl Conn,
    dialect: Dialect,
    sql: AssertSqlSafe<String>,
    args: Vec<Arg>,
) -> StoreResult<Vec<String>> {
    let sql = sql.0;
    match dialect {
        Dialect::Sqlite => {
            let rows: Vec<(i64, i64, i64, String)> = c
                .all(AssertSqlSafe(format!("explain query plan {sql}")), args)
                .await?;
            Ok(rows.into_iter().map(|r| r.3).collect())
        }
        Dialect::Postgres => {
            let rows: Vec<(String,)> = c.all(AssertSqlSafe(format!("explain {sql}")), args).await?;
            Ok(rows.into_iter().map(|r| r.0).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(lines: &[&str]) -> QueryPlan {
        QueryPlan {
            name: "q".into(),
            plan: lines.iter().map(|l| l.to_string()).collect(),
            limited: true,
        }
    }

    #[test]
    fn a_full_scan_of_comments_is_told_from_an_index_search() {
        assert!(plan(&["SCAN c", "USE TEMP B-TREE FOR ORDER BY"]).scans_comments());
        assert!(
            QueryPlan {
                limited: false,
                ..plan(&["SCAN comment"])
            }
            .scans_comments()
        );
        assert!(
            plan(&[
                "Limit  (cost=0.1..2.0 rows=51 width=8)",
                "  ->  Seq Scan on comment c  (cost=1.0..2.0)"
            ])
            .scans_comments()
        );
        assert!(
            !plan(&["SCAN c"]).scans_comments(),
            "in order, to the limit"
        );
        assert!(!plan(&["SEARCH c USING INDEX comment_queue_created (status=?)"]).scans_comments());
        assert!(!plan(&["SCAN comment_search VIRTUAL TABLE INDEX 0:M5"]).scans_comments());
        assert!(!plan(&["Index Scan using comment_pkey on comment c"]).scans_comments());
        assert!(!plan(&["Seq Scan on comment_count"]).scans_comments());
    }
}
