"""Nothing lost, nothing twice: every action a picker takes is written to a local SQLite queue
(WAL, synchronous FULL, so a committed action survives the app being killed or the battery
swapped) with its client-made scan id, and only then sent. The queue drains in order; the server
answers a replayed scan id with its first answer, so an action sent twice is done once. An
action the server refuses (stock gone meanwhile) is kept as a refusal the picker must
acknowledge: it is never dropped silently.
"""

import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import httpx
import msgspec

State = Literal["waiting", "sent", "refused", "acknowledged"]

SCHEMA = """
create table if not exists actions (
    seq     integer primary key autoincrement,
    scan_id text not null unique,
    method  text not null,
    path    text not null,
    body    blob not null,
    state   text not null default 'waiting',
    status  integer,
    answer  blob,
    at      real not null
)
"""


class Action(msgspec.Struct, frozen=True, kw_only=True):
    seq: int
    scan_id: str
    method: str
    path: str
    body: bytes
    state: State
    status: int | None
    answer: bytes | None


class OfflineQueue:
    """The queue in one SQLite file. Safe to share between the UI thread and the sender."""

    def __init__(self, path: str | Path) -> None:
        self._db = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("pragma journal_mode = wal")
            self._db.execute("pragma synchronous = full")
            self._db.execute(SCHEMA)

    def close(self) -> None:
        self._db.close()

    def add(self, scan_id: str, method: str, path: str, body: bytes) -> int:
        """Write the action down (once per scan id) before anything is sent; its place in line."""
        with self._lock:
            self._db.execute(
                "insert or ignore into actions (scan_id, method, path, body, at) values (?, ?, ?, ?, ?)",
                (scan_id, method, path, body, time.time()),
            )
            return self._db.execute("select seq from actions where scan_id = ?", (scan_id,)).fetchone()[0]

    def _select(self, where: str, *args) -> list[Action]:
        with self._lock:
            rows = self._db.execute(
                f"select seq, scan_id, method, path, body, state, status, answer from actions where {where} order by seq", args
            ).fetchall()
        return [Action(seq=r[0], scan_id=r[1], method=r[2], path=r[3], body=r[4], state=r[5], status=r[6], answer=r[7])
                for r in rows]

    def actions(self) -> list[Action]:
        """Every action the device has taken, in order, whatever became of it."""
        return self._select("true")

    def waiting(self) -> list[Action]:
        return self._select("state = 'waiting'")

    def refusals(self) -> list[Action]:
        """Refused actions the picker has not acknowledged yet."""
        return self._select("state = 'refused'")

    def action(self, scan_id: str) -> Action | None:
        found = self._select("scan_id = ?", scan_id)
        return found[0] if found else None

    def settle(self, seq: int, state: State, status: int, answer: bytes) -> None:
        with self._lock:
            self._db.execute("update actions set state = ?, status = ?, answer = ? where seq = ?", (state, status, answer, seq))

    def acknowledge(self, seq: int) -> None:
        with self._lock:
            self._db.execute("update actions set state = 'acknowledged' where seq = ? and state = 'refused'", (seq,))


class Drained(msgspec.Struct, frozen=True, kw_only=True):
    sent: int
    refused: int
    waiting: int  # left in the queue: the server could not be reached, or asked to wait
    why: str = ""  # why draining stopped, when it did


# Answers that mean "try again later", not "no": the server is down or busy, or the same scan id
# is still being answered.
_LATER = {408, 409, 425, 429, 500, 502, 503, 504}


def drain(queue: OfflineQueue, client: httpx.Client, on_answer: Callable[[Action, int, bytes], None] = lambda *a: None) -> Drained:
    """Send the waiting actions in order until the queue is empty or the server cannot take the
    next one; each answer is kept with its action. Call it again when the network is back."""
    sent = refused = 0
    for action in queue.waiting():
        try:
            # the scan id goes as the Idempotency-Key too: a resent move is done once, like a pick
            response = client.request(action.method, action.path, content=action.body,
                                      headers={"Content-Type": "application/json", "Idempotency-Key": action.scan_id})
        except httpx.TransportError as error:
            return Drained(sent=sent, refused=refused, waiting=len(queue.waiting()), why=f"server unreachable: {error}")
        if response.status_code in _LATER and not _a_conflict_to_keep(response):
            return Drained(sent=sent, refused=refused, waiting=len(queue.waiting()),
                           why=f"server answered {response.status_code}; trying again later")
        state: State = "sent" if response.is_success else "refused"
        queue.settle(action.seq, state, response.status_code, response.content)
        on_answer(action, response.status_code, response.content)
        sent += state == "sent"
        refused += state == "refused"
    return Drained(sent=sent, refused=refused, waiting=0)


def _a_conflict_to_keep(response: httpx.Response) -> bool:
    """A 409 about the world (the task is done, held by another picker) is a refusal the picker
    must see; a 409 about the scan id still being answered is a reason to wait and send again."""
    if response.status_code != 409:
        return False
    return "still being processed" not in response.text and "in flight" not in response.text
