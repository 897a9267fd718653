-- Replicas keep authors' histories in memory. Every transaction that changes the
-- reputation table also moves this counter, so a replica that sees it move (it looks every
-- second) drops what it holds. A counter row rather than max(id) of something: row locks
-- order the increments by commit, which a sequence does not on PostgreSQL.
create table change_epoch (
    name  text    primary key,
    n     bigint  not null
);
insert into change_epoch (name, n) values ('reputation', 0);

-- (article, status, comment_id) already finds an article's comments by status; the queue
-- filtered to one article sorts those few rows by time instead of keeping a second index
-- that every new comment writes at a random place.
drop index comment_queue_article;
