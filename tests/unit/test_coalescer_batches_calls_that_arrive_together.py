"""server/core/coalescing.py: a lone call goes at once; calls arriving during a batch make the next one."""

import asyncio

import pytest

from server.core.coalescing import Coalescer


async def test_a_lone_call_is_handled_at_once_as_a_batch_of_one():
    batches = []

    async def handle(items):
        batches.append(items)
        return [i * 10 for i in items]

    assert await Coalescer(handle).submit(4) == 40
    assert batches == [[4]]


async def test_calls_arriving_while_a_batch_runs_go_together_in_the_next():
    batches = []
    release = asyncio.Event()

    async def handle(items):
        batches.append(items)
        if len(batches) == 1:
            await release.wait()
        return [str(i) for i in items]

    coalescer = Coalescer(handle, max_batch=3)
    first = asyncio.create_task(coalescer.submit(0))
    await asyncio.sleep(0)
    rest = [asyncio.create_task(coalescer.submit(i)) for i in range(1, 6)]
    await asyncio.sleep(0)
    release.set()

    assert await asyncio.gather(first, *rest) == ["0", "1", "2", "3", "4", "5"]
    assert batches == [[0], [1, 2, 3], [4, 5]]


async def test_each_caller_gets_its_own_exception_and_a_broken_handler_reaches_everyone():
    async def handle(items):
        return [ValueError(f"bad {i}") if i % 2 else i for i in items]

    coalescer = Coalescer(handle)
    results = await asyncio.gather(*(coalescer.submit(i) for i in range(4)), return_exceptions=True)
    assert [str(r) for r in results] == ["0", "bad 1", "2", "bad 3"]

    async def broken(items):
        raise RuntimeError("database gone")

    with pytest.raises(RuntimeError, match="database gone"):
        await Coalescer(broken).submit(1)


async def test_a_caller_that_submits_again_as_soon_as_it_is_answered_is_answered_again():
    # The woken caller runs before the finished drain's done callbacks; its next call must still
    # start a drain rather than wait for one that has already ended.
    async def handle(items):
        return items

    coalescer = Coalescer(handle)
    async with asyncio.timeout(2):
        for i in range(20):
            assert await coalescer.submit(i) == i
