//! Terms: list, add, change, remove, export and import.

use crate::http::extract::Path;
use axum::Json;
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::domain::errors::{FieldCode, FieldErrors};
use crate::filter::{Action, Category};
use crate::http::auth::Admin;
use crate::http::error::{ApiError, ErrorEnvelope, Result};
use crate::http::extract::{JsonBody, QueryPairs, body_bytes};
use crate::store::filters::{FilterOp, StoredTerm};
use crate::tuning::import::{self, Defaults};
use crate::tuning::{TermInput, TermPatch};

use super::edits::*;
use crate::moderation::{tune, tune_entry};

/// A page of terms.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TermPage {
    pub items: Vec<StoredTerm>,
    pub total: i64,
}

/// Live terms, newest first: `category`, `list`, `q` (in the term or its normalized form),
/// `shadow`, `enabled`, `limit` (≤ 500), `offset`.
#[utoipa::path(get, path = "/api/v1/admin/filter/terms", tag = "admin-filter",
    responses((status = 200, body = TermPage), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn list_terms(
    State(state): State<AppState>,
    _: Admin,
    q: QueryPairs,
) -> Result<Json<TermPage>> {
    let mut errors = FieldErrors::default();
    let query = term_query(&q, &mut errors, 500);
    errors.into_result()?;
    let (items, total) = state.store().list_terms(&query).await?;
    Ok(Json(TermPage { items, total }))
}

/// A term after a change, and the version the change made.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct TermChanged {
    pub term: StoredTerm,
    pub version: i64,
}

/// Add a term. Refused (422) when it normalizes to fewer than two letters, is not a
/// domain in a domain list, or the category has it already.
#[utoipa::path(post, path = "/api/v1/admin/filter/terms", tag = "admin-filter", request_body = TermInput,
    responses((status = 201, body = TermChanged), (status = 422, description = "`validation_failed`: `term` too_short, invalid or duplicate; `weight` invalid", body = ErrorEnvelope)))]
pub(super) async fn add_term(
    State(state): State<AppState>,
    admin: Admin,
    JsonBody(input): JsonBody<TermInput>,
) -> Result<(StatusCode, Json<TermChanged>)> {
    let done = tune_entry::add::<StoredTerm>(&state, &admin.0.user.username, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(TermChanged {
            term: done.entry,
            version: done.version,
        }),
    ))
}

/// One live term.
#[utoipa::path(get, path = "/api/v1/admin/filter/terms/{id}", tag = "admin-filter",
    params(("id" = i64, Path)), responses((status = 200, body = StoredTerm), (status = 404, body = ErrorEnvelope)))]
pub(super) async fn get_term(
    State(state): State<AppState>,
    _: Admin,
    Path(id): Path<i64>,
) -> Result<Json<StoredTerm>> {
    Ok(Json(
        state
            .store()
            .live_term(id)
            .await?
            .ok_or(ApiError::NotFound)?,
    ))
}

/// Change a term's weight, action, match mode, category, list, note, or turn it to
/// shadow or off. The term's text stays: remove it and add another to change it.
#[utoipa::path(patch, path = "/api/v1/admin/filter/terms/{id}", tag = "admin-filter", request_body = TermPatch,
    params(("id" = i64, Path)), responses((status = 200, body = TermChanged), (status = 404, body = ErrorEnvelope), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn change_term(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
    JsonBody(patch): JsonBody<TermPatch>,
) -> Result<Json<TermChanged>> {
    let done = tune_entry::change::<StoredTerm>(&state, &admin.0.user.username, id, &patch).await?;
    Ok(Json(TermChanged {
        term: done.entry,
        version: done.version,
    }))
}

/// Remove a term (it stays in earlier versions).
#[utoipa::path(delete, path = "/api/v1/admin/filter/terms/{id}", tag = "admin-filter",
    params(("id" = i64, Path)), responses((status = 200, body = Changed), (status = 404, body = ErrorEnvelope)))]
pub(super) async fn remove_term(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<i64>,
) -> Result<Json<Changed>> {
    let version = tune_entry::remove::<StoredTerm>(&state, &admin.0.user.username, id).await?;
    Ok(Json(Changed { version }))
}

/// Export live terms as plain text (`format=text`, the word-list file format) or CSV
/// (`format=csv`), filtered like the list.
#[utoipa::path(get, path = "/api/v1/admin/filter/terms/export", tag = "admin-filter",
    responses((status = 200, description = "text/plain or text/csv", body = String)))]
pub(super) async fn export_terms(
    State(state): State<AppState>,
    _: Admin,
    q: QueryPairs,
) -> Result<Response> {
    let mut errors = FieldErrors::default();
    let csv = csv_format(&q, &mut errors);
    let mut query = term_query(&q, &mut errors, i64::MAX);
    query.limit = i64::MAX;
    errors.into_result()?;
    let (mut terms, _) = state.store().list_terms(&query).await?;
    terms.reverse();
    let (body, kind, ext) = if csv {
        (import::to_csv(&terms), "text/csv; charset=utf-8", "csv")
    } else {
        (import::to_text(&terms), "text/plain; charset=utf-8", "txt")
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"raqib-terms.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

/// What an import did.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct Imported {
    pub added: usize,
    /// Lines whose term the category has already (or that repeat an earlier line).
    pub skipped: usize,
    /// None when nothing was new (no version is made).
    pub version: Option<i64>,
}

/// Import terms from the request body: plain text (`format=text`, one per line) or CSV
/// with a header (`format=csv`). `category` (required for text), `weight` (default 1),
/// `action` and `list` apply to lines that do not say. All or nothing: any bad line
/// refuses the whole import (422, each bad line named in `fields.lines.detail`).
#[utoipa::path(post, path = "/api/v1/admin/filter/terms/import", tag = "admin-filter",
    request_body(content = String, content_type = "text/plain"),
    responses((status = 200, body = Imported), (status = 422, body = ErrorEnvelope)))]
pub(super) async fn import_terms(
    State(state): State<AppState>,
    admin: Admin,
    q: QueryPairs,
    request: Request,
) -> Result<Json<Imported>> {
    let bytes = body_bytes(request, &()).await?;
    let mut errors = FieldErrors::default();
    let csv = csv_format(&q, &mut errors);
    let category: Option<Category> = parse_word(&q, "category", &mut errors);
    if category.is_none() && !csv && !errors.0.contains_key("category") {
        errors.add("category", FieldCode::Required);
    }
    let weight = match q.get("weight").filter(|w| !w.is_empty()) {
        None => 1.0,
        Some(w) => match w.parse::<f32>() {
            Ok(w) => w,
            Err(_) => {
                errors.add("weight", FieldCode::Invalid);
                1.0
            }
        },
    };
    let defaults = Defaults {
        category: category.unwrap_or_default(),
        weight,
        action: parse_word::<Action>(&q, "action", &mut errors),
        list: q.get("list").filter(|l| !l.is_empty()).map(str::to_string),
    };
    errors.into_result()?;
    let Ok(text) = std::str::from_utf8(&bytes) else {
        let mut errors = FieldErrors::default();
        errors.add_detail(
            "lines",
            FieldCode::InvalidCharacters,
            "the body is not UTF-8",
        );
        return Err(ApiError::Validation(errors));
    };
    let parsed = if csv {
        import::parse_csv(text, &defaults)
    } else {
        import::parse_text(text, &defaults)
    };
    let (parsed, line_errors) = parsed;
    let live = tune::live_state(&state).await?;
    let (terms, skipped) = tune::new_terms(&live.terms, parsed, line_errors)?;
    if terms.is_empty() {
        return Ok(Json(Imported {
            added: 0,
            skipped,
            version: None,
        }));
    }
    let added = terms.len();
    let summary = format!("import: {added} terms added, {skipped} already there");
    let detail =
        json!({"added": added, "skipped": skipped, "format": if csv {"csv"} else {"text"}});
    let mut change = tune::edit(
        &admin.0.user.username,
        "filter.term.import",
        summary,
        detail,
        terms.into_iter().map(FilterOp::AddTerm).collect(),
    );
    change.check_duplicates = false;
    let done = tune::apply(&state, change).await?;
    Ok(Json(Imported {
        added,
        skipped,
        version: Some(done.version),
    }))
}
