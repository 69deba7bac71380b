-- The console: finding orders among 100,000 by what customer service is told on the phone, the
-- floor's last scans, and exceptions a supervisor resolves.

-- "lovelace" finds "Ada Lovelace": a trigram index answers a substring search without a scan.
create extension if not exists pg_trgm;
create index orders_customer_name on orders using gin (lower(ship_to->>'name') gin_trgm_ops);
create index orders_external_id on orders (external_id);
create index orders_created on orders (created_at);

-- A picker's last scan (the floor) and picks per hour (the dashboard) read the picks of the ledger.
create index movements_picks_by_user on movements (user_id, at) where reason = 'pick';
create index movements_picks on movements (at) where reason = 'pick';

alter table exceptions add column resolved_by bigint references users;
alter table exceptions add column resolved_at timestamptz;
alter table exceptions add column resolution text not null default '';

-- A wave's progress on the floor page counts its tasks.
create index pick_tasks_wave on pick_tasks (wave_id);
