-- Comments and their moderation state. Times are Unix milliseconds (UTC).
create table comment (
    comment_id      integer primary key autoincrement,
    article         text    not null,
    parent_id       integer references comment (comment_id),
    author_name     text    not null,
    author_email    text    not null,
    email_hash      text    not null,
    ip_hash         text,
    ip_net_hash     text,
    ip_prefix       text,
    user_agent      text,
    body            text    not null,
    status          text    not null check (status in ('pending', 'approved', 'rejected', 'spam', 'blocked')),
    class           text    not null default 'ok' check (class in ('ok', 'hold', 'spam', 'block')),
    score           real    not null default 0,
    hits            text    not null default '[]',
    created_at      integer not null,
    updated_at      integer not null,
    decided_at      integer,
    decided_by      text
);

-- The public thread of an article: approved comments in id order.
create index comment_article_status_id on comment (article, status, comment_id);
-- The moderation queue by status, oldest first.
create index comment_status_created on comment (status, created_at);
-- An author's history and bans.
create index comment_email_hash on comment (email_hash);
create index comment_ip_hash on comment (ip_hash);
