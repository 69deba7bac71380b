"""Helpers for packing and shipping tests: orders picked into totes, cartons, scans, through the API."""

from tests.conftest import bearer
from tests.picking_floor import BARCODES, confirm, next_trip, orders, release, stock

APPLE = f"]E0{BARCODES['APPLE']}"
MILK = f"]E0{BARCODES['MILK']}"
APPLE_CASE = "]I114006381333938"


async def measure(conn) -> None:
    """Dimensions and weights for the seed's SKUs, and two carton types."""
    await conn.execute("update skus set length_mm = 250, width_mm = 70, height_mm = 70, weight_g = 1050 where code = 'APPLE'")
    await conn.execute("update skus set length_mm = 200, width_mm = 70, height_mm = 70, weight_g = 1030 where code = 'MILK'")
    for code, dims, tare, most in (("BOX-S", (300, 200, 150), 150, 10_000), ("BOX-L", (600, 400, 400), 600, 30_000)):
        await conn.execute(
            "insert into carton_types (code, length_mm, width_mm, height_mm, tare_g, max_weight_g) values ($1, $2, $3, $4, $5, $6)",
            code, *dims, tare, most)


async def picked(client, conn, *line_sets: list[dict], tote_prefix: str = "TOTE", **order_fields) -> list[dict]:
    """Orders stocked, released as discrete trips and picked whole into one tote each; the orders as placed,
    each with its `tote`."""
    await measure(conn)
    wanted: dict[str, int] = {}
    for lines in line_sets:
        for line in lines:
            wanted[line["sku"]] = wanted.get(line["sku"], 0) + line["quantity"]
    for n, (sku, quantity) in enumerate(sorted(wanted.items()), start=1):
        await stock(client, f"BIN-{n}", quantity, sku, **({"lot": "L1", "expiry": "2031-01-01"} if sku == "MILK" else {}))
    placed = await orders(client, conn, *line_sets, **order_fields)
    await release(client, mode="discrete")
    for i in range(len(placed)):
        trip = await next_trip(client)
        tote = f"{tote_prefix}-{i + 1}"
        for task in trip["tasks"]:
            item = await conn.fetchval("select b.barcode from sku_barcodes b join skus s on s.id = b.sku_id"
                                       " where s.code = $1 and b.quantity = 1 order by b.barcode limit 1", task["sku"])
            response = await confirm(client, task, f"pick-{tote}-{task['id']}", item=item, tote=tote)
            assert response.status_code == 200, response.text
        order_id = trip["tasks"][0]["order_id"]
        next(p for p in placed if p["id"] == order_id)["tote"] = tote
    return placed


async def find(client, scan: str) -> dict:
    response = await client.post("/api/v1/packing/find", json={"scan": scan}, headers=bearer("packer"))
    assert response.status_code == 200, response.text
    return response.json()


async def open_carton(client, order_id: int, carton_type: str = "BOX-S", station: str = "PS-1") -> dict:
    response = await client.post(f"/api/v1/packing/orders/{order_id}/cartons", json={"carton_type": carton_type, "station": station},
                                 headers=bearer("packer"))
    assert response.status_code == 201, response.text
    return response.json()


async def scan(client, carton_id: int, scan_id: str, item: str = APPLE, **more):
    return await client.post(f"/api/v1/packing/cartons/{carton_id}/items", json={"scan_id": scan_id, "item": item} | more,
                             headers=bearer("packer"))


async def close(client, carton_id: int, weight_g: int, key: str | None = None, **more):
    headers = bearer("packer") | ({"Idempotency-Key": key} if key else {})
    return await client.post(f"/api/v1/packing/cartons/{carton_id}/close", json={"weight_g": weight_g} | more, headers=headers)


async def ship(client, order_id: int, key: str | None = None):
    headers = bearer("shipper") | ({"Idempotency-Key": key} if key else {})
    return await client.post(f"/api/v1/shipping/orders/{order_id}/ship", headers=headers)
