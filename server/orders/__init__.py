"""Orders in, events out: channels and their keys, order intake (API and store webhooks),
order state, allocation of stock to order lines, and delivery of signed events to channels."""
