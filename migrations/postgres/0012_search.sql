-- The moderation queue's text search through an index (#22): full-text search over
-- `body_key`, which the writer now fills with the comment's search key (its text key, then
-- its Arabic words again without their proclitics: `filter::search`). The `simple`
-- configuration only splits on the key's spaces and lower-cases, as SQLite's FTS5 does, so
-- both backends find the same comments. Stored, so the planner can also walk the newest
-- comments and test each one (a common word) instead of reading every match from the
-- index (a rare one), and has statistics to choose between the two.
alter table comment add column search tsvector
    generated always as (to_tsvector('simple', coalesce(body_key, ''))) stored;
create index comment_search on comment using gin (search);
