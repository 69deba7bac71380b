-- Printing: label printers and the record of every print job.

-- A printer is reached through a transport:
--   tcp     address 'host' or 'host:port' (raw port, 9100 by default)
--   cups    address 'queue' or 'queue@cups-server' (cups-server: 'host:port' or a socket path)
--   serial  address a device path or a pyserial URL (/dev/ttyUSB0, /dev/rfcomm0, rfc2217://...)
create table printers (
    id         bigint generated always as identity primary key,
    name       text not null unique,
    location   text not null default '',
    transport  text not null check (transport in ('tcp', 'cups', 'serial')),
    address    text not null,
    label_size text not null default '4x6',  -- width x height in inches, as loaded in the printer
    dpi        integer not null default 203 check (dpi in (203, 300)),
    active     boolean not null default true,
    created_at timestamptz not null default now()
);

-- Every print, queued first and sent after the commit. A job is claimed for sending by setting
-- status 'printing' (claimed_at) in the statement that selects it, so it is sent by one sender
-- at a time; 'printed' is set once, by that sender.
create table print_jobs (
    id              bigint generated always as identity primary key,
    printer_id      bigint not null references printers,
    user_id         bigint references users,
    label_kind      text not null,
    label_data      jsonb not null,
    zpl             text not null,
    status          text not null default 'queued'
                    check (status in ('queued', 'printing', 'printed', 'failed', 'voided')),
    attempts        integer not null default 0,
    last_error      text not null default '',
    next_attempt_at timestamptz not null default now(),
    claimed_at      timestamptz,
    reprint_of      bigint references print_jobs,
    created_at      timestamptz not null default now(),
    printed_at      timestamptz
);
create index print_jobs_due on print_jobs (next_attempt_at) where status = 'queued';
create index print_jobs_claimed on print_jobs (claimed_at) where status = 'printing';
create index print_jobs_printer on print_jobs (printer_id, id);
