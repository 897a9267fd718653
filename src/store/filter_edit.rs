//! Applying an admin's filter edit as one new version, in the caller's transaction.
//!
//! Rows are never changed in place: an edit closes the live row (`until_version`) and
//! opens a new one with the same `term_id`/`rule_id`, so every earlier version can be read
//! back and restored. PostgreSQL locks the version table for the edit (two replicas must
//! not both make version n + 1) and announces the new version with `NOTIFY`; SQLite's
//! single writer needs neither lock nor announcement.

use std::fmt::Write as _;

use sqlx::AssertSqlSafe;

use super::conn::{Arg, Conn, Dialect};
use super::error::{StoreError, StoreResult};
use super::filter_types::{FilterEdit, FilterEdited, FilterOp, StoredRule, StoredTerm};
use crate::filter::model::to_word as word;
use crate::filter::model::{Category, from_word};

/// Rows per multi-row insert (14 columns each stays far below both backends' limits).
const INSERT_CHUNK: usize = 200;

/// Applies an edit as one new version (with its audit row) and announces it.
pub async fn apply_filter_edit(c: &mut impl Conn, e: &FilterEdit) -> StoreResult<FilterEdited> {
    let settings = new_settings(c, e).await?;
    let version = next_version(c, e, settings).await?;
    let mut ids = Vec::new();
    let mut new_terms: Vec<(i64, &StoredTerm)> = Vec::new();
    for op in &e.ops {
        match op {
            FilterOp::AddTerm(t) | FilterOp::ReplaceTerm(_, t) => {
                let id = match op {
                    FilterOp::ReplaceTerm(id, _) => *id,
                    _ => 0,
                };
                if id != 0 {
                    close(c, Table::Term, id, version).await?;
                }
                if e.check_duplicates
                    && let Some(existing) = live_duplicate(c, t, id).await?
                {
                    let what = format!("{} ({})", t.term, existing);
                    return Err(StoreError::Duplicate(what));
                }
                if id != 0 {
                    insert_terms(c, &[(id, t)], version).await?;
                    ids.push(id);
                } else {
                    new_terms.push((0, t));
                }
            }
            FilterOp::RemoveTerm(id) => close(c, Table::Term, *id, version).await?,
            FilterOp::AddRule(r) => {
                if live_rule_name(c, &r.name, 0).await? {
                    return Err(StoreError::Duplicate(r.name.clone()));
                }
                ids.push(insert_rule(c, 0, r, version).await?);
            }
            FilterOp::ReplaceRule(id, r) => {
                close(c, Table::Rule, *id, version).await?;
                if live_rule_name(c, &r.name, *id).await? {
                    return Err(StoreError::Duplicate(r.name.clone()));
                }
                ids.push(insert_rule(c, *id, r, version).await?);
            }
            FilterOp::RemoveRule(id) => close(c, Table::Rule, *id, version).await?,
            FilterOp::Settings(_) => {}
            FilterOp::Restore(from) => restore(c, *from, version).await?,
        }
    }
    if !new_terms.is_empty() {
        insert_terms(c, &new_terms, version).await?;
        let sql = "select term_id from filter_term where since_version = $1 and row_id = term_id order by row_id";
        let added: Vec<(i64,)> = c.all(sql, vec![version.into()]).await?;
        ids.extend(added.into_iter().map(|(id,)| id));
    }
    let sql = "insert into audit_log (at, actor, action, target, before, after) values ($1, $2, $3, $4, null, $5)";
    let args = vec![
        e.now.into(),
        e.by.as_str().into(),
        e.action.as_str().into(),
        format!("filter:version:{version}").into(),
        e.detail.to_string().into(),
    ];
    c.run(sql, args).await?;
    if c.dialect() == Dialect::Postgres {
        let sql = "select pg_notify('raqib_filter', $1)";
        c.run(sql, vec![version.to_string().into()]).await?;
    }
    Ok(FilterEdited { version, ids })
}

/// The settings of the new version: the last step that sets them, else a restored
/// version's, else the current ones.
async fn new_settings(c: &mut impl Conn, e: &FilterEdit) -> StoreResult<String> {
    let mut settings: Option<String> = None;
    for op in &e.ops {
        match op {
            FilterOp::Settings(s) => {
                let json = serde_json::to_string(s);
                settings = Some(json.map_err(|err| StoreError::Database(err.to_string()))?)
            }
            FilterOp::Restore(from) => {
                let sql = "select settings from filter_version where version = $1";
                let row: Option<(String,)> = c.optional(sql, vec![(*from).into()]).await?;
                let Some((restored,)) = row else {
                    return Err(StoreError::NotFound);
                };
                settings = Some(restored);
            }
            _ => {}
        }
    }
    if let Some(settings) = settings {
        return Ok(settings);
    }
    let sql = "select settings from filter_version order by version desc limit 1";
    let current: Option<(String,)> = c.optional(sql, vec![]).await?;
    Ok(current.map_or_else(|| "{}".to_string(), |(s,)| s))
}

async fn next_version(c: &mut impl Conn, e: &FilterEdit, settings: String) -> StoreResult<i64> {
    if c.dialect() == Dialect::Postgres {
        c.run("lock table filter_version in exclusive mode", vec![])
            .await?;
    }
    let sql = "select max(version) from filter_version";
    let (current,): (Option<i64>,) = c.one(sql, vec![]).await?;
    if e.if_current
        .is_some_and(|expected| expected != current.unwrap_or(0))
    {
        return Err(StoreError::Conflict);
    }
    let version = current.unwrap_or(0) + 1;
    let sql = "insert into filter_version (version, created_at, created_by, summary, settings) values ($1, $2, $3, $4, $5)";
    let args = vec![
        version.into(),
        e.now.into(),
        e.by.as_str().into(),
        e.summary.as_str().into(),
        settings.into(),
    ];
    c.run(sql, args).await?;
    Ok(version)
}

/// Inserts terms, [`INSERT_CHUNK`] per statement; `(0, term)` for a new term, which then
/// takes its first row's id as its stable id.
async fn insert_terms(
    c: &mut impl Conn,
    terms: &[(i64, &StoredTerm)],
    version: i64,
) -> StoreResult<()> {
    for chunk in terms.chunks(INSERT_CHUNK) {
        let mut sql = String::from(
            "insert into filter_term (term_id, term, key, list, category, language, weight, action, mode, shadow, enabled, note, since_version) values ",
        );
        let mut args: Vec<Arg> = Vec::with_capacity(chunk.len() * 13);
        for (i, (id, t)) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push_str(", ");
            }
            let b = i * 13;
            sql.push('(');
            for k in 1..=13 {
                let _ = write!(sql, "{}${}", if k > 1 { ", " } else { "" }, b + k);
            }
            sql.push(')');
            args.extend([
                (*id).into(),
                t.term.as_str().into(),
                t.key.as_str().into(),
                t.list.as_str().into(),
                t.category.as_str().into(),
                word(&t.language).into(),
                f64::from(t.weight).into(),
                word(&t.action).into(),
                word(&t.mode).into(),
                t.shadow.into(),
                t.enabled.into(),
                t.note.as_deref().into(),
                version.into(),
            ]);
        }
        c.run(AssertSqlSafe(sql), args).await?;
    }
    let sql = "update filter_term set term_id = row_id where term_id = 0";
    c.run(sql, vec![]).await?;
    Ok(())
}

/// Inserts a rule row; `id` 0 for a new rule, which takes its row's id as its stable id.
async fn insert_rule(c: &mut impl Conn, id: i64, r: &StoredRule, version: i64) -> StoreResult<i64> {
    let sql = "insert into filter_rule (rule_id, name, pattern, weight, action, target, category, description, shadow, enabled, since_version) \
               values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning row_id";
    let args = vec![
        id.into(),
        r.name.as_str().into(),
        r.pattern.as_str().into(),
        f64::from(r.weight).into(),
        word(&r.action).into(),
        word(&r.target).into(),
        r.category.as_str().into(),
        r.description.as_str().into(),
        r.shadow.into(),
        r.enabled.into(),
        version.into(),
    ];
    let (row_id,): (i64,) = c.one(sql, args).await?;
    if id != 0 {
        return Ok(id);
    }
    let sql = "update filter_rule set rule_id = row_id where row_id = $1";
    c.run(sql, vec![row_id.into()]).await?;
    Ok(row_id)
}

/// The two versioned tables.
#[derive(Clone, Copy)]
enum Table {
    Term,
    Rule,
}

/// Closes the live row of a term or rule in `version`; `NotFound` when none is live.
async fn close(c: &mut impl Conn, table: Table, id: i64, version: i64) -> StoreResult<()> {
    let sql = match table {
        Table::Term => {
            "update filter_term set until_version = $2 where term_id = $1 and until_version is null"
        }
        Table::Rule => {
            "update filter_rule set until_version = $2 where rule_id = $1 and until_version is null"
        }
    };
    if c.run(sql, vec![id.into(), version.into()]).await? == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Does a live term other than `except` have this category and key?
/// The category of a live term other than `except` that `t` would repeat: the same key
/// in the same category, or in another category where both count (a word weighed twice
/// in one score); identity-like qualifiers and domains never add to a word's weight.
async fn live_duplicate(
    c: &mut impl Conn,
    t: &StoredTerm,
    except: i64,
) -> StoreResult<Option<String>> {
    let sql = "select category from filter_term where until_version is null and key = $1 and term_id <> $2";
    let rows: Vec<(String,)> = c
        .all(sql, vec![t.key.as_str().into(), except.into()])
        .await?;
    let counts = |category: Category| {
        !category.is_qualifier()
            && !matches!(
                category,
                Category::DomainBlock | Category::DomainAllow | Category::DisposableEmail
            )
    };
    Ok(rows.into_iter().map(|(c,)| c).find(|existing| {
        existing == t.category.as_str()
            || (counts(t.category) && from_word::<Category>(existing).is_some_and(counts))
    }))
}

/// Does a live rule other than `except` have this name?
async fn live_rule_name(c: &mut impl Conn, name: &str, except: i64) -> StoreResult<bool> {
    let sql = "select 1 from filter_rule where until_version is null and name = $1 and rule_id <> $2 limit 1";
    c.exists(sql, vec![name.into(), except.into()]).await
}

/// Makes the live rows of `version` those of version `from`.
async fn restore(c: &mut impl Conn, from: i64, version: i64) -> StoreResult<()> {
    let sql = "select 1 from filter_version where version = $1";
    if !c.exists(sql, vec![from.into()]).await? || from >= version {
        return Err(StoreError::NotFound);
    }
    for table in ["filter_term", "filter_rule"] {
        // Close what is live now but was not in force then…
        let sql = format!(
            "update {table} set until_version = $2 where until_version is null and not (since_version <= $1)"
        );
        c.run(AssertSqlSafe(sql), vec![from.into(), version.into()])
            .await?;
        // …and reopen, as copies, what was in force then and is closed now.
        let (id, columns) = if table == "filter_term" {
            (
                "term_id",
                "term, key, list, category, language, weight, action, mode, shadow, enabled, note",
            )
        } else {
            (
                "rule_id",
                "name, pattern, weight, action, target, category, description, shadow, enabled",
            )
        };
        let sql = format!(
            "insert into {table} ({id}, {columns}, since_version) select {id}, {columns}, $2 from {table} \
             where since_version <= $1 and until_version is not null and until_version > $1 and until_version <> $2"
        );
        c.run(AssertSqlSafe(sql), vec![from.into(), version.into()])
            .await?;
    }
    Ok(())
}
