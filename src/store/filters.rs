//! The filter's configuration in the database, versioned: terms, regex rules and settings.
//!
//! Every change adds a row to `filter_version` (who, when, a summary, the settings in
//! force). Term and rule rows carry the versions they were valid in — `since_version`
//! inclusive, `until_version` exclusive, null while live — so the state of any version can
//! be read back, and restoring version n is one more version whose state equals n's. An
//! edit closes the old row and opens a new one with the same `term_id`/`rule_id`, so ids
//! stay stable across edits. One SQL text serves both backends (the pattern of
//! [`super::accounts`]); PostgreSQL also locks the version table for the edit and
//! announces the new version with `NOTIFY` so other replicas reload at once.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::filter::spec::MatchMode;
use crate::filter::{Action, Category, FilterSettings, Language, Target};

/// The `NOTIFY` channel of new filter versions.
pub const FILTER_CHANNEL: &str = "raqib_filter";

/// One word-list entry as stored (its id is stable across edits).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredTerm {
    pub id: i64,
    pub term: String,
    /// The normalized form it matches.
    pub key: String,
    /// The list it belongs to (`ar/insult`, `admin`), part of its hits' rule id.
    pub list: String,
    pub category: Category,
    #[schema(value_type = String)]
    pub language: Language,
    pub weight: f32,
    pub action: Action,
    #[serde(rename = "match")]
    #[schema(value_type = String)]
    pub mode: MatchMode,
    pub shadow: bool,
    pub enabled: bool,
    pub note: Option<String>,
    /// The version that last changed it.
    pub version: i64,
}

/// A regex rule as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StoredRule {
    pub id: i64,
    /// The name in its hits' rule id (`rule:<name>`).
    pub name: String,
    pub pattern: String,
    pub weight: f32,
    pub action: Action,
    #[schema(value_type = String)]
    pub target: Target,
    pub category: Category,
    pub description: String,
    pub shadow: bool,
    pub enabled: bool,
    pub version: i64,
}

/// A filter version's header.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FilterVersion {
    pub version: i64,
    pub created_at: i64,
    pub created_by: String,
    pub summary: String,
    /// Term and rule rows this version opened (added or changed).
    pub opened: i64,
    /// Term and rule rows this version closed (removed or changed).
    pub closed: i64,
}

/// Everything a filter version holds.
#[derive(Clone, Debug)]
pub struct FilterState {
    pub version: i64,
    pub settings: FilterSettings,
    pub terms: Vec<StoredTerm>,
    pub rules: Vec<StoredRule>,
}

/// What one version changed, row by row.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
pub struct VersionChanges {
    pub version: FilterVersion,
    pub terms_opened: Vec<StoredTerm>,
    pub terms_closed: Vec<StoredTerm>,
    pub rules_opened: Vec<StoredRule>,
    pub rules_closed: Vec<StoredRule>,
}

/// One step of an edit. `id`s are term or rule ids.
#[derive(Clone, Debug)]
pub enum FilterOp {
    AddTerm(StoredTerm),
    ReplaceTerm(i64, StoredTerm),
    RemoveTerm(i64),
    AddRule(StoredRule),
    ReplaceRule(i64, StoredRule),
    RemoveRule(i64),
    Settings(FilterSettings),
    /// Make the live state equal to an earlier version's.
    Restore(i64),
}

/// An admin's change: its steps, and what the audit log says about it.
#[derive(Clone, Debug)]
pub struct FilterEdit {
    pub by: String,
    pub now: i64,
    pub summary: String,
    /// The audit action (`filter.term.add`, …).
    pub action: String,
    pub detail: serde_json::Value,
    pub ops: Vec<FilterOp>,
    /// Refuse an added term whose category and key a live term has already. Seeding and
    /// imports (which sort out repeats themselves) skip the per-term query.
    pub check_duplicates: bool,
    /// Apply only when this is the current version (0: no version yet); else the edit
    /// fails with [`StoreError::Conflict`](crate::store::StoreError::Conflict).
    pub if_current: Option<i64>,
}

/// The new version and the ids of what each add or replace step wrote, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterEdited {
    pub version: i64,
    pub ids: Vec<i64>,
}

/// Which live terms to list.
#[derive(Clone, Debug, Default)]
pub struct TermQuery {
    pub category: Option<Category>,
    pub list: Option<String>,
    /// A substring of the term or its normalized key.
    pub search: Option<String>,
    pub shadow: Option<bool>,
    pub enabled: Option<bool>,
    pub limit: i64,
    pub offset: i64,
}

/// A stored comment as the back-test replays it.
#[derive(Clone, Debug)]
pub struct ReplayComment {
    pub id: i64,
    pub article: String,
    pub name: String,
    pub email: String,
    pub body: String,
    pub status: crate::domain::Status,
    pub class: crate::domain::Class,
    /// A person (not the filter) decided its status.
    pub decided: bool,
    pub hits: String,
    pub created_at: i64,
}

/// A stored word read back as its enum, or a decode error naming it.
pub(crate) fn parse_word<T: serde::de::DeserializeOwned>(
    what: &str,
    text: &str,
) -> Result<T, sqlx::Error> {
    crate::filter::model::from_word(text)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown {what} {text:?}").into()))
}

/// Rows per multi-row insert (14 columns each stays far below both backends' limits).
pub(crate) const INSERT_CHUNK: usize = 200;

macro_rules! filter_queries {
    ($Conn:ty, $Pool:ty, $lock:literal, $notify:literal) => {
        use sqlx::Row;

        use crate::store::filters::{
            FilterEdit, FilterEdited, FilterOp, FilterState, FilterVersion, INSERT_CHUNK,
            ReplayComment, StoredRule, StoredTerm, TermQuery, VersionChanges, parse_word,
        };
        use crate::filter::model::to_word as word;
        use crate::store::{StoreError, StoreResult};

        type DbRow = <<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row;

        const TERM_COLUMNS: &str = "term_id, term, key, list, category, language, weight, action, mode, shadow, enabled, note, since_version";
        const RULE_COLUMNS: &str = "rule_id, name, pattern, weight, action, target, category, description, shadow, enabled, since_version";
        const AT_VERSION: &str = "since_version <= $1 and (until_version is null or until_version > $1)";

        fn term(row: &DbRow) -> StoreResult<StoredTerm> {
            let weight: f64 = row.try_get(6)?;
            Ok(StoredTerm {
                id: row.try_get(0)?,
                term: row.try_get(1)?,
                key: row.try_get(2)?,
                list: row.try_get(3)?,
                category: parse_word("category", row.try_get(4)?)?,
                language: parse_word("language", row.try_get(5)?)?,
                weight: weight as f32,
                action: parse_word("action", row.try_get(7)?)?,
                mode: parse_word("match mode", row.try_get(8)?)?,
                shadow: row.try_get(9)?,
                enabled: row.try_get(10)?,
                note: row.try_get(11)?,
                version: row.try_get(12)?,
            })
        }

        fn rule(row: &DbRow) -> StoreResult<StoredRule> {
            let weight: f64 = row.try_get(3)?;
            Ok(StoredRule {
                id: row.try_get(0)?,
                name: row.try_get(1)?,
                pattern: row.try_get(2)?,
                weight: weight as f32,
                action: parse_word("action", row.try_get(4)?)?,
                target: parse_word("target", row.try_get(5)?)?,
                category: parse_word("category", row.try_get(6)?)?,
                description: row.try_get(7)?,
                shadow: row.try_get(8)?,
                enabled: row.try_get(9)?,
                version: row.try_get(10)?,
            })
        }

        fn version_header(row: &DbRow) -> StoreResult<FilterVersion> {
            Ok(FilterVersion {
                version: row.try_get(0)?,
                created_at: row.try_get(1)?,
                created_by: row.try_get(2)?,
                summary: row.try_get(3)?,
                opened: row.try_get(4)?,
                closed: row.try_get(5)?,
            })
        }

        const VERSION_HEADER: &str = "select v.version, v.created_at, v.created_by, v.summary, \
             (select count(*) from filter_term t where t.since_version = v.version) + (select count(*) from filter_rule r where r.since_version = v.version), \
             (select count(*) from filter_term t where t.until_version = v.version) + (select count(*) from filter_rule r where r.until_version = v.version) \
             from filter_version v";

        pub async fn current_version(pool: &$Pool) -> StoreResult<Option<i64>> {
            Ok(sqlx::query("select max(version) from filter_version")
                .fetch_one(pool)
                .await?
                .try_get(0)?)
        }

        pub async fn filter_state(pool: &$Pool, version: Option<i64>) -> StoreResult<Option<FilterState>> {
            let version = match version {
                Some(v) => v,
                None => match current_version(pool).await? {
                    Some(v) => v,
                    None => return Ok(None),
                },
            };
            let Some(row) = sqlx::query("select settings from filter_version where version = $1")
                .bind(version)
                .fetch_optional(pool)
                .await?
            else {
                return Ok(None);
            };
            let settings: String = row.try_get(0)?;
            let settings = serde_json::from_str(&settings)
                .map_err(|e| StoreError::Database(format!("filter version {version}: bad settings: {e}")))?;
            let sql = format!("select {TERM_COLUMNS} from filter_term where {AT_VERSION} order by term_id");
            let terms = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(version).fetch_all(pool).await?;
            let sql = format!("select {RULE_COLUMNS} from filter_rule where {AT_VERSION} order by rule_id");
            let rules = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(version).fetch_all(pool).await?;
            Ok(Some(FilterState {
                version,
                settings,
                terms: terms.iter().map(term).collect::<Result<_, _>>()?,
                rules: rules.iter().map(rule).collect::<Result<_, _>>()?,
            }))
        }

        pub async fn list_versions(pool: &$Pool, limit: i64) -> StoreResult<Vec<FilterVersion>> {
            let sql = format!("{VERSION_HEADER} order by v.version desc limit $1");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(limit).fetch_all(pool).await?;
            rows.iter().map(version_header).collect()
        }

        pub async fn version_changes(pool: &$Pool, version: i64) -> StoreResult<Option<VersionChanges>> {
            let sql = format!("{VERSION_HEADER} where v.version = $1");
            let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(version).fetch_optional(pool).await? else {
                return Ok(None);
            };
            let header = version_header(&row)?;
            let terms = |column: &str| format!("select {TERM_COLUMNS} from filter_term where {column} = $1 order by term_id");
            let rules = |column: &str| format!("select {RULE_COLUMNS} from filter_rule where {column} = $1 order by rule_id");
            let fetch = |sql: String| async move { sqlx::query(sqlx::AssertSqlSafe(sql)).bind(version).fetch_all(pool).await };
            Ok(Some(VersionChanges {
                version: header,
                terms_opened: fetch(terms("since_version")).await?.iter().map(term).collect::<Result<_, _>>()?,
                terms_closed: fetch(terms("until_version")).await?.iter().map(term).collect::<Result<_, _>>()?,
                rules_opened: fetch(rules("since_version")).await?.iter().map(rule).collect::<Result<_, _>>()?,
                rules_closed: fetch(rules("until_version")).await?.iter().map(rule).collect::<Result<_, _>>()?,
            }))
        }

        pub async fn list_terms(pool: &$Pool, q: &TermQuery) -> StoreResult<(Vec<StoredTerm>, i64)> {
            let category = q.category.map(|c| c.as_str()).unwrap_or("");
            let list = q.list.as_deref().unwrap_or("");
            let search = q.search.as_deref().map(|s| format!("%{}%", s.replace(['%', '_'], ""))).unwrap_or_default();
            let filter = "until_version is null and ($1 = '' or category = $1) and ($2 = '' or list = $2) \
                 and ($3 = '' or term like $3 or key like $3) and ($4 < 0 or shadow = ($4 = 1)) and ($5 < 0 or enabled = ($5 = 1))";
            let flag = |f: Option<bool>| f.map(i64::from).unwrap_or(-1);
            let sql = format!("select {TERM_COLUMNS} from filter_term where {filter} order by term_id desc limit $6 offset $7");
            let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(category)
                .bind(list)
                .bind(search.as_str())
                .bind(flag(q.shadow))
                .bind(flag(q.enabled))
                .bind(q.limit)
                .bind(q.offset)
                .fetch_all(pool)
                .await?;
            let sql = format!("select count(*) from filter_term where {filter}");
            let total: i64 = sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(category)
                .bind(list)
                .bind(search.as_str())
                .bind(flag(q.shadow))
                .bind(flag(q.enabled))
                .fetch_one(pool)
                .await?
                .try_get(0)?;
            Ok((rows.iter().map(term).collect::<Result<_, _>>()?, total))
        }

        pub async fn live_term(pool: &$Pool, id: i64) -> StoreResult<Option<StoredTerm>> {
            let sql = format!("select {TERM_COLUMNS} from filter_term where term_id = $1 and until_version is null");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(term).transpose()
        }

        pub async fn live_rule(pool: &$Pool, id: i64) -> StoreResult<Option<StoredRule>> {
            let sql = format!("select {RULE_COLUMNS} from filter_rule where rule_id = $1 and until_version is null");
            let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(pool).await?;
            row.as_ref().map(rule).transpose()
        }

        /// Comments created since `since`, newest first, at most `limit`.
        pub async fn replay_window(pool: &$Pool, since: i64, limit: i64) -> StoreResult<Vec<ReplayComment>> {
            let rows = sqlx::query(
                "select comment_id, article, author_name, author_email, body, status, class, decided_by, hits, created_at \
                 from comment where created_at >= $1 order by created_at desc limit $2",
            )
            .bind(since)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let status: &str = row.try_get(5)?;
                    let class: &str = row.try_get(6)?;
                    let decided_by: Option<String> = row.try_get(7)?;
                    Ok(ReplayComment {
                        id: row.try_get(0)?,
                        article: row.try_get(1)?,
                        name: row.try_get(2)?,
                        email: row.try_get(3)?,
                        body: row.try_get(4)?,
                        status: crate::domain::Status::parse(status)
                            .ok_or_else(|| StoreError::Database(format!("unknown status {status:?}")))?,
                        class: crate::domain::Class::parse(class)
                            .ok_or_else(|| StoreError::Database(format!("unknown class {class:?}")))?,
                        decided: decided_by.is_some_and(|by| !by.is_empty()),
                        hits: row.try_get(8)?,
                        created_at: row.try_get(9)?,
                    })
                })
                .collect()
        }

        async fn next_version(conn: &mut $Conn, e: &FilterEdit, settings: &str) -> StoreResult<i64> {
            if !$lock.is_empty() {
                sqlx::query($lock).execute(&mut *conn).await?;
            }
            let current: Option<i64> = sqlx::query("select max(version) from filter_version")
                .fetch_one(&mut *conn)
                .await?
                .try_get(0)?;
            if e.if_current.is_some_and(|expected| expected != current.unwrap_or(0)) {
                return Err(StoreError::Conflict);
            }
            let version = current.unwrap_or(0) + 1;
            sqlx::query("insert into filter_version (version, created_at, created_by, summary, settings) values ($1, $2, $3, $4, $5)")
                .bind(version)
                .bind(e.now)
                .bind(e.by.as_str())
                .bind(e.summary.as_str())
                .bind(settings)
                .execute(&mut *conn)
                .await?;
            Ok(version)
        }

        async fn insert_terms(conn: &mut $Conn, terms: &[(i64, &StoredTerm)], version: i64) -> StoreResult<()> {
            for chunk in terms.chunks(INSERT_CHUNK) {
                let mut sql = String::from(
                    "insert into filter_term (term_id, term, key, list, category, language, weight, action, mode, shadow, enabled, note, since_version) values ",
                );
                for i in 0..chunk.len() {
                    let b = i * 13;
                    if i > 0 {
                        sql.push_str(", ");
                    }
                    sql.push_str(&format!(
                        "(${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${}, ${})",
                        b + 1, b + 2, b + 3, b + 4, b + 5, b + 6, b + 7, b + 8, b + 9, b + 10, b + 11, b + 12, b + 13
                    ));
                }
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (id, t) in chunk {
                    query = query
                        .bind(*id)
                        .bind(t.term.as_str())
                        .bind(t.key.as_str())
                        .bind(t.list.as_str())
                        .bind(t.category.as_str())
                        .bind(word(&t.language))
                        .bind(f64::from(t.weight))
                        .bind(word(&t.action))
                        .bind(word(&t.mode))
                        .bind(t.shadow)
                        .bind(t.enabled)
                        .bind(t.note.as_deref())
                        .bind(version);
                }
                query.execute(&mut *conn).await?;
            }
            // New terms take their first row's id as their stable id.
            sqlx::query("update filter_term set term_id = row_id where term_id = 0")
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        async fn insert_rule(conn: &mut $Conn, id: i64, r: &StoredRule, version: i64) -> StoreResult<i64> {
            let row_id: i64 = sqlx::query(
                "insert into filter_rule (rule_id, name, pattern, weight, action, target, category, description, shadow, enabled, since_version) \
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning row_id",
            )
            .bind(id)
            .bind(r.name.as_str())
            .bind(r.pattern.as_str())
            .bind(f64::from(r.weight))
            .bind(word(&r.action))
            .bind(word(&r.target))
            .bind(r.category.as_str())
            .bind(r.description.as_str())
            .bind(r.shadow)
            .bind(r.enabled)
            .bind(version)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
            if id != 0 {
                return Ok(id);
            }
            sqlx::query("update filter_rule set rule_id = row_id where row_id = $1")
                .bind(row_id)
                .execute(&mut *conn)
                .await?;
            Ok(row_id)
        }

        async fn close_term(conn: &mut $Conn, id: i64, version: i64) -> StoreResult<()> {
            let done = sqlx::query("update filter_term set until_version = $2 where term_id = $1 and until_version is null")
                .bind(id)
                .bind(version)
                .execute(&mut *conn)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        }

        async fn close_rule(conn: &mut $Conn, id: i64, version: i64) -> StoreResult<()> {
            let done = sqlx::query("update filter_rule set until_version = $2 where rule_id = $1 and until_version is null")
                .bind(id)
                .bind(version)
                .execute(&mut *conn)
                .await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
            Ok(())
        }

        async fn live_duplicate(conn: &mut $Conn, t: &StoredTerm, except: i64) -> StoreResult<bool> {
            let row = sqlx::query(
                "select 1 from filter_term where until_version is null and category = $1 and key = $2 and term_id <> $3 limit 1",
            )
            .bind(t.category.as_str())
            .bind(t.key.as_str())
            .bind(except)
            .fetch_optional(&mut *conn)
            .await?;
            Ok(row.is_some())
        }

        async fn live_rule_name(conn: &mut $Conn, name: &str, except: i64) -> StoreResult<bool> {
            let row = sqlx::query("select 1 from filter_rule where until_version is null and name = $1 and rule_id <> $2 limit 1")
                .bind(name)
                .bind(except)
                .fetch_optional(&mut *conn)
                .await?;
            Ok(row.is_some())
        }

        async fn restore(conn: &mut $Conn, from: i64, version: i64) -> StoreResult<()> {
            let exists = sqlx::query("select 1 from filter_version where version = $1")
                .bind(from)
                .fetch_optional(&mut *conn)
                .await?;
            if exists.is_none() || from >= version {
                return Err(StoreError::NotFound);
            }
            for table in ["filter_term", "filter_rule"] {
                // Close what is live now but was not in force then…
                let sql = format!(
                    "update {table} set until_version = $2 where until_version is null and not (since_version <= $1)"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(from).bind(version).execute(&mut *conn).await?;
                // …and reopen, as copies, what was in force then and is closed now.
                let (id, columns) = if table == "filter_term" {
                    ("term_id", "term, key, list, category, language, weight, action, mode, shadow, enabled, note")
                } else {
                    ("rule_id", "name, pattern, weight, action, target, category, description, shadow, enabled")
                };
                let sql = format!(
                    "insert into {table} ({id}, {columns}, since_version) select {id}, {columns}, $2 from {table} \
                     where since_version <= $1 and until_version is not null and until_version > $1 and until_version <> $2"
                );
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(from).bind(version).execute(&mut *conn).await?;
            }
            Ok(())
        }

        /// Applies an edit as one new version (with its audit row) and announces it.
        pub async fn apply_filter_edit(conn: &mut $Conn, e: &FilterEdit) -> StoreResult<FilterEdited> {
            // The settings of the new version: the last step that sets them, else a
            // restored version's, else the current ones.
            let mut settings: Option<String> = None;
            for op in &e.ops {
                match op {
                    FilterOp::Settings(s) => {
                        settings = Some(serde_json::to_string(s).map_err(|err| StoreError::Database(err.to_string()))?)
                    }
                    FilterOp::Restore(from) => {
                        settings = sqlx::query("select settings from filter_version where version = $1")
                            .bind(*from)
                            .fetch_optional(&mut *conn)
                            .await?
                            .map(|row| row.try_get(0))
                            .transpose()?;
                        if settings.is_none() {
                            return Err(StoreError::NotFound);
                        }
                    }
                    _ => {}
                }
            }
            let settings = match settings {
                Some(s) => s,
                None => sqlx::query("select settings from filter_version order by version desc limit 1")
                    .fetch_optional(&mut *conn)
                    .await?
                    .map(|row| row.try_get(0))
                    .transpose()?
                    .unwrap_or_else(|| "{}".to_string()),
            };
            let version = next_version(conn, e, &settings).await?;
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
                            close_term(conn, id, version).await?;
                        }
                        if e.check_duplicates && live_duplicate(conn, t, id).await? {
                            return Err(StoreError::Duplicate(format!("{} ({})", t.term, t.category.as_str())));
                        }
                        if id != 0 {
                            insert_terms(conn, &[(id, t)], version).await?;
                            ids.push(id);
                        } else {
                            new_terms.push((0, t));
                        }
                    }
                    FilterOp::RemoveTerm(id) => close_term(conn, *id, version).await?,
                    FilterOp::AddRule(r) => {
                        if live_rule_name(conn, &r.name, 0).await? {
                            return Err(StoreError::Duplicate(r.name.clone()));
                        }
                        ids.push(insert_rule(conn, 0, r, version).await?);
                    }
                    FilterOp::ReplaceRule(id, r) => {
                        close_rule(conn, *id, version).await?;
                        if live_rule_name(conn, &r.name, *id).await? {
                            return Err(StoreError::Duplicate(r.name.clone()));
                        }
                        ids.push(insert_rule(conn, *id, r, version).await?);
                    }
                    FilterOp::RemoveRule(id) => close_rule(conn, *id, version).await?,
                    FilterOp::Settings(_) => {}
                    FilterOp::Restore(from) => restore(conn, *from, version).await?,
                }
            }
            if !new_terms.is_empty() {
                insert_terms(conn, &new_terms, version).await?;
                let added = sqlx::query("select term_id from filter_term where since_version = $1 and row_id = term_id order by row_id")
                    .bind(version)
                    .fetch_all(&mut *conn)
                    .await?;
                for row in added {
                    ids.push(row.try_get(0)?);
                }
            }
            sqlx::query("insert into audit_log (at, actor, action, target, before, after) values ($1, $2, $3, $4, null, $5)")
                .bind(e.now)
                .bind(e.by.as_str())
                .bind(e.action.as_str())
                .bind(format!("filter:version:{version}"))
                .bind(e.detail.to_string())
                .execute(&mut *conn)
                .await?;
            if !$notify.is_empty() {
                sqlx::query($notify).bind(version.to_string()).execute(&mut *conn).await?;
            }
            Ok(FilterEdited { version, ids })
        }
    };
}

pub(crate) use filter_queries;

/// The filter's versioned configuration (a part of [`Store`](super::Store)).
#[async_trait::async_trait]
pub trait Filters: Send + Sync {
    /// The newest filter version, None before the first seeding.
    async fn current_filter_version(&self) -> crate::store::StoreResult<Option<i64>>;
    /// The state of a version (None: the current one); None when there is no such version.
    async fn filter_state(
        &self,
        version: Option<i64>,
    ) -> crate::store::StoreResult<Option<FilterState>>;
    /// Applies an edit as one new version.
    async fn apply_filter_edit(&self, edit: FilterEdit) -> crate::store::StoreResult<FilterEdited>;
    /// Newest versions first.
    async fn list_filter_versions(
        &self,
        limit: i64,
    ) -> crate::store::StoreResult<Vec<FilterVersion>>;
    async fn filter_version_changes(
        &self,
        version: i64,
    ) -> crate::store::StoreResult<Option<VersionChanges>>;
    /// A page of live terms, and how many match in all.
    async fn list_terms(
        &self,
        query: &TermQuery,
    ) -> crate::store::StoreResult<(Vec<StoredTerm>, i64)>;
    async fn live_term(&self, id: i64) -> crate::store::StoreResult<Option<StoredTerm>>;
    async fn live_rule(&self, id: i64) -> crate::store::StoreResult<Option<StoredRule>>;
    /// Comments created since `since` (Unix ms), newest first, at most `limit`.
    async fn replay_window(
        &self,
        since: i64,
        limit: i64,
    ) -> crate::store::StoreResult<Vec<ReplayComment>>;
}

macro_rules! filter_methods {
    ($Store:ty, $q:ident) => {
        #[async_trait::async_trait]
        impl crate::store::filters::Filters for $Store {
            async fn current_filter_version(&self) -> crate::store::StoreResult<Option<i64>> {
                $q::current_version(self.reader()).await
            }
            async fn filter_state(
                &self,
                version: Option<i64>,
            ) -> crate::store::StoreResult<Option<crate::store::filters::FilterState>> {
                $q::filter_state(self.reader(), version).await
            }
            async fn apply_filter_edit(
                &self,
                edit: crate::store::filters::FilterEdit,
            ) -> crate::store::StoreResult<crate::store::filters::FilterEdited> {
                self.write(move |c| Box::pin(async move { $q::apply_filter_edit(c, &edit).await }))
                    .await
            }
            async fn list_filter_versions(
                &self,
                limit: i64,
            ) -> crate::store::StoreResult<Vec<crate::store::filters::FilterVersion>> {
                $q::list_versions(self.reader(), limit).await
            }
            async fn filter_version_changes(
                &self,
                version: i64,
            ) -> crate::store::StoreResult<Option<crate::store::filters::VersionChanges>> {
                $q::version_changes(self.reader(), version).await
            }
            async fn list_terms(
                &self,
                query: &crate::store::filters::TermQuery,
            ) -> crate::store::StoreResult<(Vec<crate::store::filters::StoredTerm>, i64)> {
                $q::list_terms(self.reader(), query).await
            }
            async fn live_term(
                &self,
                id: i64,
            ) -> crate::store::StoreResult<Option<crate::store::filters::StoredTerm>> {
                $q::live_term(self.reader(), id).await
            }
            async fn live_rule(
                &self,
                id: i64,
            ) -> crate::store::StoreResult<Option<crate::store::filters::StoredRule>> {
                $q::live_rule(self.reader(), id).await
            }
            async fn replay_window(
                &self,
                since: i64,
                limit: i64,
            ) -> crate::store::StoreResult<Vec<crate::store::filters::ReplayComment>> {
                $q::replay_window(self.reader(), since, limit).await
            }
        }
    };
}

pub(crate) use filter_methods;
