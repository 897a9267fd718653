//! Domain types: fields parsed from untrusted input, and the comment itself.
//!
//! Parse, don't validate: each field type can only be built through `parse`, which
//! returns a [`FieldCode`](crate::domain::errors::FieldCode) describing what is wrong.

pub mod account;
mod comment;
mod email;
pub mod errors;
mod fields;
pub mod lang;
pub mod plural;
mod submission;
pub mod unicode;

pub use comment::{Class, Comment, CommentId, NewComment, PublicComment, Status};
pub use email::Email;
pub use fields::{ArticleKey, AuthorName, CommentBody, grapheme_len};
pub use submission::{CaptchaAnswer, RawSubmission, Submission};
