from tests.conftest import bearer


async def create(client, **fields):
    body = {"warehouse": "WH1", "type": "storage"} | fields
    response = await client.post("/api/v1/locations", json=body, headers=bearer("supervisor"))
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_bin_is_created_under_its_zone_aisle_and_bay_and_found_by_its_barcode(client):
    await create(client, code="Z2", kind="zone")
    await create(client, code="Z2-A1", kind="aisle", parent="Z2")
    await create(client, code="Z2-A1-01", kind="bay", parent="Z2-A1")
    created = await create(
        client, code="Z2-A1-01-1", kind="bin", type="pick_face", parent="Z2-A1-01", barcode="LOC0042",
        pick_sequence=42, x=3.0, y=1.5, z=0.0, capacity=300,
    )

    found = (await client.get("/api/v1/locations/by-barcode/LOC0042", headers=bearer("picker"))).json()
    assert found == created
    assert found["parent"] == "Z2-A1-01" and found["pick_sequence"] == 42 and found["x"] == 3.0


async def test_the_barcode_defaults_to_the_code(client):
    created = await create(client, code="FLOOR-7", kind="area", type="staging")
    assert created["barcode"] == "FLOOR-7"


async def test_locations_can_be_listed_by_type(client):
    page = (await client.get("/api/v1/locations?type=pick_face", headers=bearer("picker"))).json()
    assert [l["code"] for l in page["items"]] == ["BIN-1", "BIN-2", "BIN-3", "BIN-4"]


async def test_an_unknown_barcode_is_a_404(client):
    response = await client.get("/api/v1/locations/by-barcode/NOPE", headers=bearer("picker"))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_barcode_cannot_name_two_locations(client):
    await create(client, code="X1", kind="bin", barcode="DUP")
    response = await client.post(
        "/api/v1/locations", json={"warehouse": "WH1", "code": "X2", "kind": "bin", "type": "storage", "barcode": "DUP"},
        headers=bearer("supervisor"),
    )
    assert response.status_code == 409
    assert "DUP" in response.json()["detail"]
