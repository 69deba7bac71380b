import pytest

from tests.conftest import bearer
from tests.printers import SHIPPING, add_printer, emulator, print_label  # noqa: F401

ITEM = {"kind": "item", "sku": "APPLE", "description": "Apple juice 1 L", "gtin": "4006381333931"}
SSCC = {"kind": "sscc", "sscc": "340123450012345670", "shipper": {"name": "Acme", "lines": ["Gate 2"], "city": "Hamburg"},
        "content": {"gtin": "4006381333931", "count": 24}}

BAD = [
    (ITEM | {"gtin": "40063813339AB"}, "gtin"),  # letters in an EAN
    (ITEM | {"gtin": "4006381333932"}, "gtin"),  # wrong check digit
    (SHIPPING | {"carrier": "Deutsche Post DHL Group International Express"}, "carrier"),  # too long
    (SHIPPING | {"tracking_number": "1Z999AA1\u00e9"}, "tracking_barcode"),  # not Code 128
    (SSCC | {"content": SSCC["content"] | {"lot": "LOT 7"}}, "content_lot"),  # a space: not GS1's set
    (SSCC | {"content": SSCC["content"] | {"lot": "L" * 21}}, "content_lot"),  # over 20 characters
    (SSCC | {"content": SSCC["content"] | {"count": 123_456_789}}, "content_count"),  # over 8 digits
]


@pytest.mark.parametrize(("label", "element"), BAD)
async def test_bad_label_data_is_refused_naming_the_element_and_no_job_is_recorded(client, conn, emulator, label, element):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}")

    response = await print_label(client, "PACK-3", label)

    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == element
    assert await conn.fetchval("select count(*) from print_jobs") == 0
    assert emulator.received == []
    preview = await client.post("/api/v1/labels/preview", json=label, headers=bearer("packer"))
    assert preview.status_code == 422 and preview.json()["errors"][0]["field"] == element


async def test_a_label_larger_than_the_printers_stock_is_refused(client, conn, emulator):
    await add_printer(client, "BIN-PRINTER", f"127.0.0.1:{emulator.port}", label_size="4x2")

    response = await print_label(client, "BIN-PRINTER", SHIPPING)

    assert response.status_code == 422
    assert "4x2" in response.json()["detail"]
    assert await conn.fetchval("select count(*) from print_jobs") == 0


async def test_a_request_of_an_unknown_kind_or_with_unknown_fields_is_malformed(client, emulator):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}")
    for label in ({"kind": "poster", "code": "X"}, SHIPPING | {"colour": "red"}):
        assert (await print_label(client, "PACK-3", label)).status_code == 400
