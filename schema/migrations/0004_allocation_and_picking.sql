-- Allocation (reservations of stock for order lines), waves, pick tasks, exceptions.

-- When a channel's orders are allocated: as they arrive, or when a supervisor releases them.
alter table channels add column allocate_on text not null default 'arrival'
    check (allocate_on in ('arrival', 'release'));
-- FEFO never allocates a lot with fewer days left than this.
alter table channels add column min_shelf_life_days integer not null default 0 check (min_shelf_life_days >= 0);

-- Units of one stock row held for one order line; stock.reserved is their sum per row.
create table reservations (
    id            bigint generated always as identity primary key,
    order_line_id bigint not null references order_lines,
    stock_id      bigint not null references stock,
    quantity      bigint not null check (quantity > 0),
    picked        bigint not null default 0 check (picked >= 0 and picked <= quantity),
    created_at    timestamptz not null default now()
);
create index reservations_line on reservations (order_line_id);
create index reservations_stock on reservations (stock_id);

create table waves (
    id          bigint generated always as identity primary key,
    mode        text not null check (mode in ('discrete', 'batch', 'zone')),
    status      text not null default 'released' check (status in ('released', 'done', 'cancelled')),
    released_by bigint references users,
    criteria    jsonb not null default '{}',
    created_at  timestamptz not null default now()
);

create sequence pick_trips;

-- A trip: the tasks one picker walks together (an order, a cart of orders, a zone's share, a
-- replenishment). Pickers claim trips with FOR UPDATE SKIP LOCKED; a lease brings an abandoned
-- trip back to the pool.
create table trips (
    id          bigint primary key default nextval('pick_trips'),
    kind        text not null default 'pick' check (kind in ('pick', 'replenish')),
    wave_id     bigint references waves,
    zone        text,
    priority    smallint not null default 5,
    ship_by     date,
    status      text not null default 'open' check (status in ('open', 'assigned', 'done')),
    assigned_to bigint references users,
    lease_until timestamptz,
    created_at  timestamptz not null default now()
);
create index trips_waiting on trips ((kind = 'replenish') desc, priority, ship_by, id) where status <> 'done';

-- One task: pick (or replenish) `quantity` of a SKU/lot from a location, in `sequence` order
-- within its trip.
create table pick_tasks (
    id             bigint generated always as identity primary key,
    kind           text not null default 'pick' check (kind in ('pick', 'replenish')),
    wave_id        bigint references waves,
    trip           bigint not null references trips,
    sequence       integer not null,
    reservation_id bigint references reservations on delete set null,
    order_id       bigint references orders,
    order_line_id  bigint references order_lines,
    location_id    bigint not null references locations,
    to_location_id bigint references locations,
    sku_id         bigint not null references skus,
    lot            text not null default '',
    quantity       bigint not null check (quantity > 0),
    picked         bigint not null default 0 check (picked >= 0),
    zone           text,
    status         text not null default 'open' check (status in ('open', 'assigned', 'done', 'short', 'cancelled')),
    assigned_to    bigint references users,
    lease_until    timestamptz,
    tote           text,
    created_at     timestamptz not null default now()
);
create index pick_tasks_open on pick_tasks (status, kind, trip, sequence) where status in ('open', 'assigned');
create index pick_tasks_order on pick_tasks (order_id);
create index pick_tasks_trip on pick_tasks (trip, sequence);

-- What went wrong on the floor, for a supervisor: a short pick, a damaged item.
create table exceptions (
    id          bigint generated always as identity primary key,
    kind        text not null check (kind in ('short_pick')),
    task_id     bigint references pick_tasks,
    location_id bigint not null references locations,
    sku_id      bigint not null references skus,
    quantity    bigint not null check (quantity > 0),
    reason      text not null,
    reported_by bigint references users,
    status      text not null default 'open' check (status in ('open', 'resolved')),
    created_at  timestamptz not null default now()
);

create table count_tasks (
    id          bigint generated always as identity primary key,
    location_id bigint not null references locations,
    sku_id      bigint references skus,
    reason      text not null,
    status      text not null default 'open' check (status in ('open', 'done')),
    created_at  timestamptz not null default now()
);

-- A pick face's minimum: below it, a replenishment task from reserve storage is created.
create table replenishment_rules (
    location_id bigint not null references locations,
    sku_id      bigint not null references skus,
    min_quantity bigint not null check (min_quantity >= 0),
    max_quantity bigint not null check (max_quantity > 0),
    primary key (location_id, sku_id),
    check (max_quantity >= min_quantity)
);
