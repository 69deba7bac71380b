"""At the dock: a GS1-128 carton label (GTIN of the items, count, lot, expiry) receives the right
stock onto the receiver's LPN, one ledger row 'receipt'; a case GTIN counts its pack; a lot and an
expiry on barcodes of their own are held for the item scanned next; damaged goods go to
quarantine with their reason; the LPN's label prints on the receiver's printer; closing reports
expected against received per line (over, short, unexpected), in the answer and as an event."""

import json

from labels.emulator import EmulatorThread
from server.inventory.stock import check_ledger
from tests.receiving.warehouse import (
    APPLE, APPLE_CASE, MILK, NEXT_YEAR, RECEIVER, announce, carton_label, on_hand, printer, received, scan, start, storage, yymmdd,
)
from tests.seed import MILK_GTIN


async def test_a_carton_label_receives_gtin_lot_expiry_and_count_onto_an_lpn(client, conn):
    receipt = await announce(client)
    session = await start(client, "PO-1")
    assert session["receipt"]["status"] == "receiving" and session["lpn"] is None

    done = await received(client, receipt["id"], "s1", carton_label(MILK_GTIN, 6, "L7", NEXT_YEAR))
    [item] = done["received"]
    assert (item["sku"], item["lot"], item["expiry"], item["quantity"], item["location"], item["line"]) == \
        ("MILK", "L7", NEXT_YEAR.isoformat(), 6, "DOCK", 2)
    lpn = item["lpn"]
    assert lpn.startswith("LPN") and done["session"]["lpn"] == lpn
    row = await conn.fetchrow("select reason, to_lpn, lot, expiry, quantity, reference from movements where reason = 'receipt'")
    assert (row["to_lpn"], row["lot"], row["expiry"], row["quantity"], row["reference"]) == (lpn, "L7", NEXT_YEAR, 6, "PO-1")
    assert await on_hand(conn, "DOCK", "MILK", lpn) == 6

    case = await received(client, receipt["id"], "s2", APPLE_CASE, count=2)  # two cases of 12
    assert [(r["sku"], r["quantity"], r["lpn"]) for r in case["received"]] == [("APPLE", 24, lpn)]
    assert {(l["sku"], l["received"]) for l in case["session"]["receipt"]["lines"]} == {("APPLE", 24), ("MILK", 6)}
    assert (await check_ledger(conn)).consistent


async def test_a_lot_and_an_expiry_on_their_own_barcodes_wait_for_the_item(client, conn):
    receipt = await announce(client)
    await start(client, "PO-1")
    lot = await received(client, receipt["id"], "lot", "]C110L9")
    assert lot["received"] == [] and lot["session"]["pending"] == {"lot": "L9", "expiry": None}
    expiry = await received(client, receipt["id"], "exp", f"]C117{yymmdd(NEXT_YEAR)}")
    assert expiry["session"]["pending"] == {"lot": "L9", "expiry": NEXT_YEAR.isoformat()}

    item = await received(client, receipt["id"], "milk", MILK, count=3)
    assert [(r["lot"], r["expiry"], r["quantity"]) for r in item["received"]] == [("L9", NEXT_YEAR.isoformat(), 3)]
    assert item["session"]["pending"] == {"lot": None, "expiry": None}  # used up: the next milk needs its lot again
    again = await scan(client, receipt["id"], "milk-2", MILK)
    assert again.status_code == 422 and "lot-tracked" in again.json()["detail"]


async def test_damaged_goods_go_to_quarantine_with_their_reason(client, conn):
    await storage(conn)
    receipt = await announce(client)
    await start(client, "PO-1")
    no_reason = await scan(client, receipt["id"], "d0", APPLE, condition="damaged")
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    done = await received(client, receipt["id"], "d1", APPLE, count=2, condition="damaged", reason="crushed corner")
    assert [(r["location"], r["lpn"], r["quantity"]) for r in done["received"]] == [("QUARANTINE", "", 2)]
    assert await on_hand(conn, "QUARANTINE") == 2
    assert done["session"]["receipt"]["lines"][0]["damaged"] == 2
    assert await conn.fetchval("select reason from receipt_items where condition = 'damaged'") == "crushed corner"


async def test_the_lpn_label_prints_on_the_receivers_printer(client, conn):
    receipt = await announce(client)
    with EmulatorThread(render_png=False) as emulator:
        await printer(conn, emulator.port)
        await start(client, "PO-1", printer="DOCK-PRINTER")
        lpn = (await received(client, receipt["id"], "a", APPLE, count=5))["received"][0]["lpn"]
        closed = await client.post(f"/api/v1/receipts/{receipt['id']}/lpns", json={}, headers=RECEIVER)
        assert closed.status_code == 200, closed.text
        body = closed.json()
        assert body["lpn"] == lpn and body["content"] == [{"sku": "APPLE", "lot": "", "expiry": None, "quantity": 5}]
        assert body["print_job"]["status"] == "printed" and body["print_job"]["label_kind"] == "lpn"
        assert len(emulator.received) == 1 and lpn.encode() in emulator.received[0]
    nxt = await received(client, receipt["id"], "b", APPLE)
    assert nxt["received"][0]["lpn"] != lpn  # the next scans fill a new LPN


async def test_closing_reports_over_short_and_unexpected_and_tells_the_purchasing_side(client, conn):
    await conn.execute("insert into skus (code, description) values ('PEAR', 'Pear juice')")
    await conn.execute("insert into sku_barcodes (barcode, sku_id, kind) select 'PEAR-1', id, 'internal' from skus where code = 'PEAR'")
    receipt = await announce(client)
    await start(client, "PO-1")
    await received(client, receipt["id"], "a", APPLE_CASE, count=2)
    await received(client, receipt["id"], "a2", APPLE, count=2)  # 26 of 24: within 10%
    await received(client, receipt["id"], "m", carton_label(MILK_GTIN, 4, "L1", NEXT_YEAR))
    await received(client, receipt["id"], "p", "PEAR-1")
    closed = await client.post(f"/api/v1/receipts/{receipt['id']}/close", headers=RECEIVER)
    assert closed.status_code == 200, closed.text
    report = closed.json()
    assert [(l["line"], l["sku"], l["expected"], l["received"], l["outcome"]) for l in report["lines"]] == [
        (1, "APPLE", 24, 26, "over"), (2, "MILK", 10, 4, "short"), (None, "PEAR", 0, 1, "unexpected")]
    assert report["complete"] is False
    again = await client.post(f"/api/v1/receipts/{receipt['id']}/close", headers=RECEIVER)
    assert again.json() == report
    [event] = await conn.fetch("select type, payload from events where type = 'receipt.closed'")
    assert json.loads(event["payload"])["lines"] == report["lines"]
    assert (await client.get(f"/api/v1/receipts/{receipt['id']}", headers=RECEIVER)).json()["report"] == report
    late = await scan(client, receipt["id"], "late", APPLE)
    assert late.status_code == 409
