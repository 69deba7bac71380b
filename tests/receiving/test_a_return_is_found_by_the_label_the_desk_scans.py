"""The returns desk scans a return's label: its RMA reference as the channel announced it, or
RET-<id> (a blind return's only name). GET /api/v1/returns?reference= finds it for receivers; a
channel finds only its own; two channels' RMAs alike are both found, for the desk to tell apart."""

from tests.channels import key, make_channel
from tests.conftest import bearer
from tests.receiving.warehouse import RECEIVER, shipped_order


async def rma(client, conn, shop) -> dict:
    await shipped_order(client, conn, shop)
    made = await client.post("/api/v1/returns", json={"reference": "RMA-1", "order": "W-1", "lines": [{"line": 1, "quantity": 1}]},
                             headers=key(shop))
    assert made.status_code == 201, made.text
    return made.json()


async def found(client, label: str, headers=RECEIVER) -> list[int]:
    answer = await client.get("/api/v1/returns", params={"reference": label}, headers=headers)
    assert answer.status_code == 200, answer.text
    return [r["id"] for r in answer.json()["items"]]


async def test_a_return_is_found_by_its_rma_label_or_ret_id_and_a_channel_finds_only_its_own(client, conn):
    shop, store = await make_channel(conn), await make_channel(conn, "store")
    ret = await rma(client, conn, shop)
    blind = (await client.post("/api/v1/returns", json={}, headers=RECEIVER)).json()

    assert await found(client, "RMA-1") == [ret["id"]]
    assert await found(client, f"RET-{ret['id']}") == [ret["id"]]
    assert await found(client, f"RET-{blind['id']}") == [blind["id"]]
    assert await found(client, "RMA-9") == []
    assert await found(client, "RMA-1", key(shop)) == [ret["id"]]
    assert await found(client, "RMA-1", key(store)) == []
    assert await found(client, f"RET-{blind['id']}", key(shop)) == []

    theirs = await rma(client, conn, store)  # the store's own RMA-1
    assert await found(client, "RMA-1") == [ret["id"], theirs["id"]]
    assert await found(client, "RMA-1", key(store)) == [theirs["id"]]
    assert (await client.get("/api/v1/returns", params={"reference": "RMA-1"}, headers=bearer("picker"))).status_code == 403
