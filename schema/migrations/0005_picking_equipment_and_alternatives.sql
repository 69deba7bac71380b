-- What a picker needs to reach a location: a reach truck for a high bay, a ladder for a top
-- shelf. Null: reachable on foot. A trip goes only to a picker who has what all its bins need.
alter table locations add column equipment text;

-- Where a task was actually picked: its own bin, or an alternative holding the same lot.
alter table pick_tasks add column picked_from_id bigint references locations;
