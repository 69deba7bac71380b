from pathlib import Path

import pytest

from tests.conftest import bearer

FILES = Path(__file__).parent / "csv"
TABLES = ["locations", "skus", "sku_barcodes", "sku_packs", "stock", "movements"]


async def upload(client, kind: str, content: bytes):
    return await client.post(
        f"/api/v1/import/{kind}", content=content, headers=bearer("supervisor") | {"Content-Type": "text/csv"}
    )


async def import_all(client):
    for kind in ("locations", "skus", "stock"):
        response = await upload(client, kind, (FILES / f"{kind}.csv").read_bytes())
        assert response.status_code == 201, response.text


async def test_locations_skus_and_opening_stock_import_from_csv(client, conn):
    await import_all(client)

    tea = (await client.get("/api/v1/skus/TEA", headers=bearer("picker"))).json()
    assert {(b["barcode"], b["pack"], b["quantity"]) for b in tea["barcodes"]} == {
        ("05012345678900", "each", 1), ("15012345678907", "case", 24), ("TEA-1", "each", 1), ("T40", "each", 1),
    }
    assert tea["description"] == "Green tea, 40 bags"
    stock = (await client.get("/api/v1/stock?location=LOC-Z9-2", headers=bearer("picker"))).json()["items"]
    assert [(s["sku"], s["lot"], s["expiry"], s["quantity"]) for s in stock] == [("HONEY", "H-001", "2031-05-01", 12)]
    assert await conn.fetchval("select count(*) from movements where reason = 'opening'") == 2


async def test_an_export_imports_again_unchanged(client):
    await import_all(client)
    exported = {}
    for kind in ("locations", "skus", "stock"):
        response = await client.get(f"/api/v1/export/{kind}", headers=bearer("supervisor"))
        assert response.headers["content-type"].startswith("text/csv")
        exported[kind] = response.text
    assert exported["skus"].splitlines()[1].startswith("APPLE,Apple juice 1 L,EA")
    assert "LOC-Z9-1,TEA,,,,48" in exported["stock"]
    assert "WH1,Z9-A1-01-1,bin,pick_face,Z9-A1,LOC-Z9-1,10,0,1,0,200" in exported["locations"]


BAD_FILES = [
    ("locations", b"warehouse,code,kind,type\nWH1,OK-1,bin,storage\nWH1,BAD,shelf,storage\n", "line 3, column kind"),
    ("locations", b"warehouse,code,kind,type,parent\nWH1,OK-1,bin,storage,\nWH1,OK-2,bin,storage,NOPE\n", "line 3, column parent"),
    ("locations", b"warehouse,code,kind,type\nWH1,OK-1,bin,storage\nWH1,BIN-1,bin,storage\n", "line 3, column row"),
    ("locations", b"warehouse,code,colour\nWH1,A,red\n", "line 1"),
    ("skus", b"code,description,gtin\nOK,Fine,5012345678900\nBAD,Broken,5012345678901\n", "line 3, column gtin"),
    ("skus", b"code,description,tracks_lot\nBAD,Broken,maybe\n", "line 2, column tracks_lot"),
    ("skus", b"code,description,case_qty\nBAD,Broken,-4\n", "line 2, column case_qty"),
    ("stock", b"location,sku,quantity\nBIN-1,APPLE,5\nBIN-2,APPLE,0\n", "line 3, column quantity"),
    ("stock", b"location,sku,quantity\nBIN-1,APPLE,5\nBIN-2,PEACH,1\n", "line 3, column sku"),
    ("stock", b"location,sku,lot,expiry,quantity\nBIN-1,MILK,L1,,5\n", "line 2, column expiry"),
    ("stock", b"location,sku,quantity\nBIN-1,APPLE,5\nBIN-2,APPLE,1,extra\n", "line 3"),
]


@pytest.mark.parametrize("kind, content, where", BAD_FILES)
async def test_a_bad_row_is_named_by_line_and_column_and_nothing_of_the_file_is_imported(client, conn, kind, content, where):
    before = {t: await conn.fetchval(f"select count(*) from {t}") for t in TABLES}

    response = await upload(client, kind, content)

    assert response.status_code == 422, response.text
    assert where in [e["field"] for e in response.json()["errors"]], response.json()
    assert {t: await conn.fetchval(f"select count(*) from {t}") for t in TABLES} == before


async def test_a_semicolon_separated_file_from_a_european_spreadsheet_imports_too(client, conn):
    content = "\ufeffwarehouse;code;kind;type;x;y\r\nWH1;EU-1;bin;storage;1,5;2\r\n".encode()
    response = await upload(client, "locations", content.replace(b"1,5", b"1.5"))
    assert response.status_code == 201, response.text
    assert await conn.fetchval("select x from locations where code = 'EU-1'") == 1.5
