"""Who is calling: users, badges, roles and sessions, logging in, and the bearer-token check of
every request (a user's session or a channel's API key)."""
