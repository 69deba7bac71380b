-- Packing and shipping: carton types, cartons with their SSCCs, carriers, shipments, manifests.

insert into reason_codes (code, description) values
    ('pack',   'Packed from a tote into a carton'),
    ('unship', 'Shipment voided: back to the packing area');

alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check check (status in
    ('received', 'allocated', 'backordered', 'picking', 'packed', 'partially_shipped', 'shipped', 'cancelled', 'on_hold'));

-- One row: what labels and SSCCs need to know about the warehouse as a shipper.
create table shipping_settings (
    id                   boolean primary key default true check (id),
    gs1_company_prefix   text not null default '0614141' check (gs1_company_prefix ~ '^[0-9]{6,12}$'),
    sscc_extension       smallint not null default 0 check (sscc_extension between 0 and 9),
    ship_from            jsonb not null default '{"name": "WMS demo warehouse", "line1": "1 Dock Road", "postal_code": "10115", "city": "Berlin", "country": "DE"}',
    -- A closed carton's weight may differ from its SKUs' weights plus tare by this much.
    weight_tolerance_pct numeric not null default 10 check (weight_tolerance_pct >= 0),
    weight_tolerance_g   integer not null default 50 check (weight_tolerance_g >= 0),
    default_carrier      text not null default 'own'
);
insert into shipping_settings default values;

create sequence sscc_serials;

create table carton_types (
    code          text primary key,
    description   text not null default '',
    length_mm     integer not null check (length_mm > 0),
    width_mm      integer not null check (width_mm > 0),
    height_mm     integer not null check (height_mm > 0),
    tare_g        integer not null check (tare_g >= 0),
    max_weight_g  integer not null check (max_weight_g > 0),
    active        boolean not null default true
);

-- A carrier is an adapter (server/shipping/carriers.py) with its own settings.
create table carriers (
    code            text primary key,
    name            text not null,
    adapter         text not null check (adapter in ('own_fleet')),
    services        text[] not null check (cardinality(services) > 0),
    -- own_fleet: tracking numbers from tracking_serials in this format ({serial} is the number)
    tracking_format text not null default 'WMS{serial:010d}',
    tracking_url    text not null default '',
    active          boolean not null default true
);
insert into carriers (code, name, adapter, services) values ('own', 'Own fleet', 'own_fleet', '{standard,express}');

create sequence tracking_serials;

create table manifests (
    id         bigint generated always as identity primary key,
    carrier    text not null references carriers,
    status     text not null default 'open' check (status in ('open', 'closed')),
    created_at timestamptz not null default now(),
    closed_at  timestamptz,
    closed_by  bigint references users
);
create unique index manifests_one_open on manifests (carrier) where status = 'open';

alter table shipments add column service text not null default '';
alter table shipments add column status text not null default 'shipped' check (status in ('shipped', 'voided'));
alter table shipments add column manifest_id bigint references manifests;
alter table shipments add column shipped_by bigint references users;
alter table shipments add column voided_at timestamptz;
create index shipments_unmanifested on shipments (carrier) where status = 'shipped' and manifest_id is null;

-- A carton holds stock on the LPN 'CARTON-<id>' at its packing location until it ships.
create table cartons (
    id              bigint generated always as identity primary key,
    order_id        bigint not null references orders,
    carton_type     text not null references carton_types,
    location_id     bigint not null references locations,
    status          text not null default 'open' check (status in ('open', 'closed', 'shipped')),
    sscc            text unique,
    carrier         text references carriers,
    service         text,
    tracking_number text unique,
    weight_g        integer,
    expected_g      integer,
    station         text not null default '',
    shipment_id     bigint references shipments,
    loaded          boolean not null default false,
    opened_by       bigint references users,
    opened_at       timestamptz not null default now(),
    closed_at       timestamptz
);
create index cartons_order on cartons (order_id);
create unique index cartons_one_open on cartons (order_id, station) where status = 'open';

create table carton_items (
    id            bigint generated always as identity primary key,
    carton_id     bigint not null references cartons,
    order_line_id bigint not null references order_lines,
    sku_id        bigint not null references skus,
    lot           text not null default '',
    expiry        date,
    serial        text not null default '',
    quantity      bigint not null check (quantity > 0)
);
create index carton_items_carton on carton_items (carton_id);
-- A serial is packed once, whatever the order.
create unique index carton_items_serial on carton_items (sku_id, serial) where serial <> '';

-- What left, as it left: the cartons and lines of each shipment, kept when a shipment is voided.
alter table shipments add column cartons jsonb not null default '[]';
alter table shipments add column lines jsonb not null default '[]';
alter table shipments add column weight_g integer not null default 0;
