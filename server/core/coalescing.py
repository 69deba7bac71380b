"""Natural batching: calls that arrive while a batch is being handled go together in the next one.

Nothing waits on a timer. A lone call is handled at once, as a batch of one; under load, each
batch is whatever queued up during the previous one, so the batch size follows the load and
the cost of a round trip and a commit is shared by everyone who arrived in the meantime (the
group commit databases do for their own log)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


class Coalescer(Generic[T, R]):
    def __init__(
        self, handle: Callable[[list[T]], Awaitable[list[R | Exception]]], max_batch: int = 500, concurrency: int = 1
    ):
        """`handle` answers a batch with a result or an exception per item, in order; `concurrency`
        batches may be in flight at once."""
        self._handle = handle
        self._max_batch = max_batch
        self._concurrency = concurrency
        self._queue: list[tuple[T, asyncio.Future]] = []
        # Counted here, not from the tasks' done callbacks: those run a loop turn after a drain
        # ends, and a call queued in between would wait for a drain that is not coming.
        self._running = 0
        self._tasks: set[asyncio.Task] = set()

    async def submit(self, item: T) -> R:
        future = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._running < self._concurrency:
            self._running += 1
            task = asyncio.create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self) -> None:
        try:
            while self._queue:
                batch, self._queue = self._queue[: self._max_batch], self._queue[self._max_batch :]
                try:
                    results = await self._handle([item for item, _ in batch])
                except Exception as error:  # the handler broke: everyone in the batch hears why
                    results = [error] * len(batch)
                for (_, future), result in zip(batch, results):
                    if future.done():  # the caller went away (client disconnected)
                        continue
                    if isinstance(result, Exception):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self._running -= 1
