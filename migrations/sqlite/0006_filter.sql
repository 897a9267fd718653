-- The filter's configuration, versioned. Every admin change adds a filter_version; term
-- and rule rows carry the versions they were valid in (since_version inclusive,
-- until_version exclusive, null while live), so any version can be rebuilt and restored.
create table filter_version (
    version     integer primary key,
    created_at  bigint  not null,
    created_by  text    not null,
    summary     text    not null,
    -- FilterSettings as JSON (thresholds, signal weights, per-category actions).
    settings    text    not null
);

create table filter_term (
    row_id        integer primary key autoincrement,
    term_id       bigint  not null,
    term          text    not null,
    -- The normalized form it matches (a lowercased domain for domain lists).
    key           text    not null,
    list          text    not null,
    category      text    not null,
    language      text    not null,
    weight        real    not null,
    action        text    not null,
    mode          text    not null,
    shadow        boolean not null default false,
    enabled       boolean not null default true,
    note          text,
    since_version bigint  not null,
    until_version bigint
);
create index filter_term_live on filter_term (until_version, category, key);
create index filter_term_identity on filter_term (term_id, until_version);

create table filter_rule (
    row_id        integer primary key autoincrement,
    rule_id       bigint  not null,
    name          text    not null,
    pattern       text    not null,
    weight        real    not null,
    action        text    not null,
    target        text    not null,
    category      text    not null,
    description   text    not null,
    shadow        boolean not null default false,
    enabled       boolean not null default true,
    since_version bigint  not null,
    until_version bigint
);
create index filter_rule_live on filter_rule (until_version, name);
create index filter_rule_identity on filter_rule (rule_id, until_version);
