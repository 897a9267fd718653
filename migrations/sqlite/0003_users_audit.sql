-- Moderators and admins. Booleans are 0/1 integers on both backends.
create table app_user (
    user_id               integer primary key autoincrement,
    username              text    not null unique,
    password_hash         text    not null,
    role                  text    not null check (role in ('admin', 'moderator')),
    disabled              bigint  not null default 0,
    must_change_password  bigint  not null default 0,
    created_at            bigint  not null,
    updated_at            bigint  not null
);

-- One row at most: the first admin is created together with it, so two replicas starting
-- at once create exactly one.
create table bootstrap (
    bootstrap_id  bigint  primary key check (bootstrap_id = 1),
    created_at    bigint  not null
);

-- Login sessions and API tokens, stored as hashes only.
create table session (
    session_id  integer primary key autoincrement,
    token_hash  text    not null unique,
    user_id     bigint  not null references app_user (user_id),
    kind        text    not null check (kind in ('session', 'api')),
    name        text,
    created_at  bigint  not null,
    expires_at  bigint,
    revoked_at  bigint
);
create index session_by_user on session (user_id);

-- Every decision and change: who, what, when, before and after. Append-only.
create table audit_log (
    audit_id  integer primary key autoincrement,
    at        bigint  not null,
    actor     text    not null,
    action    text    not null,
    target    text,
    before    text,
    after     text,
    reason    text
);
create index audit_log_at on audit_log (at);
create index audit_log_target on audit_log (target);
create index audit_log_actor on audit_log (actor, at);

-- Moderation state of comments.
alter table comment add column claim_holder text;
alter table comment add column claim_expires_at bigint;
alter table comment add column report_count bigint not null default 0;
alter table comment add column reason_code text;
alter table comment add column moderator_note text;
