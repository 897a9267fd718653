-- Spent captcha nonces, kept until their challenge would have expired anyway.
create table captcha_used (
    nonce       text    primary key,
    expires_at  bigint  not null
);
create index captcha_used_expires on captcha_used (expires_at);
