-- Wave release asks, per reservation, which tasks cover it; without this index each question read
-- every pick task on the floor (a 100-order wave took 18 s with 170,000 tasks, against 0.9 ms an
-- order on an empty floor).
create index pick_tasks_reservation on pick_tasks (reservation_id);
