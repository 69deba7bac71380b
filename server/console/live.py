"""Pages kept live: one LISTEN per server process on the outbox's notification; each wake-up reads
the events committed since the last one, once for every open page, and tells each page (through
its EventSource) about the events it watches, so it fetches its live regions again."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

import asyncpg
from litestar import Litestar, Request, get
from litestar.params import FromPath
from litestar.response import ServerSentEvent, ServerSentEventMessage

from server.console.pages import SUPERVISORS
from server.core import outbox
from server.core.http import allow
from server.orders.routes import STAFF

log = logging.getLogger("wms.console")

# A comment now and then: a page closed without a word is noticed at the next write.
HEARTBEAT_SECONDS = 20
EVERYTHING = None


class Feed:
    """Started by the first page that watches, so a server nobody looks at holds no connection for it."""

    def __init__(self, pool: asyncpg.Pool):
        self.pool = pool
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
        while True:
            try:
                async with self.pool.acquire() as conn:
                    await self._relay(conn)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                log.exception("the console's live feed lost its connection; listening again")
                await asyncio.sleep(1)

    async def _relay(self, conn: asyncpg.Connection) -> None:
        woken = asyncio.Event()

        def wake(*_) -> None:
            woken.set()

        last = await outbox.last_event_id(conn)
        await conn.add_listener(outbox.NOTIFY_CHANNEL, wake)
        try:
            while True:
                await woken.wait()
                woken.clear()
                while events := await outbox.since(conn, last):
                    last = events[-1][0]
                    self._tell(events)
        finally:
            await conn.remove_listener(outbox.NOTIFY_CHANNEL, wake)

    def _tell(self, events: list[tuple[int, str, int | None]]) -> None:
        for queue, order_id in list(self.watchers.items()):
            for _, event_type, about in events:
                if order_id is EVERYTHING or about == order_id:
                    with contextlib.suppress(asyncio.QueueFull):  # a page that lags refreshes once anyway
                        queue.put_nowait(event_type)


@contextlib.asynccontextmanager
async def live_feed(app: Litestar) -> AsyncIterator[None]:
    app.state.feed = Feed(app.state.pool)
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
