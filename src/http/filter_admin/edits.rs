//! Helpers the filter-admin screens share: limits, and the query parameters of the term
//! list.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::errors::{FieldCode, FieldErrors};
use crate::http::extract::QueryPairs;
use crate::store::filters::TermQuery;

/// Largest import body (the global body limit is for comments).
pub(super) const IMPORT_MAX_BYTES: usize = 4 << 20;
pub(super) const DAY_MS: i64 = 86_400_000;
/// Most comments a back-test or the statistics read.
pub(super) const REPLAY_MAX: i64 = 200_000;

pub(super) fn parse_word<T: serde::de::DeserializeOwned>(
    q: &QueryPairs,
    key: &'static str,
    errors: &mut FieldErrors,
) -> Option<T> {
    let raw = q.get(key).filter(|v| !v.is_empty())?;
    let parsed = crate::filter::model::from_word(raw);
    if parsed.is_none() {
        errors.add(key, FieldCode::Invalid);
    }
    parsed
}

/// `format=text` (the default) or `format=csv`: whether it is CSV.
pub(super) fn csv_format(q: &QueryPairs, errors: &mut FieldErrors) -> bool {
    match q.get("format").unwrap_or("text") {
        "text" | "" => false,
        "csv" => true,
        _ => {
            errors.add("format", FieldCode::Invalid);
            false
        }
    }
}

pub(super) fn flag(q: &QueryPairs, key: &'static str, errors: &mut FieldErrors) -> Option<bool> {
    match q.get(key)? {
        "" => None,
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => {
            errors.add(key, FieldCode::Invalid);
            None
        }
    }
}

pub(super) fn term_query(q: &QueryPairs, errors: &mut FieldErrors, max: i64) -> TermQuery {
    let limit = q.number("limit", errors).unwrap_or(max.min(100));
    if !(1..=max).contains(&limit) {
        errors.add("limit", FieldCode::Invalid);
    }
    let offset = q.number("offset", errors).unwrap_or(0);
    if offset < 0 {
        errors.add("offset", FieldCode::Invalid);
    }
    TermQuery {
        category: parse_word(q, "category", errors),
        list: q.get("list").filter(|v| !v.is_empty()).map(str::to_string),
        search: q
            .get("q")
            .filter(|v| !v.trim().is_empty())
            .map(|v| v.trim().to_string()),
        shadow: flag(q, "shadow", errors),
        enabled: flag(q, "enabled", errors),
        limit,
        offset,
    }
}

/// The version a change made.
#[derive(Serialize, Deserialize, ToSchema)]
#[schema(as = VersionMade)]
pub struct Changed {
    pub version: i64,
}
