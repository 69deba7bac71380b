"""What every area stands on: settings, the database and its migrations, problems (RFC 9457),
the outbox of events, idempotent writes, the coalescer, and the HTTP helpers every route uses.
Imports nothing of the other areas."""
