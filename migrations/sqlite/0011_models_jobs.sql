-- The site's own learned models (#21): weights by content hash, so a filter version names
-- its models in its settings (`models.abuse_model`, `models.spam_model`) and a term edit
-- copies nothing. `bytes` is the model file (`LinearModel::to_bytes`) in base64.
create table filter_model (
    hash        text    primary key,
    family      text    not null,
    bytes       text    not null,
    created_at  bigint  not null,
    -- What made it: JSON (decisions trained on, the report's figures).
    detail      text    not null default '{}'
);

-- Background work an admin starts and polls (`GET /api/v1/admin/jobs/{id}`): kept in the
-- database so every replica answers for it.
create table job (
    job_id       integer primary key autoincrement,
    kind         text    not null,
    -- queued | running | done | failed
    state        text    not null,
    -- 0–1, and what it is doing now.
    progress     real    not null default 0,
    stage        text    not null default '',
    -- The outcome (JSON) once done, the error once failed.
    result       text,
    created_by   text    not null,
    created_at   bigint  not null,
    updated_at   bigint  not null,
    finished_at  bigint
);
-- One running job of a kind at a time, on every replica.
create unique index job_one_running on job (kind) where state in ('queued', 'running');

-- A retrained model's candidate carries its evaluation.
alter table filter_candidate add column report text;
