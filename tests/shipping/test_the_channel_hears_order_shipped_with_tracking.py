"""The channel that sent the order receives order.packed and then order.shipped, signed per
Standard Webhooks, with the carrier, the tracking numbers, the cartons' SSCCs and the lines with
their lots; GET /api/v1/orders/{id} shows the same shipment."""

from tests.channels import key, make_channel
from tests.integration.test_events_reach_channels import eventually, fast_client, subscribe  # noqa: F401 (fixture)
from tests.packing_floor import APPLE, MILK, close, open_carton, picked, scan, ship
from tests.receiver import Receiver


async def test_order_shipped_arrives_signed_with_tracking_lots_and_cartons(fast_client, conn):  # noqa: F811
    shop = await make_channel(conn)
    receiver = Receiver(shop.webhook_secret)
    await subscribe(fast_client, shop, receiver.url, ["order.packed", "order.shipped"])
    [placed] = await picked(fast_client, conn, [{"sku": "APPLE", "quantity": 1}, {"sku": "MILK", "quantity": 1}], shop=shop)
    carton = await open_carton(fast_client, placed["id"])
    await scan(fast_client, carton["id"], "a", item=APPLE)
    await scan(fast_client, carton["id"], "m", item=MILK)
    box = (await close(fast_client, carton["id"], 2250)).json()["carton"]
    assert (await ship(fast_client, placed["id"])).status_code == 201

    await eventually(lambda: len(receiver.accepted) == 2)
    packed, shipped = receiver.accepted
    assert (packed["type"], shipped["type"]) == ("order.packed", "order.shipped")
    shipment = shipped["data"]["shipment"]
    assert (shipment["carrier"], shipment["tracking_numbers"]) == ("own", [box["tracking_number"]])
    assert shipment["cartons"] == [{"sscc": box["sscc"], "tracking_number": box["tracking_number"], "weight_g": 2250,
                                    "carton_type": "BOX-S"}]
    assert [(l["sku"], l["quantity"], l["lot"]) for l in shipment["lines"]] == [("APPLE", 1, ""), ("MILK", 1, "L1")]
    assert shipped["data"]["status"] == "shipped"

    order = (await fast_client.get(f"/api/v1/orders/{placed['id']}", headers=key(shop))).json()
    assert order["shipments"][0]["tracking_numbers"] == [box["tracking_number"]]
    assert order["shipments"][0]["cartons"] == shipment["cartons"]
