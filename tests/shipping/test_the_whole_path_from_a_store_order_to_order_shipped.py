"""The whole path, through the product's real parts as a warehouse runs them: Shopify pushes its
own sample order (signed webhook) to a real `wms serve`; a supervisor releases a wave; a picker's
flow picks it from scans on a real serial port (pty); the pack station packs it, closes the
carton on the scale's weight and its labels print on a Zebra stand-in over TCP (the SSCC and the
tracking number read back from the label images by zxing-cpp); the order ships, and the store's
channel receives `order.shipped`, signed, with the tracking number. The ledger is consistent."""

import io
import os
import time

import httpx
import zxingcpp
from PIL import Image

from handheld.client import ApiClient
from handheld.flows.packing import PackFlow
from handheld.flows.picking import PickFlow
from handheld.offline import OfflineQueue, drain
from handheld.scanner import SerialScanner
from labels.emulator import EmulatorThread
from server.inventory.stock import check_ledger
from tests.channels import key, make_channel
from tests.conftest import bearer
from tests.integration.test_events_reach_channels import eventually
from tests.integration.test_store_webhooks import SECRET, SHOPIFY, shopify_headers
from tests.receiver import Receiver
from tests.unit.stores.payloads import body, shopify_order

IPODS = {"IPOD2008GREEN": "4006381000017", "IPOD2008RED": "4006381000024", "IPOD2008BLACK": "4006381000031"}


def barcodes(png: bytes) -> set[str]:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"), text_mode=zxingcpp.TextMode.Plain)
    return {r.symbology_identifier + r.text for r in found}


def scanned(flow, raws: list[str]) -> list:
    """Each scan written to a real serial port and read by the app's SerialScanner into the flow."""
    master, slave = os.openpty()
    views = []
    scanner = SerialScanner(os.ttyname(slave), lambda scan: views.append(flow.scan(scan.raw)))
    scanner.start()
    try:
        deadline = time.monotonic() + 10
        while scanner.state != "connected" and time.monotonic() < deadline:
            time.sleep(0.01)
        for raw in raws:
            before = len(views)
            os.write(master, raw.encode() + b"\r")
            while len(views) == before and time.monotonic() < deadline:
                time.sleep(0.01)
    finally:
        scanner.stop()
        os.close(master)
        os.close(slave)
    return views


async def test_a_shopify_order_is_picked_packed_labelled_and_shipped_back_to_the_store(client, conn, served, tmp_path):
    shop = await make_channel(conn, "shop", "shopify", SECRET)
    receiver = Receiver(shop.webhook_secret)
    http = httpx.Client(base_url=served, timeout=30)
    assert http.post("/api/v1/webhooks", json={"url": receiver.url, "event_types": ["order.shipped"]},
                     headers=key(shop)).status_code == 201
    supervisor = bearer("supervisor")
    for n, (sku, gtin) in enumerate(IPODS.items(), start=1):
        made = http.post("/api/v1/skus", json={"code": sku, "description": f"iPod {sku[8:].title()}", "length_mm": 110,
                                               "width_mm": 60, "height_mm": 15, "weight_g": 140, "barcodes": [{"barcode": gtin}]},
                         headers=supervisor)
        assert made.status_code == 201, made.text
        http.post("/api/v1/stock/adjustments", json={"location": f"BIN-{n}", "sku": sku, "quantity": 5, "direction": "in",
                                                     "reason": "found"}, headers=supervisor).raise_for_status()
    http.post("/api/v1/shipping/carton-types", json={"code": "BOX-S", "length_mm": 300, "width_mm": 200, "height_mm": 150,
                                                      "tare_g": 150, "max_weight_g": 10_000}, headers=supervisor).raise_for_status()

    raw = body(shopify_order())
    received = http.post(SHOPIFY, content=raw, headers=shopify_headers(raw))
    assert received.status_code == 201, received.text
    order = received.json()["order"]
    assert order["status"] == "allocated"
    http.post("/api/v1/waves", json={"mode": "discrete"}, headers=supervisor).raise_for_status()

    queue = OfflineQueue(tmp_path / "picker.sqlite")
    picking = PickFlow(ApiClient(served, "test-token-picker"), queue, "hh1")
    picking.start()
    scans = ["]C0TOTE-7"]
    for task in picking.trip.tasks:
        scans += [f"]C0{task.location_barcode}", f"]E0{IPODS[task.sku]}"]
    views = scanned(picking, scans)
    assert views[-1].step == "trip_done" and {v.feedback.kind for v in views} == {"good", "done"}
    assert drain(queue, picking.api.http).sent == 3

    with EmulatorThread(out_dir=tmp_path / "printed", render_png=True) as printer:
        http.post("/api/v1/printers", json={"name": "PACK-1", "transport": "tcp", "address": f"127.0.0.1:{printer.port}",
                                            "label_size": "4x6"}, headers=supervisor).raise_for_status()
        packing = PackFlow(ApiClient(served, "test-token-packer"), OfflineQueue(tmp_path / "station.sqlite"), "ps1", "PS-1",
                           printer="PACK-1")
        views = scanned(packing, ["]C0TOTE-7", *(f"]E0{gtin}" for gtin in IPODS.values())])
        assert [v.feedback.kind for v in views] == ["good", "good", "good", "done"]
        packing.key_count(150 + 3 * 140)
        closed = packing.close()
        assert closed.feedback.kind == "done", closed.feedback
        shipped = packing.ship()
        assert shipped.feedback.kind == "done", shipped.feedback

    carton = await conn.fetchrow("select sscc, tracking_number from cartons")
    sscc_label, shipping_label = (tmp_path / "printed" / f"000{n}.png" for n in (1, 2))
    assert f"]C100{carton['sscc']}" in barcodes(sscc_label.read_bytes())
    assert f"]C0{carton['tracking_number']}" in barcodes(shipping_label.read_bytes())

    await eventually(lambda: len(receiver.accepted) == 1)
    [event] = receiver.accepted
    assert event["type"] == "order.shipped" and event["data"]["external_id"] == "#1001"
    assert event["data"]["shipment"]["tracking_numbers"] == [carton["tracking_number"]]
    assert sorted(line["sku"] for line in event["data"]["shipment"]["lines"]) == sorted(IPODS)
    assert (await check_ledger(conn)).consistent
