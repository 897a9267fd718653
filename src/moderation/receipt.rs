//! A reader's browser asks whether the comment it posted still awaits review, with the
//! receipt it was given when the comment was accepted; a wrong receipt learns nothing
//! (the same answer as a comment that does not exist).

use crate::app::AppState;
use crate::domain::Status;

use super::refusal::Refusal;

/// `pending`, `published` or `removed` (refused, marked spam, blocked, or purged).
pub async fn status_for_author(
    state: &AppState,
    id: i64,
    receipt: &str,
) -> Result<&'static str, Refusal> {
    let expected = state.secrets().receipt(id);
    if !constant_time_eq(expected.as_bytes(), receipt.as_bytes()) {
        return Err(Refusal::NotFound);
    }
    Ok(match state.store().get_comment(id).await? {
        Some(c) if c.status == Status::Pending => "pending",
        Some(c) if c.status == Status::Approved => "published",
        _ => "removed",
    })
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
