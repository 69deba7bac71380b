"""Closing a carton prints its GS1 logistics label and its shipping label on the station's printer
at once; the printer emulator receives both, and an independent decoder (zxing-cpp) reads the
SSCC and the tracking number from the labels it drew. A printer that is off leaves the jobs
queued and visible, and the carton closed; reprints and the packing list come on demand."""

import io

import zxingcpp
from PIL import Image

from labels.emulator import EmulatorThread
from tests.conftest import bearer
from tests.packing_floor import close, open_carton, picked, scan
from tests.printers import add_printer, free_port


def barcodes(png: bytes) -> set[str]:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"), text_mode=zxingcpp.TextMode.Plain)
    return {r.symbology_identifier + r.text for r in found}


async def test_both_labels_reach_the_printer_and_their_barcodes_read(client, conn, tmp_path):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": 2}])
    with EmulatorThread(out_dir=tmp_path, render_png=True) as printer:
        await add_printer(client, "PACK-1", f"127.0.0.1:{printer.port}", label_size="4x6")
        carton = await open_carton(client, placed["id"])
        for n in range(2):
            await scan(client, carton["id"], f"s{n}")
        closed = await close(client, carton["id"], 2250, printer="PACK-1")
        assert closed.status_code == 200, closed.text
        box = closed.json()["carton"]
        assert [j["status"] for j in closed.json()["print_jobs"]] == ["printed", "printed"]
        assert len(printer.received) == 2

        reprint = await client.post(f"/api/v1/packing/cartons/{carton['id']}/labels", json={"printer": "PACK-1", "labels": ["packing_list"]},
                                    headers=bearer("packer"))
        assert reprint.status_code == 201 and [j["label_kind"] for j in reprint.json()] == ["packing_list"]

    sscc_png, shipping_png, packing_png = (tmp_path / f"000{n}.png" for n in (1, 2, 3))
    assert f"]C100{box['sscc']}" in barcodes(sscc_png.read_bytes())
    assert "]C10204006381333931" + "372" in barcodes(sscc_png.read_bytes())  # one GTIN in it: (02) and (37)
    assert f"]C0{box['tracking_number']}" in barcodes(shipping_png.read_bytes())
    assert packing_png.exists()


async def test_a_printer_that_is_off_leaves_the_labels_queued_and_the_carton_closed(client, conn):
    [placed] = await picked(client, conn, [{"sku": "APPLE", "quantity": 1}])
    await add_printer(client, "PACK-OFF", f"127.0.0.1:{free_port()}", label_size="4x6")
    carton = await open_carton(client, placed["id"])
    await scan(client, carton["id"], "s")
    closed = await close(client, carton["id"], 1200, printer="PACK-OFF")
    assert closed.status_code == 200, closed.text
    assert closed.json()["carton"]["status"] == "closed"
    assert [j["status"] for j in closed.json()["print_jobs"]] == ["queued", "queued"]
    assert all(j["last_error"] for j in closed.json()["print_jobs"])
