"""Configuration read from the environment, once, at start-up."""

import os
from pathlib import Path

import msgspec

# How long stopping waits for requests in flight, and then for their database connections.
SHUTDOWN_SECONDS = 10


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # None: run an embedded PostgreSQL in data_dir/postgres.
    database_url: str | None = None
    data_dir: Path = Path(".wms")
    host: str = "127.0.0.1"
    port: int = 8000
    pool_min: int = 2
    pool_max: int = 20
    # database_url leads through PgBouncer in transaction pooling: each transaction may run on
    # another server connection, so nothing may rely on the session (see database.py).
    pgbouncer: bool = False
    # PostgreSQL itself, not through PgBouncer, for the webhook worker's LISTEN (a session of its
    # own); None: database_url, or with pgbouncer, no LISTEN at all (the worker polls each second).
    listen_url: str | None = None
    session_hours: int = 12
    # Wrong PINs or passwords in a row that lock a user until a supervisor unlocks them.
    lock_after_failures: int = 5
    # Failed logins from one address (any user) within throttle_seconds before it waits.
    throttle_failures: int = 20
    throttle_seconds: int = 600
    # Webhook delivery: seconds before each retry; after the last the endpoint is disabled.
    webhook_schedule: tuple[float, ...] = (5, 30, 120, 600, 1800, 3600, 7200, 14400)
    webhook_timeout: float = 10.0
    deliver_webhooks: bool = True
    # Waveless picking: every this many seconds, allocated orders go to the floor as discrete
    # trips (0: only when a supervisor releases a wave).
    waveless_seconds: float = 0.0
    # How often noted availability changes become stock.available_changed events (seconds).
    availability_interval: float = 1.0
    # A log line for every request (`wms serve --access-log`); failed and slow ones are logged anyway.
    access_log: bool = False

    @classmethod
    def from_env(cls, **overrides) -> "Settings":
        values = {
            "database_url": os.environ.get("WMS_DATABASE_URL") or None,
            "data_dir": Path(os.environ.get("WMS_DATA_DIR", ".wms")),
            "pgbouncer": os.environ.get("WMS_PGBOUNCER", "").lower() in ("1", "true", "yes"),
            "listen_url": os.environ.get("WMS_LISTEN_URL") or None,
        }
        if "WMS_WAVELESS_SECONDS" in os.environ:
            values["waveless_seconds"] = float(os.environ["WMS_WAVELESS_SECONDS"])
        if os.environ.get("WMS_ACCESS_LOG"):
            values["access_log"] = os.environ["WMS_ACCESS_LOG"] not in ("0", "false", "no")
        if "WMS_POOL_MAX" in os.environ:
            values["pool_max"] = int(os.environ["WMS_POOL_MAX"])
        values.update(overrides)
        return cls(**values)
