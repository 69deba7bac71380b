-- Front-office channels: orders in, events out.

create table channels (
    id             bigint generated always as identity primary key,
    name           text not null unique,
    kind           text not null check (kind in ('api', 'shopify', 'woocommerce')),
    api_key_hash   bytea not null unique,
    api_key_prefix text not null,
    webhook_secret text not null,
    -- what the store signs its webhooks with (Shopify shows its own; WooCommerce takes ours)
    store_secret   text not null,
    active         boolean not null default true,
    created_at     timestamptz not null default now()
);

create table orders (
    id            bigint generated always as identity primary key,
    channel_id    bigint not null references channels,
    external_id   text not null,
    source_id     text,
    status        text not null default 'received' check (status in
                  ('received', 'allocated', 'backordered', 'picking', 'packed', 'shipped', 'cancelled', 'on_hold')),
    ship_to       jsonb not null,
    service_level text not null,
    carrier       text not null,
    priority      smallint not null,
    ship_by       date,
    notes         text not null,
    allow_partial boolean not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    unique (channel_id, external_id)
);
create index orders_channel_updated on orders (channel_id, updated_at, id);
create index orders_status on orders (status, priority, ship_by);

create table order_lines (
    id        bigint generated always as identity primary key,
    order_id  bigint not null references orders,
    line_no   integer not null,
    sku_id    bigint not null references skus,
    lot       text,
    reference text not null default '',
    quantity  bigint not null check (quantity > 0),
    allocated bigint not null default 0 check (allocated >= 0),
    picked    bigint not null default 0 check (picked >= 0),
    packed    bigint not null default 0 check (packed >= 0),
    shipped   bigint not null default 0 check (shipped >= 0),
    unique (order_id, line_no)
);
create index order_lines_sku on order_lines (sku_id);

create table shipments (
    id               bigint generated always as identity primary key,
    order_id         bigint not null references orders,
    carrier          text not null,
    tracking_numbers text[] not null default '{}',
    shipped_at       timestamptz not null default now()
);
create index shipments_order on shipments (order_id);

-- Reserved units per stock row; the allocation issue fills it. Free = quantity - reserved.
alter table stock add column reserved bigint not null default 0;
alter table stock add constraint stock_reserved_within_on_hand check (reserved >= 0 and reserved <= quantity);

-- The outbox: written in the transaction of the change it reports. channel_id NULL: for every
-- channel (stock events). Events of one stream (an order, a SKU) are delivered in order.
create table events (
    id         bigint generated always as identity primary key,
    channel_id bigint references channels,
    stream     text not null,
    type       text not null,
    order_id   bigint references orders,
    payload    jsonb not null,
    created_at timestamptz not null default now()
);
create index events_channel on events (channel_id, id);
create index events_order on events (order_id, id) where order_id is not null;

create table subscriptions (
    id              bigint generated always as identity primary key,
    channel_id      bigint not null references channels,
    url             text not null,
    event_types     text[],
    active          boolean not null default true,
    disabled_reason text,
    created_at      timestamptz not null default now()
);
create index subscriptions_channel on subscriptions (channel_id) where active;

create table deliveries (
    subscription_id  bigint not null references subscriptions,
    event_id         bigint not null references events,
    stream           text not null,
    status           text not null default 'pending' check (status in ('pending', 'delivered', 'failed')),
    attempts         integer not null default 0,
    next_attempt_at  timestamptz not null default now(),
    leased_until     timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    primary key (subscription_id, event_id)
);
create index deliveries_due on deliveries (next_attempt_at) where status = 'pending';
-- the claim walks pending deliveries in event order and stops at its limit
create index deliveries_pending on deliveries (event_id) where status = 'pending';
create index deliveries_stream on deliveries (subscription_id, stream, event_id) where status <> 'delivered';

-- Store webhooks already received, by the store's delivery id: a redelivery answers the same.
create table webhook_receipts (
    channel_id  bigint not null references channels,
    store       text not null,
    delivery_id text not null,
    status_code integer not null,
    response    bytea not null,
    received_at timestamptz not null default now(),
    primary key (channel_id, store, delivery_id)
);

-- SKUs whose available-to-promise may have changed, appended in the change's transaction and
-- turned into stock.available_changed events by a publisher (append-only, so concurrent orders
-- for one SKU never wait on each other here).
create table availability_changes (
    id         bigint generated always as identity primary key,
    sku_id     bigint not null references skus,
    changed_at timestamptz not null default now()
);
