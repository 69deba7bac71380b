"""How hard printing tries: timeouts, backoff and attempts. Read through the module at every use
(policy.POLICY.x), so tests and deployments can replace it: policy.POLICY = RetryPolicy(...)."""

import msgspec


class RetryPolicy(msgspec.Struct, frozen=True, kw_only=True):
    poll_seconds: float = 2.0  # how often the worker looks for due jobs
    backoff_seconds: float = 5.0  # first retry delay; doubles per attempt
    backoff_max_seconds: float = 300.0
    max_attempts: int = 100  # then the job is failed
    printing_timeout: float = 120.0  # a job 'printing' longer than this is queued again
    send_timeout: float = 5.0  # connect / write timeout of a send
    status_timeout: float = 2.0  # how long to wait for the ~HS answer when sending
    probe_timeout: float = 1.0  # connect and ~HS timeout of a status check for the API
    batch: int = 50  # jobs claimed per worker round


POLICY = RetryPolicy()


# Faults that mean "busy, try again" rather than "a person must fix the printer".
BUSY_FAULTS = {"buffer full"}
