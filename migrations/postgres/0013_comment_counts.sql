-- Comments by status and class, kept by triggers (#22): the dashboard and the metrics read
-- these few rows instead of counting every comment. Each change lands on one of 16 rows
-- per status and class (by comment id), so concurrent writers seldom wait for each
-- other's row lock; a read sums them.
create table comment_count (
    status  text     not null,
    class   text     not null,
    shard   smallint not null,
    n       bigint   not null,
    primary key (status, class, shard)
);

insert into comment_count (status, class, shard, n)
    select status, class, 0, count(*) from comment group by status, class;

create function comment_count_change() returns trigger language plpgsql as $$
begin
    if tg_op in ('UPDATE', 'DELETE') then
        insert into comment_count (status, class, shard, n)
            values (old.status, old.class, old.comment_id % 16, -1)
            on conflict (status, class, shard) do update set n = comment_count.n - 1;
    end if;
    if tg_op in ('UPDATE', 'INSERT') then
        insert into comment_count (status, class, shard, n)
            values (new.status, new.class, new.comment_id % 16, 1)
            on conflict (status, class, shard) do update set n = comment_count.n + 1;
    end if;
    return null;
end
$$;

create trigger comment_count_insert after insert on comment
    for each row execute function comment_count_change();
create trigger comment_count_delete after delete on comment
    for each row execute function comment_count_change();
create trigger comment_count_update after update of status, class on comment
    for each row when (old.status <> new.status or old.class <> new.class)
    execute function comment_count_change();
