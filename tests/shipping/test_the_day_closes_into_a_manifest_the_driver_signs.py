"""End of day: cartons are scanned onto their carrier's manifest (another carrier's carton is
refused), closing it takes every shipment of the carrier not yet on one, and the PDF the driver
signs renders (pdftoppm). A shipment not yet on a closed manifest can be voided: its stock
returns to the packing area, the channel hears it, and it ships again with new tracking."""

import shutil
import subprocess

import pytest

from server.inventory.stock import check_ledger
from tests.conftest import bearer
from tests.packing_floor import close, open_carton, picked, scan, ship


async def packed_and_shipped(client, order: dict, carrier: str) -> dict:
    carton = await open_carton(client, order["id"])
    await scan(client, carton["id"], f"{order['id']}-a")
    closed = await close(client, carton["id"], 1200, carrier=carrier)
    assert closed.status_code == 200, closed.text
    shipped = await ship(client, order["id"])
    assert shipped.status_code == 201, shipped.text
    return shipped.json()[0]


async def load(client, carrier: str, scan_: str):
    return await client.post(f"/api/v1/manifests/{carrier}/cartons", json={"scan": scan_}, headers=bearer("shipper"))


async def test_cartons_load_onto_their_own_carrier_and_the_manifest_prints(client, conn, tmp_path):
    post = await client.post("/api/v1/shipping/carriers", json={"code": "post", "name": "Post", "services": ["parcel"],
                                                                "tracking_format": "PP{serial:08d}DE"}, headers=bearer("admin"))
    assert post.status_code == 201, post.text
    one, two = await picked(client, conn, [{"sku": "APPLE", "quantity": 1}], [{"sku": "APPLE", "quantity": 1}])
    own = await packed_and_shipped(client, one, "own")
    by_post = await packed_and_shipped(client, two, "post")
    assert by_post["tracking_numbers"][0].startswith("PP") and by_post["service"] == "parcel"

    wrong = await load(client, "own", f"]C100{by_post['cartons'][0]['sscc']}")
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["reason"].endswith("goes with post, not own: load it on its own truck")
    loaded = await load(client, "own", own["tracking_numbers"][0])
    assert loaded.status_code == 200 and (loaded.json()["loaded"], loaded.json()["cartons"]) == (1, 1)

    closed = await client.post("/api/v1/manifests", json={"carrier": "own"}, headers=bearer("shipper"))
    assert closed.status_code == 201, closed.text
    assert [s["external_id"] for s in closed.json()["shipments"]] == ["P-0"]
    again = await client.post("/api/v1/manifests", json={"carrier": "own"}, headers=bearer("shipper"))
    assert again.status_code == 409 and "nothing has shipped with own" in again.json()["detail"]

    left = await client.post(f"/api/v1/shipping/shipments/{own['id']}/void", headers=bearer("shipper"))
    assert left.status_code == 409 and "it has left the warehouse" in left.json()["detail"]

    pdf = await client.get(f"/api/v1/manifests/{closed.json()['id']}/pdf", headers=bearer("shipper"))
    assert pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "manifest.pdf").write_bytes(pdf.content)
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm is not installed and could not be (make test installs poppler-utils as root)")
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(tmp_path / "manifest.pdf"), str(tmp_path / "page")], check=True)
    assert [p.name for p in tmp_path.glob("page*.png")] == ["page-1.png"]



async def test_a_voided_shipment_brings_its_stock_back_and_ships_again_with_new_tracking(client, conn):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": 1}])
    first = await packed_and_shipped(client, placed, "own")
    voided = await client.post(f"/api/v1/shipping/shipments/{first['id']}/void", headers=bearer("shipper"))
    assert voided.status_code == 200 and voided.json()["status"] == "voided"
    back = await conn.fetchrow("select l.code, s.lpn, s.quantity from stock s join locations l on l.id = s.location_id where s.lpn like 'CARTON-%'")
    assert (back["code"], back["quantity"]) == ("PACK", 1)
    order = (await client.get(f"/api/v1/orders/{placed['id']}", headers=bearer("supervisor"))).json()
    assert order["status"] == "packed" and order["lines"][0]["shipped"] == 0
    types = [r["type"] for r in await conn.fetch("select type from events where order_id = $1 order by id", placed["id"])]
    assert types[-1] == "order.shipment_voided"

    again = await ship(client, placed["id"])
    assert again.status_code == 201, again.text
    assert again.json()[0]["tracking_numbers"] != first["tracking_numbers"]
    assert again.json()[0]["cartons"][0]["sscc"] == first["cartons"][0]["sscc"]
    assert await conn.fetchval("select sum(quantity) from movements where reason = 'ship'") == 2
    assert await conn.fetchval("select sum(quantity) from movements where reason = 'unship'") == 1
    assert (await check_ledger(conn)).consistent
