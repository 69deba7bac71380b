"""Several server instances each run a delivery worker: every event still goes out once."""

import asyncio

import msgspec

from schema.channels import SubscriptionCreate
from schema.orders import OrderCreate
from server.orders import channels, placing, state
from server.orders.webhook_delivery import Deliverer
from tests.channels import make_channel, order
from tests.receiver import Receiver


async def test_two_workers_racing_deliver_each_event_exactly_once_in_order_per_order(pool):
    async with pool.acquire() as conn:
        shop = await make_channel(conn)
        receiver = Receiver(shop.webhook_secret)
        await channels.subscribe(conn, shop.channel.id, SubscriptionCreate(url=receiver.url, event_types=["order.accepted", "order.on_hold", "order.cancelled"]))
        for i in range(40):
            async with conn.transaction():
                placed = await placing.create_order(conn, (shop.channel.id, "webshop"), msgspec.convert(order(f"W-{i}"), OrderCreate))
                await state.hold(conn, placed.id, None, "check address")
                await state.cancel(conn, placed.id, None, "customer changed their mind")

    workers = [asyncio.create_task(Deliverer(pool, (0.1,), batch=7).run(idle_poll=0.05)) for _ in range(2)]
    try:
        for _ in range(200):
            if len(receiver.accepted) >= 120:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.3)
    finally:
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    assert len(receiver.ids()) == 120 == len(set(receiver.ids()))
    by_order: dict[int, list[str]] = {}
    for accepted in receiver.accepted:
        by_order.setdefault(accepted["data"]["order_id"], []).append(accepted["type"])
    assert all(types == ["order.accepted", "order.on_hold", "order.cancelled"] for types in by_order.values())
