"""An event states one consistent moment: order.accepted is the order as it was accepted (every
line open), even when the order is allocated in the same call; order.allocated is the order after."""

import msgspec

from tests.channels import key, make_channel, order
from tests.picking_floor import stock


async def test_order_accepted_does_not_show_the_allocation_that_followed_it(client, conn):
    shop = await make_channel(conn, allocate_on="arrival")
    await stock(client, "BIN-1", 10)

    response = await client.post("/api/v1/orders", json=order(), headers=key(shop))
    assert response.json()["status"] == "allocated"

    events = {
        r["type"]: msgspec.json.decode(r["payload"])
        for r in await conn.fetch("select type, payload from events where type like 'order.%' order by id")
    }
    accepted, allocated = events["order.accepted"], events["order.allocated"]
    assert accepted["status"] == "received"
    assert [(l["allocated"], l["state"]) for l in accepted["lines"]] == [(0, "open")]
    assert allocated["status"] == "allocated"
    assert [(l["allocated"], l["state"]) for l in allocated["lines"]] == [(2, "allocated")]
