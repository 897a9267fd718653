//! API integration tests: the router in-process, on a fresh database per test.
//!
//! Every test written with [`both!`] runs twice: on SQLite (a temporary file) and on
//! PostgreSQL (a schema of its own in `TEST_POSTGRES_URL`). Outside CI an unreachable
//! PostgreSQL skips its half loudly; with `CI=true` it fails.

#[macro_use]
mod support;

mod accounts;
mod bans;
mod captcha;
mod connections;
mod crash;
mod filter_admin;
mod filter_upgrade;
mod first_start;
mod hardening;
mod learning;
mod limits;
mod openapi;
mod ops;
mod pages;
mod plans;
mod queue;
mod read;
mod safety;
mod screening;
mod search;
mod seed;
mod submit;
mod webhook;
