-- The moderation queue's text search through an index (#22): FTS5 over `body_key`, which
-- the writer now fills with the comment's search key (its text key, then its Arabic words
-- again without their proclitics: `filter::search`), and over `status`, so a search of one
-- status intersects two lists in the index instead of reading every match. An
-- external-content table, kept in step with `comment` by triggers, so every writer
-- (submission, decision, erase, retention, import) keeps it right without knowing of it.
-- Comments stored before this keep their text key, found by whole words and prefixes as
-- written.
create virtual table comment_search using fts5 (
    body_key,
    status,
    content = 'comment',
    content_rowid = 'comment_id',
    -- Words and prefixes only, never phrases: no positions to write or read.
    detail = 'column'
);

create trigger comment_search_insert after insert on comment begin
    insert into comment_search (rowid, body_key, status)
        values (new.comment_id, new.body_key, new.status);
end;

create trigger comment_search_delete after delete on comment begin
    insert into comment_search (comment_search, rowid, body_key, status)
        values ('delete', old.comment_id, old.body_key, old.status);
end;

create trigger comment_search_update after update of body_key, status on comment begin
    insert into comment_search (comment_search, rowid, body_key, status)
        values ('delete', old.comment_id, old.body_key, old.status);
    insert into comment_search (rowid, body_key, status)
        values (new.comment_id, new.body_key, new.status);
end;

insert into comment_search (comment_search) values ('rebuild');
