-- Every index is written on every new comment. These two repeat the leading columns of
-- comment_queue_created (status, created_at, comment_id) and comment_queue_author
-- (email_hash, status, created_at), which answer the same lookups.
drop index comment_status_created;
drop index comment_email_hash;
