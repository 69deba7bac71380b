"""Over-receipt past the tolerance, an unknown item, an expired lot, and a lot-tracked SKU scanned
without its lot are each refused with the reason, and change nothing: no ledger row, no stock,
nothing received, no event."""

import datetime

from tests.receiving.warehouse import (
    APPLE, APPLE_CASE, MILK, NEXT_YEAR, SUPERVISOR, announce, carton_label, footprint, received, scan, start, yymmdd,
)
from tests.seed import MILK_GTIN

LAST_YEAR = datetime.date.today() - datetime.timedelta(days=365)


async def refused(client, conn, receipt_id: int, scan_id: str, value: str, field: str, words: str, **more) -> None:
    before = await footprint(conn)
    response = await scan(client, receipt_id, scan_id, value, **more)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["errors"][0]["field"] == field and words in problem["detail"], problem
    assert await footprint(conn) == before


async def test_each_refusal_says_why_and_changes_nothing(client, conn):
    receipt = await announce(client)
    await start(client, "PO-1")
    await received(client, receipt["id"], "cases", APPLE_CASE, count=2)  # 24 of 24
    await received(client, receipt["id"], "two", APPLE, count=2)  # 26: within 10% (26.4)

    await refused(client, conn, receipt["id"], "over", APPLE, "count", "over-receipt: 24 x APPLE expected, 26 received")
    await refused(client, conn, receipt["id"], "unknown", "]E09780201379624", "scan", "unknown item")
    await refused(client, conn, receipt["id"], "expired", carton_label(MILK_GTIN, 2, "OLD", LAST_YEAR), "expiry", "expired on")
    await refused(client, conn, receipt["id"], "no-lot", MILK, "lot", "lot-tracked")
    await refused(client, conn, receipt["id"], "exp-alone", f"]C117{yymmdd(LAST_YEAR)}", "expiry", "expired on")
    await refused(client, conn, receipt["id"], "bad-gs1", "]C10104006381333932", "scan", "check digit")

    # a tighter tolerance refuses sooner; unexpected items can be refused too
    settings = (await client.get("/api/v1/receiving/settings", headers=SUPERVISOR)).json()
    put = await client.put("/api/v1/receiving/settings", json=settings | {"over_receipt_pct": 0, "accept_unexpected": False},
                           headers=SUPERVISOR)
    assert put.status_code == 200, put.text
    await refused(client, conn, receipt["id"], "milk-11", carton_label(MILK_GTIN, 11, "L1", NEXT_YEAR), "count", "at most 10")
    await conn.execute("insert into skus (code, description) values ('PEAR', 'Pear juice')")
    await conn.execute("insert into sku_barcodes (barcode, sku_id, kind) select 'PEAR-1', id, 'internal' from skus where code = 'PEAR'")
    await refused(client, conn, receipt["id"], "pear", "PEAR-1", "scan", "not on receipt PO-1")
    # what fits is still received
    ok = await received(client, receipt["id"], "milk-10", carton_label(MILK_GTIN, 10, "L1", NEXT_YEAR))
    assert ok["received"][0]["quantity"] == 10


async def test_scans_need_a_started_receipt_and_a_receiver(client, conn):
    receipt = await announce(client)
    before = await footprint(conn)
    unstarted = await scan(client, receipt["id"], "x", APPLE)
    assert unstarted.status_code == 409 and "scan it first" in unstarted.json()["detail"]
    picker = await scan(client, receipt["id"], "y", APPLE, headers={"Authorization": "Bearer test-token-picker"})
    assert picker.status_code == 403
    not_a_dock = await client.post("/api/v1/receiving/sessions", json={"receipt": "PO-1", "dock": "BIN-1"},
                                   headers={"Authorization": "Bearer test-token-receiver"})
    assert not_a_dock.status_code == 422 and not_a_dock.json()["errors"][0]["field"] == "dock"
    assert await footprint(conn) == before
