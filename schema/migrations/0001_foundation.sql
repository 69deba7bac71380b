-- Foundation: users, warehouses, locations, SKUs, stock on hand and the movement ledger.

create table users (
    id            bigint generated always as identity primary key,
    username      text not null unique,
    name          text not null,
    role          text not null check (role in ('admin', 'supervisor', 'receiver', 'picker', 'packer', 'shipper')),
    badge         text unique,
    pin_hash      text,
    password_hash text,
    active        boolean not null default true,
    created_at    timestamptz not null default now()
);

-- Bearer tokens are stored as SHA-256 digests: a stolen database does not hand out sessions.
create table sessions (
    token_hash bytea primary key,
    user_id    bigint not null references users,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null
);
create index sessions_user on sessions (user_id);

-- One row per (caller, key): a replayed mutating call returns the stored answer and changes nothing.
create table idempotency_keys (
    scope         text not null,
    key           text not null,
    request_hash  bytea not null,
    status_code   integer not null,
    response_body bytea not null,
    created_at    timestamptz not null default now(),
    primary key (scope, key)
);

create table warehouses (
    id         bigint generated always as identity primary key,
    code       text not null unique,
    name       text not null,
    created_at timestamptz not null default now()
);

-- The hierarchy: zone > aisle > bay > level > bin. Docks, packing and staging areas are 'area'
-- nodes. Only bins and areas hold stock.
create table locations (
    id            bigint generated always as identity primary key,
    warehouse_id  bigint not null references warehouses,
    parent_id     bigint references locations,
    code          text not null,
    barcode       text not null unique,
    kind          text not null check (kind in ('zone', 'aisle', 'bay', 'level', 'bin', 'area')),
    type          text not null check (type in ('receiving', 'storage', 'pick_face', 'packing', 'staging', 'shipping')),
    pick_sequence integer,
    x             double precision,
    y             double precision,
    z             double precision,
    capacity      bigint check (capacity > 0),
    active        boolean not null default true,
    created_at    timestamptz not null default now(),
    unique (warehouse_id, code)
);
create index locations_parent on locations (parent_id);
create index locations_pick_sequence on locations (warehouse_id, pick_sequence);

create table skus (
    id             bigint generated always as identity primary key,
    code           text not null unique,
    description    text not null,
    base_uom       text not null default 'EA',
    length_mm      integer check (length_mm > 0),
    width_mm       integer check (width_mm > 0),
    height_mm      integer check (height_mm > 0),
    weight_g       integer check (weight_g > 0),
    tracks_lot     boolean not null default false,
    tracks_expiry  boolean not null default false,
    tracks_serial  boolean not null default false,
    created_at     timestamptz not null default now()
);

-- Pack levels: how many base units an inner, case or pallet holds.
create table sku_packs (
    sku_id     bigint not null references skus on delete cascade,
    level      text not null check (level in ('each', 'inner', 'case', 'pallet')),
    quantity   integer not null check (quantity > 0),
    length_mm  integer check (length_mm > 0),
    width_mm   integer check (width_mm > 0),
    height_mm  integer check (height_mm > 0),
    weight_g   integer check (weight_g > 0),
    primary key (sku_id, level)
);

-- Any number of barcodes per SKU. GTINs are stored as 14 digits; a barcode scans as `quantity`
-- base units (a case GTIN counts the case's pack quantity).
create table sku_barcodes (
    barcode  text primary key,
    sku_id   bigint not null references skus on delete cascade,
    kind     text not null check (kind in ('gtin', 'internal')),
    pack     text not null default 'each' check (pack in ('each', 'inner', 'case', 'pallet')),
    quantity integer not null default 1 check (quantity > 0)
);
create index sku_barcodes_sku on sku_barcodes (sku_id);

create table reason_codes (
    code        text primary key,
    description text not null
);
insert into reason_codes (code, description) values
    ('opening',  'Opening balance'),
    ('receipt',  'Received from a supplier'),
    ('putaway',  'Put away from receiving'),
    ('move',     'Moved between locations'),
    ('replenish','Replenished a pick face'),
    ('pick',     'Picked for an order'),
    ('ship',     'Shipped to a customer'),
    ('return',   'Returned by a customer'),
    ('found',    'Found: stock that was not on record'),
    ('damaged',  'Damaged: written off'),
    ('lost',     'Lost: missing from its location'),
    ('expired',  'Expired: written off'),
    ('count',    'Cycle count correction');

-- On hand per (location, SKU, lot, expiry, LPN). Lot and LPN are '' when not tracked so the
-- key has no NULLs; expiry is NULL when not tracked and compared through coalesce.
create table stock (
    id          bigint generated always as identity primary key,
    location_id bigint not null references locations,
    sku_id      bigint not null references skus,
    lot         text not null default '',
    expiry      date,
    lpn         text not null default '',
    quantity    bigint not null check (quantity >= 0),
    updated_at  timestamptz not null default now()
);
create unique index stock_key on stock (location_id, sku_id, lot, coalesce(expiry, 'infinity'::date), lpn);
create index stock_sku on stock (sku_id);

-- The append-only ledger. Stock enters with from_location NULL and leaves with to_location NULL.
create table movements (
    id               bigint generated always as identity primary key,
    at               timestamptz not null default now(),
    user_id          bigint references users,
    reason           text not null references reason_codes,
    sku_id           bigint not null references skus,
    lot              text not null default '',
    expiry           date,
    from_location_id bigint references locations,
    from_lpn         text not null default '',
    to_location_id   bigint references locations,
    to_lpn           text not null default '',
    quantity         bigint not null check (quantity > 0),
    reference        text not null default '',
    check (from_location_id is not null or to_location_id is not null)
);
create index movements_sku on movements (sku_id, at);
create index movements_from on movements (from_location_id) where from_location_id is not null;
create index movements_to on movements (to_location_id) where to_location_id is not null;

create function movements_are_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the movement ledger is append-only';
end $$;
create trigger movements_append_only before update or delete or truncate on movements
    for each statement execute function movements_are_append_only();
