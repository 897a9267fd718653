-- The moderation queue's text search through an index (#22): full-text search over
-- `body_key`, which the writer now fills with the comment's search key (its text key, then
-- its Arabic words again without their proclitics: `filter::search`). The `simple`
-- configuration only splits on the key's spaces and lower-cases, as SQLite's FTS5 does, so
-- both backends find the same comments. The queue's query repeats this expression.
create index comment_search on comment
    using gin (to_tsvector('simple', coalesce(body_key, '')));
