import msgspec

from labels import templates, to_zpl
from tests.conftest import bearer
from tests.printers import SHIPPING, add_printer, emulator, print_label  # noqa: F401


async def test_a_printed_shipping_label_reaches_the_printer_as_exactly_its_zpl(client, emulator):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}")

    response = await print_label(client, "PACK-3", SHIPPING)

    assert response.status_code == 201, response.text
    job = response.json()
    assert job["status"] == "printed" and job["attempts"] == 1 and job["printed_at"]
    assert job["printer"] == "PACK-3" and job["user"] == "packer" and job["label_kind"] == "shipping"
    assert job["label_data"] == SHIPPING | {"tracking_url": ""}
    data = {k: v for k, v in SHIPPING.items() if k != "kind"}
    expected = to_zpl(templates.shipping_label(msgspec.convert(data, templates.ShippingData)))
    assert job["zpl"] == expected
    received = await emulator.wait_for_labels(1)
    assert received == [expected.strip().encode("utf-8")]
    assert bytes(emulator.raw) == b"~HS" + expected.encode("utf-8")  # asked the status, then sent


async def test_the_print_is_recorded_in_the_job_list(client, emulator):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}")
    printed = (await print_label(client, "PACK-3", SHIPPING)).json()

    listed = await client.get("/api/v1/print-jobs", params={"printer": "PACK-3"}, headers=bearer("supervisor"))

    assert listed.status_code == 200
    assert [j["id"] for j in listed.json()["items"]] == [printed["id"]]
    failed = await client.get("/api/v1/print-jobs", params={"status": "failed"}, headers=bearer("supervisor"))
    assert failed.json()["items"] == []
