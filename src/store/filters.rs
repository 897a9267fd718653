//! The filter's configuration in the database, versioned: terms, regex rules and settings.
//! The [`Filters`] part of the store, and its reads.
//!
//! Every change adds a row to `filter_version` (who, when, a summary, the settings in
//! force). Term and rule rows carry the versions they were valid in — `since_version`
//! inclusive, `until_version` exclusive, null while live — so the state of any version can
//! be read back, and restoring version n is one more version whose state equals n's. An
//! edit closes the old row and opens a new one with the same `term_id`/`rule_id`, so ids
//! stay stable across edits. The edits themselves are in `filter_edit.rs`; the types both
//! use in `filter_types.rs`, re-exported here.

use async_trait::async_trait;
use sqlx::AssertSqlSafe;

use super::backend::Backend;
use super::conn::Conn;
use super::error::{StoreError, StoreResult};
use super::filter_edit::apply_filter_edit;
use crate::domain::{Class, Status};

pub use super::filter_types::{
    FILTER_CHANNEL, FilterEdit, FilterEdited, FilterOp, FilterState, FilterVersion, ReplayComment,
    StoredRule, StoredTerm, TermQuery, VersionChanges,
};

/// The filter's versioned configuration (a part of [`Store`](super::traits::Store)).
#[async_trait]
pub trait Filters: Send + Sync {
    /// The newest filter version, None before the first seeding.
    async fn current_filter_version(&self) -> StoreResult<Option<i64>>;
    /// The state of a version (None: the current one); None when there is no such version.
    async fn filter_state(&self, version: Option<i64>) -> StoreResult<Option<FilterState>>;
    /// Applies an edit as one new version.
    async fn apply_filter_edit(&self, edit: FilterEdit) -> StoreResult<FilterEdited>;
    /// Newest versions first.
    async fn list_filter_versions(&self, limit: i64) -> StoreResult<Vec<FilterVersion>>;
    async fn filter_version_changes(&self, version: i64) -> StoreResult<Option<VersionChanges>>;
    /// A page of live terms, and how many match in all.
    async fn list_terms(&self, query: &TermQuery) -> StoreResult<(Vec<StoredTerm>, i64)>;
    async fn live_term(&self, id: i64) -> StoreResult<Option<StoredTerm>>;
    async fn live_rule(&self, id: i64) -> StoreResult<Option<StoredRule>>;
    /// Comments created since `since` (Unix ms), newest first, at most `limit`.
    async fn replay_window(&self, since: i64, limit: i64) -> StoreResult<Vec<ReplayComment>>;
}

#[async_trait]
impl<B: Backend> Filters for B {
    async fn current_filter_version(&self) -> StoreResult<Option<i64>> {
        current_version(&mut *self.reader().await?).await
    }

    async fn filter_state(&self, version: Option<i64>) -> StoreResult<Option<FilterState>> {
        filter_state(&mut *self.reader().await?, version).await
    }

    async fn apply_filter_edit(&self, edit: FilterEdit) -> StoreResult<FilterEdited> {
        self.write(move |c| Box::pin(async move { apply_filter_edit(c, &edit).await }))
            .await
    }

    async fn list_filter_versions(&self, limit: i64) -> StoreResult<Vec<FilterVersion>> {
        let sql = format!("{VERSION_HEADER} order by v.version desc limit $1");
        let rows: Vec<VersionRow> = self
            .reader()
            .await?
            .all(AssertSqlSafe(sql), vec![limit.into()])
            .await?;
        Ok(rows.into_iter().map(FilterVersion::from).collect())
    }

    async fn filter_version_changes(&self, version: i64) -> StoreResult<Option<VersionChanges>> {
        version_changes(&mut *self.reader().await?, version).await
    }

    async fn list_terms(&self, query: &TermQuery) -> StoreResult<(Vec<StoredTerm>, i64)> {
        list_terms(&mut *self.reader().await?, query).await
    }

    async fn live_term(&self, id: i64) -> StoreResult<Option<StoredTerm>> {
        let sql = format!(
            "select {TERM_COLUMNS} from filter_term where term_id = $1 and until_version is null"
        );
        let sql = AssertSqlSafe(sql);
        let row: Option<TermRow> = self.reader().await?.optional(sql, vec![id.into()]).await?;
        row.map(StoredTerm::try_from).transpose()
    }

    async fn live_rule(&self, id: i64) -> StoreResult<Option<StoredRule>> {
        let sql = format!(
            "select {RULE_COLUMNS} from filter_rule where rule_id = $1 and until_version is null"
        );
        let sql = AssertSqlSafe(sql);
        let row: Option<RuleRow> = self.reader().await?.optional(sql, vec![id.into()]).await?;
        row.map(StoredRule::try_from).transpose()
    }

    async fn replay_window(&self, since: i64, limit: i64) -> StoreResult<Vec<ReplayComment>> {
        let sql = "select comment_id, article, author_name, author_email, body, status, class, decided_by, hits, created_at \
                   from comment where created_at >= $1 order by created_at desc limit $2";
        let args = vec![since.into(), limit.into()];
        let rows: Vec<ReplayRow> = self.reader().await?.all(sql, args).await?;
        rows.into_iter().map(ReplayComment::try_from).collect()
    }
}

const TERM_COLUMNS: &str = "term_id, term, key, list, category, language, weight, action, mode, shadow, enabled, note, since_version";
const RULE_COLUMNS: &str = "rule_id, name, pattern, weight, action, target, category, description, shadow, enabled, since_version";
const AT_VERSION: &str = "since_version <= $1 and (until_version is null or until_version > $1)";

/// A version's header with how many rows it opened and closed.
const VERSION_HEADER: &str = "select v.version, v.created_at, v.created_by, v.summary, \
     (select count(*) from filter_term t where t.since_version = v.version) + (select count(*) from filter_rule r where r.since_version = v.version) as opened, \
     (select count(*) from filter_term t where t.until_version = v.version) + (select count(*) from filter_rule r where r.until_version = v.version) as closed \
     from filter_version v";

/// A stored word read back as its enum, or a decode error naming it.
fn parse_word<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, sqlx::Error> {
    crate::filter::model::from_word(text)
        .ok_or_else(|| sqlx::Error::Decode(format!("unknown {what} {text:?}").into()))
}

#[derive(sqlx::FromRow)]
struct TermRow {
    term_id: i64,
    term: String,
    key: String,
    list: String,
    category: String,
    language: String,
    weight: f64,
    action: String,
    mode: String,
    shadow: bool,
    enabled: bool,
    note: Option<String>,
    since_version: i64,
}

impl TryFrom<TermRow> for StoredTerm {
    type Error = StoreError;

    fn try_from(row: TermRow) -> StoreResult<StoredTerm> {
        Ok(StoredTerm {
            id: row.term_id,
            term: row.term,
            key: row.key,
            list: row.list,
            category: parse_word("category", &row.category)?,
            language: parse_word("language", &row.language)?,
            weight: row.weight as f32,
            action: parse_word("action", &row.action)?,
            mode: parse_word("match mode", &row.mode)?,
            shadow: row.shadow,
            enabled: row.enabled,
            note: row.note,
            version: row.since_version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    rule_id: i64,
    name: String,
    pattern: String,
    weight: f64,
    action: String,
    target: String,
    category: String,
    description: String,
    shadow: bool,
    enabled: bool,
    since_version: i64,
}

impl TryFrom<RuleRow> for StoredRule {
    type Error = StoreError;

    fn try_from(row: RuleRow) -> StoreResult<StoredRule> {
        Ok(StoredRule {
            id: row.rule_id,
            name: row.name,
            pattern: row.pattern,
            weight: row.weight as f32,
            action: parse_word("action", &row.action)?,
            target: parse_word("target", &row.target)?,
            category: parse_word("category", &row.category)?,
            description: row.description,
            shadow: row.shadow,
            enabled: row.enabled,
            version: row.since_version,
        })
    }
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    version: i64,
    created_at: i64,
    created_by: String,
    summary: String,
    opened: i64,
    closed: i64,
}

impl From<VersionRow> for FilterVersion {
    fn from(row: VersionRow) -> FilterVersion {
        FilterVersion {
            version: row.version,
            created_at: row.created_at,
            created_by: row.created_by,
            summary: row.summary,
            opened: row.opened,
            closed: row.closed,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ReplayRow {
    comment_id: i64,
    article: String,
    author_name: String,
    author_email: String,
    body: String,
    status: String,
    class: String,
    decided_by: Option<String>,
    hits: String,
    created_at: i64,
}

impl TryFrom<ReplayRow> for ReplayComment {
    type Error = StoreError;

    fn try_from(row: ReplayRow) -> StoreResult<ReplayComment> {
        let status = Status::parse(&row.status)
            .ok_or_else(|| StoreError::Database(format!("unknown status {:?}", row.status)))?;
        let class = Class::parse(&row.class)
            .ok_or_else(|| StoreError::Database(format!("unknown class {:?}", row.class)))?;
        Ok(ReplayComment {
            id: row.comment_id,
            article: row.article,
            name: row.author_name,
            email: row.author_email,
            body: row.body,
            status,
            class,
            decided: row.decided_by.is_some_and(|by| !by.is_empty()),
            hits: row.hits,
            created_at: row.created_at,
        })
    }
}

async fn current_version(c: &mut impl Conn) -> StoreResult<Option<i64>> {
    let (version,) = c
        .one("select max(version) from filter_version", vec![])
        .await?;
    Ok(version)
}

async fn filter_state(c: &mut impl Conn, version: Option<i64>) -> StoreResult<Option<FilterState>> {
    let version = match version {
        Some(v) => v,
        None => match current_version(c).await? {
            Some(v) => v,
            None => return Ok(None),
        },
    };
    let sql = "select settings from filter_version where version = $1";
    let Some((settings,)) = c
        .optional::<(String,), _>(sql, vec![version.into()])
        .await?
    else {
        return Ok(None);
    };
    let settings = serde_json::from_str(&settings).map_err(|e| {
        StoreError::Database(format!("filter version {version}: bad settings: {e}"))
    })?;
    let sql = format!("select {TERM_COLUMNS} from filter_term where {AT_VERSION} order by term_id");
    let terms: Vec<TermRow> = c.all(AssertSqlSafe(sql), vec![version.into()]).await?;
    let sql = format!("select {RULE_COLUMNS} from filter_rule where {AT_VERSION} order by rule_id");
    let rules: Vec<RuleRow> = c.all(AssertSqlSafe(sql), vec![version.into()]).await?;
    Ok(Some(FilterState {
        version,
        settings,
        terms: terms
            .into_iter()
            .map(StoredTerm::try_from)
            .collect::<Result<_, _>>()?,
        rules: rules
            .into_iter()
            .map(StoredRule::try_from)
            .collect::<Result<_, _>>()?,
    }))
}

async fn version_changes(c: &mut impl Conn, version: i64) -> StoreResult<Option<VersionChanges>> {
    let sql = format!("{VERSION_HEADER} where v.version = $1");
    let row: Option<VersionRow> = c.optional(AssertSqlSafe(sql), vec![version.into()]).await?;
    let Some(header) = row else {
        return Ok(None);
    };
    Ok(Some(VersionChanges {
        version: FilterVersion::from(header),
        terms_opened: terms_where(c, "since_version", version).await?,
        terms_closed: terms_where(c, "until_version", version).await?,
        rules_opened: rules_where(c, "since_version", version).await?,
        rules_closed: rules_where(c, "until_version", version).await?,
    }))
}

/// The term rows whose `column` (`since_version`, `until_version`) is `version`.
async fn terms_where(
    c: &mut impl Conn,
    column: &str,
    version: i64,
) -> StoreResult<Vec<StoredTerm>> {
    let sql =
        format!("select {TERM_COLUMNS} from filter_term where {column} = $1 order by term_id");
    let rows: Vec<TermRow> = c.all(AssertSqlSafe(sql), vec![version.into()]).await?;
    rows.into_iter().map(StoredTerm::try_from).collect()
}

/// The rule rows whose `column` (`since_version`, `until_version`) is `version`.
async fn rules_where(
    c: &mut impl Conn,
    column: &str,
    version: i64,
) -> StoreResult<Vec<StoredRule>> {
    let sql =
        format!("select {RULE_COLUMNS} from filter_rule where {column} = $1 order by rule_id");
    let rows: Vec<RuleRow> = c.all(AssertSqlSafe(sql), vec![version.into()]).await?;
    rows.into_iter().map(StoredRule::try_from).collect()
}

async fn list_terms(c: &mut impl Conn, q: &TermQuery) -> StoreResult<(Vec<StoredTerm>, i64)> {
    let category = q.category.map(|c| c.as_str()).unwrap_or("");
    let list = q.list.as_deref().unwrap_or("");
    let search = q
        .search
        .as_deref()
        .map(|s| format!("%{}%", s.replace(['%', '_'], "")))
        .unwrap_or_default();
    let filter = "until_version is null and ($1 = '' or category = $1) and ($2 = '' or list = $2) \
         and ($3 = '' or term like $3 or key like $3) and ($4 < 0 or shadow = ($4 = 1)) and ($5 < 0 or enabled = ($5 = 1))";
    let flag = |f: Option<bool>| f.map(i64::from).unwrap_or(-1);
    let args = vec![
        category.into(),
        list.into(),
        search.into(),
        flag(q.shadow).into(),
        flag(q.enabled).into(),
    ];
    let mut page_args = args.clone();
    page_args.extend([q.limit.into(), q.offset.into()]);
    let sql = format!(
        "select {TERM_COLUMNS} from filter_term where {filter} order by term_id desc limit $6 offset $7"
    );
    let rows: Vec<TermRow> = c.all(AssertSqlSafe(sql), page_args).await?;
    let sql = format!("select count(*) from filter_term where {filter}");
    let (total,): (i64,) = c.one(AssertSqlSafe(sql), args).await?;
    let terms = rows
        .into_iter()
        .map(StoredTerm::try_from)
        .collect::<Result<_, _>>()?;
    Ok((terms, total))
}
