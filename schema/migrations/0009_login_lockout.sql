-- Wrong PINs and passwords: a user is locked after a few in a row, until a supervisor unlocks
-- them; a source address with many failures (any user) is slowed down. A badge number is printed
-- on the badge and a PIN has four digits: without this any badge falls in minutes.
alter table users add column failed_logins integer not null default 0;
alter table users add column locked_at timestamptz;

create table login_failures (
    id     bigint generated always as identity primary key,
    source text not null,            -- the client's address
    login  text not null,            -- the badge or user name tried
    at     timestamptz not null default now()
);
create index login_failures_source on login_failures (source, at);

-- What supervisors are told about who gets in: a user locked, unlocked, a source slowed down.
create table security_events (
    id       bigint generated always as identity primary key,
    at       timestamptz not null default now(),
    kind     text not null check (kind in ('user_locked', 'user_unlocked', 'source_throttled')),
    username text,
    source   text,
    detail   text not null
);
