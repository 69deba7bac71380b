-- Receiving (expected receipts, dock scans onto LPNs), putaway (capacities, velocity zones),
-- cycle counts (blind, recounts, approvals) and customer returns.

insert into reason_codes (code, description) values
    ('quarantine', 'Held in quarantine: damaged or doubtful'),
    ('scrap',      'Scrapped: not fit to sell');

-- Quarantine: where damaged receipts and doubtful returns wait; never picked, never sold.
alter table locations drop constraint locations_type_check;
alter table locations add constraint locations_type_check check (type in
    ('receiving', 'storage', 'pick_face', 'packing', 'staging', 'shipping', 'quarantine'));

-- What a location holds at most, besides `capacity` (units): volume and weight, each only where
-- configured. `velocity` on a zone (or any node) says which SKUs it is for; bins inherit it.
alter table locations add column max_volume_ml bigint check (max_volume_ml > 0);
alter table locations add column max_weight_g bigint check (max_weight_g > 0);
alter table locations add column velocity text check (velocity in ('A', 'B', 'C'));

-- A SKU's velocity class (putaway zone, how often its bins are counted) and what one unit is
-- worth (a count's variance above the approval value waits for a supervisor).
alter table skus add column velocity text check (velocity in ('A', 'B', 'C'));
alter table skus add column unit_value numeric(14, 2) check (unit_value >= 0);

-- One row: the tolerances of receiving and counting.
create table receiving_settings (
    id                    boolean primary key default true check (id),
    -- a SKU may be received up to this much over what its lines expect
    over_receipt_pct      numeric not null default 10 check (over_receipt_pct >= 0),
    -- items that are on no line of an announced receipt are received (and reported) or refused
    accept_unexpected     boolean not null default true,
    -- a count within this many units, or this share of what was expected, needs no recount
    count_tolerance_units bigint not null default 0 check (count_tolerance_units >= 0),
    count_tolerance_pct   numeric not null default 0 check (count_tolerance_pct >= 0),
    -- a confirmed variance worth more than this (units x unit value) waits for a supervisor
    approval_value        numeric(14, 2) not null default 500 check (approval_value >= 0),
    -- days between counts of a bin holding a SKU of class A, B, C (the schedule)
    count_days_a          integer not null default 30 check (count_days_a > 0),
    count_days_b          integer not null default 90 check (count_days_b > 0),
    count_days_c          integer not null default 180 check (count_days_c > 0)
);
insert into receiving_settings default values;

create sequence lpn_serials;

-- An expected receipt (ASN or purchase order) as the purchasing side announced it, or a blind
-- receipt started at the dock. `reference` is the purchasing side's number, unique per channel.
create table receipts (
    id          bigint generated always as identity primary key,
    channel_id  bigint references channels,
    reference   text,
    kind        text not null check (kind in ('asn', 'po', 'blind')),
    supplier    text not null default '',
    expected_on date,
    status      text not null default 'expected' check (status in ('expected', 'receiving', 'closed')),
    created_by  bigint references users,
    created_at  timestamptz not null default now(),
    closed_at   timestamptz,
    closed_by   bigint references users,
    report      jsonb
);
create unique index receipts_reference on receipts (coalesce(channel_id, 0), reference) where reference is not null;

create table receipt_lines (
    id         bigint generated always as identity primary key,
    receipt_id bigint not null references receipts,
    line_no    integer not null,
    sku_id     bigint not null references skus,
    lot        text,           -- null: any lot
    expiry     date,
    quantity   bigint not null check (quantity > 0),
    -- what receipt_items hold for the line, kept with them: a dock scan reads these, not every item
    received   bigint not null default 0 check (received >= 0),
    damaged    bigint not null default 0 check (damaged >= 0),
    unique (receipt_id, line_no)
);

-- Announced cartons and pallets (SSCC) and what each holds: one scan receives it all.
create table receipt_cartons (
    id          bigint generated always as identity primary key,
    receipt_id  bigint not null references receipts,
    sscc        text not null,
    received_at timestamptz,
    unique (receipt_id, sscc)
);
create index receipt_cartons_sscc on receipt_cartons (sscc);

create table receipt_carton_items (
    carton_id bigint not null references receipt_cartons,
    sku_id    bigint not null references skus,
    lot       text not null default '',
    expiry    date,
    quantity  bigint not null check (quantity > 0)
);
create index receipt_carton_items_carton on receipt_carton_items (carton_id);

-- What was received, scan by scan: the line it counts against (null: unexpected), where it went.
create table receipt_items (
    id          bigint generated always as identity primary key,
    receipt_id  bigint not null references receipts,
    line_id     bigint references receipt_lines,
    sku_id      bigint not null references skus,
    lot         text not null default '',
    expiry      date,
    serial      text not null default '',
    quantity    bigint not null check (quantity > 0),
    condition   text not null default 'good' check (condition in ('good', 'damaged')),
    reason      text not null default '',
    location_id bigint not null references locations,
    lpn         text not null default '',
    sscc        text,
    user_id     bigint references users,
    at          timestamptz not null default now()
);
create index receipt_items_receipt on receipt_items (receipt_id, sku_id);
create index receipt_items_unexpected on receipt_items (receipt_id, sku_id) where line_id is null;
create index receipt_items_lpn on receipt_items (lpn) where lpn <> '';
-- A serial is received once.
create unique index receipt_items_serial on receipt_items (sku_id, serial) where serial <> '';

-- A receiver at work on a receipt: the dock, the LPN being filled, a lot and expiry scanned on
-- their own barcodes and waiting for the item scanned next, the printer for LPN labels.
create table receiving_sessions (
    receipt_id bigint not null references receipts,
    user_id    bigint not null references users,
    dock_id    bigint not null references locations,
    lpn        text,
    lot        text,
    expiry     date,
    printer    text,
    updated_at timestamptz not null default now(),
    primary key (receipt_id, user_id)
);

-- Cycle counts. The picking issue made count_tasks (after a short pick); they grow a source, a
-- counter who holds the task for a while (the bin is then under count: picks wait or go elsewhere),
-- and the rounds of counting below.
alter table count_tasks drop constraint count_tasks_status_check;
alter table count_tasks add constraint count_tasks_status_check check (status in
    ('open', 'counting', 'recount', 'approval', 'done', 'cancelled'));
alter table count_tasks add column source text not null default 'short_pick'
    check (source in ('short_pick', 'schedule', 'list'));
alter table count_tasks add column assigned_to bigint references users;
alter table count_tasks add column lease_until timestamptz;
alter table count_tasks add column created_by bigint references users;
alter table count_tasks add column closed_at timestamptz;
alter table count_tasks add column outcome text;  -- what closed it, in words
create index count_tasks_waiting on count_tasks (status, id) where status in ('open', 'recount', 'counting');
create index count_tasks_counting on count_tasks (location_id) where status = 'counting';

-- One round of counting (1, then 2 for the recount): what the counter found and what the
-- system held at that moment, per SKU and lot.
create table counts (
    id        bigint generated always as identity primary key,
    task_id   bigint not null references count_tasks,
    round     smallint not null check (round in (1, 2)),
    user_id   bigint not null references users,
    at        timestamptz not null default now(),
    variance  boolean not null,        -- differs from the system at all
    beyond    boolean not null,        -- beyond the tolerance
    value     numeric(14, 2) not null default 0,  -- what the difference is worth
    unique (task_id, round)
);
create index counts_at on counts (at);

create table count_lines (
    count_id bigint not null references counts,
    sku_id   bigint not null references skus,
    lot      text not null default '',
    expiry   date,
    counted  bigint not null check (counted >= 0),
    expected bigint not null check (expected >= 0)
);
create index count_lines_count on count_lines (count_id);

-- Customer returns: announced by a channel (naming the order and lines) or received blind.
create table returns (
    id          bigint generated always as identity primary key,
    channel_id  bigint references channels,
    reference   text,
    order_id    bigint references orders,
    status      text not null default 'expected' check (status in ('expected', 'receiving', 'closed')),
    created_by  bigint references users,
    created_at  timestamptz not null default now(),
    closed_at   timestamptz
);
create unique index returns_reference on returns (coalesce(channel_id, 0), reference) where reference is not null;

create table return_lines (
    id            bigint generated always as identity primary key,
    return_id     bigint not null references returns,
    line_no       integer not null,
    order_line_id bigint references order_lines,
    sku_id        bigint not null references skus,
    quantity      bigint not null check (quantity > 0),
    reason        text not null default '',
    unique (return_id, line_no)
);

-- Each item inspected: its condition and where it went (stock, quarantine, scrap).
create table return_items (
    id          bigint generated always as identity primary key,
    return_id   bigint not null references returns,
    line_id     bigint references return_lines,
    sku_id      bigint not null references skus,
    lot         text not null default '',
    expiry      date,
    quantity    bigint not null check (quantity > 0),
    condition   text not null check (condition in ('new', 'opened', 'damaged', 'defective')),
    disposition text not null check (disposition in ('stock', 'quarantine', 'scrap')),
    note        text not null default '',
    location_id bigint references locations,
    lpn         text not null default '',
    user_id     bigint references users,
    at          timestamptz not null default now()
);
create index return_items_return on return_items (return_id);
