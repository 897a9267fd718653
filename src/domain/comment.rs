//! The comment as stored and as shown, and the words of its workflow.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Comment ids are database-assigned, increasing integers.
pub type CommentId = i64;

/// Where a comment is in the moderation workflow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Pending,
    Approved,
    Rejected,
    Spam,
    Blocked,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pending,
        Status::Approved,
        Status::Rejected,
        Status::Spam,
        Status::Blocked,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Approved => "approved",
            Status::Rejected => "rejected",
            Status::Spam => "spam",
            Status::Blocked => "blocked",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|status| status.as_str() == s)
    }
}

/// The filter's verdict on the text; fixed at submission.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Class {
    Ok,
    Hold,
    Spam,
    Block,
}

impl Class {
    pub const ALL: [Class; 4] = [Class::Ok, Class::Hold, Class::Spam, Class::Block];

    pub fn as_str(self) -> &'static str {
        match self {
            Class::Ok => "ok",
            Class::Hold => "hold",
            Class::Spam => "spam",
            Class::Block => "block",
        }
    }

    pub fn parse(s: &str) -> Option<Class> {
        Class::ALL.into_iter().find(|class| class.as_str() == s)
    }
}

/// A comment ready to be stored: fields already parsed, hashes already keyed.
#[derive(Clone, Debug)]
pub struct NewComment {
    pub article: String,
    pub parent: Option<CommentId>,
    pub author_name: String,
    pub author_email: String,
    pub email_hash: String,
    pub ip_hash: Option<String>,
    pub ip_net_hash: Option<String>,
    pub ip_prefix: Option<String>,
    pub user_agent: Option<String>,
    pub body: String,
    pub status: Status,
    pub class: Class,
    pub score: f64,
    /// The filter's hits as a JSON array.
    pub hits: String,
    /// What moderators' search finds the body by: its search key
    /// (`filter::search::search_key` of its text key), indexed by the database.
    pub body_key: String,
    /// Unix time in milliseconds.
    pub created_at: i64,
    /// The solved captcha's nonce and expiry, burned in the same transaction.
    pub captcha_nonce: Option<(String, i64)>,
}

/// A stored comment, everything included (for moderators and tests).
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub id: CommentId,
    pub article: String,
    pub parent: Option<CommentId>,
    pub author_name: String,
    pub author_email: String,
    pub email_hash: String,
    pub ip_hash: Option<String>,
    pub ip_net_hash: Option<String>,
    pub ip_prefix: Option<String>,
    pub user_agent: Option<String>,
    pub body: String,
    pub status: Status,
    pub class: Class,
    pub score: f64,
    pub hits: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What the public sees of an approved comment: never an email, IP or status.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicComment {
    pub id: CommentId,
    pub parent: Option<CommentId>,
    pub name: String,
    pub body: String,
    /// RFC 3339, UTC.
    #[schema(example = "2026-11-29T11:06:16.123Z")]
    pub created_at: String,
}
