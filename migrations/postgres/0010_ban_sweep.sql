-- What a ban caught: submissions it refused (counted per replica, added every second),
-- and the pending comments its sweep marked spam, so that lifting the ban can offer to
-- put them back.
alter table ban add column caught bigint not null default 0;
alter table ban add column last_caught_at bigint;

create table ban_sweep (
    ban_id      bigint  not null references ban (ban_id),
    comment_id  bigint  not null references comment (comment_id),
    primary key (ban_id, comment_id)
);
