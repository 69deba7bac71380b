"""Helpers for receiving tests: a storage zone and quarantine beside the seed warehouse, receipts,
dock scans, putaway, counts and returns through the API, and a real `wms serve`."""

import datetime
import os
import socket
import subprocess
import sys
import time
import urllib.request

from schema.locations import LocationCreate
from schema.printing import PrinterCreate
from server.inventory import locations
from server.printing import printers
from tests.channels import key, order
from tests.conftest import bearer
from tests.seed import APPLE_CASE_GTIN, APPLE_GTIN, MILK_GTIN

RECEIVER = bearer("receiver")
SUPERVISOR = bearer("supervisor")
NEXT_YEAR = datetime.date.today() + datetime.timedelta(days=365)
GS = "\x1d"


def yymmdd(day: datetime.date) -> str:
    return day.strftime("%y%m%d")


def carton_label(gtin: str, count: int, lot: str | None = None, expiry: datetime.date | None = None) -> str:
    """A GS1-128 carton label: the GTIN of the items inside (AI 02), their count (AI 37), lot, expiry."""
    return "]C102" + gtin.zfill(14) + (f"17{yymmdd(expiry)}" if expiry else "") + f"37{count}" + (f"{GS}10{lot}" if lot else "")


APPLE = f"]E0{APPLE_GTIN}"
APPLE_CASE = f"]I1{APPLE_CASE_GTIN}"
MILK = f"]E0{MILK_GTIN}"


async def storage(conn, bins: int = 4, velocity: str | None = None, zone: str = "ZONE-S", capacity: int | None = None) -> list[str]:
    """A storage zone of `bins` bins, one metre apart along x (S-1 nearest the dock at 0,0), and a
    quarantine area."""
    await conn.execute("update locations set x = 0, y = 0 where code = 'DOCK'")
    if not await conn.fetchval("select true from locations where code = 'QUARANTINE'"):
        await locations.create_location(conn, LocationCreate(warehouse="WH1", code="QUARANTINE", kind="area", type="quarantine"))
    await locations.create_location(conn, LocationCreate(warehouse="WH1", code=zone, kind="zone", type="storage"))
    await conn.execute("update locations set velocity = $2 where code = $1", zone, velocity)
    codes = []
    for n in range(1, bins + 1):
        code = f"{zone.removeprefix('ZONE-')}-{n}"
        await locations.create_location(conn, LocationCreate(warehouse="WH1", code=code, kind="bin", type="storage", parent=zone,
                                                             x=float(n), y=0.0, capacity=capacity))
        codes.append(code)
    return codes


async def printer(conn, port: int, name: str = "DOCK-PRINTER") -> None:
    async with conn.transaction():
        await printers.create_printer(conn, PrinterCreate(name=name, transport="tcp", address=f"127.0.0.1:{port}", label_size="4x6"))


def receipt_body(reference: str = "PO-1", **fields) -> dict:
    lines = [{"sku": "APPLE", "quantity": 24}, {"sku": "MILK", "quantity": 10}]
    return {"reference": reference, "supplier": "Fruit Co", "lines": lines} | fields


async def announce(client, headers=SUPERVISOR, **fields) -> dict:
    response = await client.post("/api/v1/receipts", json=receipt_body(**fields), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def start(client, receipt: str | None = "PO-1", dock: str = "DOCK", headers=RECEIVER, **more) -> dict:
    response = await client.post("/api/v1/receiving/sessions", json={"receipt": receipt, "dock": dock} | more, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def scan(client, receipt_id: int, scan_id: str, value: str, headers=RECEIVER, **more):
    return await client.post(f"/api/v1/receipts/{receipt_id}/scans", json={"scan_id": scan_id, "scan": value} | more, headers=headers)


async def received(client, receipt_id: int, scan_id: str, value: str, **more) -> dict:
    response = await scan(client, receipt_id, scan_id, value, **more)
    assert response.status_code == 200, response.text
    return response.json()


async def plan(client, lpn: str) -> dict:
    response = await client.get(f"/api/v1/putaway/lpns/{lpn}", headers=RECEIVER)
    assert response.status_code == 200, response.text
    return response.json()


async def put_away(client, scan_id: str, lpn: str, location: str, **more):
    return await client.post("/api/v1/putaway/confirm", json={"scan_id": scan_id, "lpn": lpn, "location": location} | more,
                             headers=RECEIVER)


async def shipped_order(client, conn, shop) -> dict:
    """Order W-1 of the channel `shop`, shipped whole: 3 x APPLE (line 1), 1 x MILK (line 2)."""
    lines = [{"sku": "APPLE", "quantity": 3}, {"sku": "MILK", "quantity": 1}]
    placed = await client.post("/api/v1/orders", json=order("W-1", lines=lines), headers=key(shop))
    assert placed.status_code == 201, placed.text
    # as if picked, packed and shipped (tests/shipping walks that path)
    await conn.execute("update order_lines set shipped = quantity")
    await conn.execute("update orders set status = 'shipped'")
    return placed.json()


async def on_hand(conn, location: str, sku: str = "APPLE", lpn: str | None = None) -> int:
    return await conn.fetchval(
        "select coalesce(sum(st.quantity), 0) from stock st join locations l on l.id = st.location_id join skus s on s.id = st.sku_id"
        " where l.code = $1 and s.code = $2 and ($3::text is null or st.lpn = $3)", location, sku, lpn)


async def footprint(conn) -> tuple:
    """Everything a refused call must leave as it was."""
    return (await conn.fetchval("select count(*) from movements"), await conn.fetchval("select coalesce(sum(quantity), 0) from stock"),
            await conn.fetchval("select count(*) from receipt_items"),
            await conn.fetchval("select count(*) from receipt_cartons where received_at is not null"),
            await conn.fetchval("select count(*) from events"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(database_url: str, port: int) -> subprocess.Popen:
    """`wms serve` on the test's database, healthy."""
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
                              env=os.environ | {"WMS_DATABASE_URL": database_url}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, "wms serve stopped"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=1):
                return server
        except OSError:
            assert time.monotonic() < deadline, "wms serve did not become healthy"
            time.sleep(0.2)
