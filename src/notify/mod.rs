//! Telling people and other systems what happened: the signed webhook for held and
//! spam comments.

pub mod webhook;
