"""Pages kept live: one LISTEN per server process on the outbox's notification; each wake-up reads
the events committed since the last one, once for every open page, and tells each page (through
its EventSource) about the events it watches, so it fetches its live regions again."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg
from litestar import Litestar, Request, get
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage

from server.console.pages import SUPERVISORS
from server.core import outbox
from server.core.database import listening_connection
from server.core.outages import BROKEN, connection
from server.core.settings import Settings
from server.core.http import allow
from server.orders.routes import STAFF

# A comment now and then: a page closed without a word is noticed at the next write.
HEARTBEAT_SECONDS = 20
POLL_SECONDS = 1.0
EVERYTHING = None


class Feed:
    """Started by the first page that watches, so a server nobody looks at holds no connection for it."""

    def __init__(self, pool: asyncpg.Pool, settings: Settings):
        self.pool, self.settings = pool, settings
        self.watchers: dict[asyncio.Queue, int | None] = {}  # queue -> the order it watches, or EVERYTHING
        self.task: asyncio.Task | None = None

    async def watch(self, order_id: int | None) -> AsyncIterator[ServerSentEventMessage]:
        queue: asyncio.Queue = asyncio.Queue(maxsize=100)
        self.watchers[queue] = order_id
        if self.task is None or self.task.done():
            self.task = asyncio.create_task(self._listen())
        try:
            yield ServerSentEventMessage(data="watching", event="ready")  # the page refreshes once: nothing missed before this
            while True:
                try:
                    event_type = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
                except TimeoutError:
                    yield ServerSentEventMessage(comment="still here")
                    continue
                yield ServerSentEventMessage(data=event_type, event="change")
        finally:
            del self.watchers[queue]

    async def _listen(self) -> None:
        """Relay what was committed since the last look: woken by the outbox's notification where it
        can LISTEN (a connection that dies is replaced), and looking once a second anyway, which is
        all it does behind PgBouncer (no LISTEN there) or while the database is away."""
        last = None
        while True:
            with contextlib.suppress(*BROKEN):
                async with listening_connection(self.pool, self.settings) as listener:
                    woken, lost = asyncio.Event(), asyncio.Event()

                    def wake(*_) -> None:
                        woken.set()

                    if listener is not None:
                        listener.add_termination_listener(lambda _: lost.set())
                        await listener.add_listener(outbox.NOTIFY_CHANNEL, wake)
                    try:
                        while not lost.is_set():
                            woken.clear()
                            async with connection(self.pool) as conn:
                                last = await outbox.last_event_id(conn) if last is None else last
                                while events := await outbox.since(conn, last):
                                    last = events[-1][0]
                                    self._tell(events)
                            with contextlib.suppress(TimeoutError):
                                await asyncio.wait_for(woken.wait(), POLL_SECONDS)
                    finally:
                        if listener is not None and not listener.is_closed():
                            with contextlib.suppress(*BROKEN):
                                await listener.remove_listener(outbox.NOTIFY_CHANNEL, wake)
            await asyncio.sleep(POLL_SECONDS)

    def _tell(self, events: list[tuple[int, str, int | None]]) -> None:
        for queue, order_id in list(self.watchers.items()):
            for _, event_type, about in events:
                if order_id is EVERYTHING or about == order_id:
                    with contextlib.suppress(asyncio.QueueFull):  # a page that lags refreshes once anyway
                        queue.put_nowait(event_type)


@contextlib.asynccontextmanager
async def live_feed(app: Litestar) -> AsyncIterator[None]:
    app.state.feed = Feed(app.state.pool, app.state.settings)
    try:
        yield
    finally:
        if app.state.feed.task is not None:
            app.state.feed.task.cancel()
            await asyncio.gather(app.state.feed.task, return_exceptions=True)


@get("/live/orders/{order_id:int}", guards=[allow(*STAFF)], include_in_schema=False)
async def order_changes(request: Request, order_id: FromPath[int]) -> ServerSentEvent:
    return ServerSentEvent(request.app.state.feed.watch(order_id))


@get("/live/floor", guards=[allow(*SUPERVISORS)], include_in_schema=False)
async def floor_changes(request: Request) -> ServerSentEvent:
    return ServerSentEvent(request.app.state.feed.watch(EVERYTHING))
