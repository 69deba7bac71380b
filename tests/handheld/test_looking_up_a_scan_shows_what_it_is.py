"""Look up, against a real `wms serve`: a bin's scan shows what it holds, an item's (any of its
barcodes, with AIM ids) where it is, a carton label what it is, and anything else says so."""

import signal

from handheld.client import ApiClient
from handheld.flows.lookup import LookupFlow
from tests.handheld.test_the_offline_queue_loses_nothing_and_repeats_nothing import PICKER
from tests.picking_floor import BARCODES, stock
from tests.serving import free_port, serve


async def test_a_bin_an_item_a_carton_and_noise_are_each_told_for_what_they_are(client, conn, database_url):
    await stock(client, "BIN-1", 12)
    await stock(client, "BIN-3", 5, "MILK", lot="L1", expiry="2031-01-01")
    bin_barcode = await conn.fetchval("select barcode from locations where code = 'BIN-3'")
    port = free_port()
    server = serve(database_url, port)
    try:
        flow = LookupFlow(ApiClient(f"http://127.0.0.1:{port}", PICKER))
        a_bin = flow.scan(f"]C0{bin_barcode}")
        an_item = flow.scan(f"]E0{BARCODES['APPLE']}")
        a_case = flow.scan("]I114006381333938")
        a_carton = flow.scan("]C100376104250021234569")
        noise = flow.scan("NO-SUCH-THING")
        broken = flow.scan("]E04006381333932")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert (a_bin.title, a_bin.lines) == ("Bin BIN-3", ["MILK  L1  2031-01-01  5"])
    assert (an_item.title, an_item.lines, an_item.feedback.message) == ("APPLE", ["BIN-1  -  12"], "12 on hand")
    assert a_case.title.startswith("APPLE (case of ")
    assert a_carton.title == "Carton 376104250021234569"
    assert noise.feedback.kind == "wrong" and "knows" in noise.feedback.message
    assert broken.feedback.kind == "wrong" and "check digit" in broken.feedback.message
