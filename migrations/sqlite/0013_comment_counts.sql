-- Comments by status and class, kept by triggers (#22): the dashboard and the metrics read
-- these few rows instead of counting every comment. `shard` spreads PostgreSQL's
-- concurrent writers over several rows; SQLite has one writer and uses shard 0.
create table comment_count (
    status  text    not null,
    class   text    not null,
    shard   integer not null,
    n       bigint  not null,
    primary key (status, class, shard)
);

insert into comment_count (status, class, shard, n)
    select status, class, 0, count(*) from comment group by status, class;

create trigger comment_count_insert after insert on comment begin
    insert into comment_count (status, class, shard, n) values (new.status, new.class, 0, 1)
        on conflict (status, class, shard) do update set n = n + 1;
end;

create trigger comment_count_delete after delete on comment begin
    insert into comment_count (status, class, shard, n) values (old.status, old.class, 0, -1)
        on conflict (status, class, shard) do update set n = n - 1;
end;

create trigger comment_count_update after update of status, class on comment
    when old.status <> new.status or old.class <> new.class begin
    insert into comment_count (status, class, shard, n) values (old.status, old.class, 0, -1)
        on conflict (status, class, shard) do update set n = n - 1;
    insert into comment_count (status, class, shard, n) values (new.status, new.class, 0, 1)
        on conflict (status, class, shard) do update set n = n + 1;
end;
