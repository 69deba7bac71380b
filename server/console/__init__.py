"""The browser console for supervisors and customer service: server-rendered pages over the same
services and roles as the API, live through server-sent events from the outbox."""
