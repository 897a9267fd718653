-- The normalized text of each comment, for moderators' search (a search without harakat
-- finds the text with them).
alter table comment add column body_key text;

-- Per-author history, kept in step with every decision: key 'e:' + email hash or
-- 'i:' + IP hash. The filter reads it (reputation) and the queue shows it.
create table reputation (
    author_key  text    primary key,
    approved    bigint  not null default 0,
    rejected    bigint  not null default 0,
    spam        bigint  not null default 0
);

-- The queue: by status, oldest or newest first, or by score.
create index comment_queue_created on comment (status, created_at, comment_id);
create index comment_queue_score on comment (status, score, comment_id);
create index comment_claim on comment (claim_expires_at);
-- One author's or one article's queue.
create index comment_queue_author on comment (email_hash, status, created_at);
create index comment_queue_article on comment (article, status, created_at);
