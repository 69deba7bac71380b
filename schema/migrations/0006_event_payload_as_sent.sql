-- Event payloads are written once and sent as they are: json keeps the text exactly as encoded
-- (what endpoints and pollers receive) and costs less than half of jsonb to store, which matters
-- on the order-intake path that writes two events per order.
alter table events alter column payload type json using payload::json;
