-- Bans: kind 'email' (keyed hash of the canonical email), 'domain' (e-mail domain),
-- 'ip' (keyed hash of an address) or 'net' (keyed hash of an IPv6 /64). No raw values.
create table ban (
    ban_id      integer primary key autoincrement,
    kind        text    not null check (kind in ('email', 'domain', 'ip', 'net')),
    value       text    not null,
    label       text,
    reason      text,
    created_at  bigint  not null,
    created_by  text    not null,
    expires_at  bigint,
    lifted_at   bigint
);
create index ban_lookup on ban (kind, value);

-- Articles whose comments are closed.
create table article_state (
    article     text    primary key,
    closed_at   bigint  not null,
    closed_by   text    not null
);

-- Reader reports: one per comment and reporting address.
create table report (
    comment_id  bigint  not null references comment (comment_id),
    ip_hash     text    not null,
    reason      text,
    created_at  bigint  not null,
    primary key (comment_id, ip_hash)
);
