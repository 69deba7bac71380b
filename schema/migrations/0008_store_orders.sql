-- A store's product (or one variant of it) mapped to one of our SKUs, for stores whose lines
-- carry no SKU or one the warehouse does not use. Looked up before the SKU text a store sends:
-- the variant's own mapping first, then the product's (variant_id ''). A mapping with no SKU says
-- the product is not shipped by the warehouse (a download, a service).
create table sku_mappings (
    channel_id bigint not null references channels,
    product_id text not null,
    variant_id text not null default '',
    sku_id     bigint references skus,
    created_at timestamptz not null default now(),
    primary key (channel_id, product_id, variant_id)
);

-- Store lines to ship that no SKU could be found for. The order waits on hold with them until
-- they are mapped; nothing a store sends to be shipped is dropped.
create table unmapped_lines (
    id            bigint generated always as identity primary key,
    order_id      bigint not null references orders,
    source        text not null,   -- the line as the store numbers it: line_items[2]
    store_line_id text not null,
    sku           text not null,   -- the SKU text the store sent, maybe empty
    product_id    text not null,
    variant_id    text not null,
    title         text not null,
    quantity      bigint not null check (quantity > 0),
    reason        text not null
);
create index unmapped_lines_order on unmapped_lines (order_id);

-- Held because of unmapped lines (not by a person): released by itself once they are mapped.
alter table orders add column held_for_mapping boolean not null default false;

-- Held by intake for what only a person can judge (an address to check): released by a person.
alter table orders add column held_for_review boolean not null default false;
-- Unpaid at the store (held, per the channel's rule): released by itself when the store says paid.
alter table orders add column awaiting_payment boolean not null default false;
-- The store cancelled the order after picking started: why, for a supervisor to decide.
alter table orders add column cancel_requested text not null default '';

-- What a channel does with store orders not yet paid, and with lines fulfilled elsewhere.
alter table channels add column unpaid_orders text not null default 'hold' check (unpaid_orders in ('hold', 'accept'));
alter table channels add column fulfilled_elsewhere text not null default 'skip'
    check (fulfilled_elsewhere in ('skip', 'ship'));

-- A store's later webhooks (paid, cancelled) find the order by the store's own id.
create index orders_source on orders (channel_id, source_id) where source_id is not null;
