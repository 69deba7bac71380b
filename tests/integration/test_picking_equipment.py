"""Bins that need equipment (a reach truck for a high bay) go only to pickers who have it."""

from tests.conftest import bearer
from tests.picking_floor import next_trip, orders, release, stock


async def high_bay(client, code: str = "HIGH-1") -> dict:
    body = {"warehouse": "WH1", "code": code, "kind": "bin", "type": "pick_face", "parent": "ZONE-A", "x": 2.0, "y": 5.0,
            "equipment": "reach_truck"}
    response = await client.post("/api/v1/locations", json=body, headers=bearer("supervisor"))
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_picker_without_the_reach_truck_is_never_handed_the_high_bay_trip_and_one_with_it_is(client, conn):
    assert (await high_bay(client))["equipment"] == "reach_truck"
    await stock(client, "HIGH-1", 10)
    await stock(client, "BIN-2", 10, "MILK", lot="L1", expiry="2031-01-01")
    await orders(client, conn, [{"sku": "APPLE", "quantity": 2}], [{"sku": "MILK", "quantity": 1}])
    await release(client, mode="discrete")

    on_foot = await next_trip(client)
    assert [t["location"] for t in on_foot["tasks"]] == ["BIN-2"]  # the high-bay order came first, and was passed over
    for equipment in ([], ["ladder"]):
        refused = await client.post("/api/v1/picking/next", json={"equipment": equipment}, headers=bearer("admin"))
        assert refused.status_code == 404, refused.text
    assert "a picker with ladder" in refused.json()["detail"]

    driver = await next_trip(client, role="supervisor", equipment=["reach_truck", "ladder"])
    assert [t["location"] for t in driver["tasks"]] == ["HIGH-1"]


async def test_a_short_pick_re_allocated_to_a_high_bay_goes_to_a_picker_with_the_reach_truck(client, conn):
    await high_bay(client)
    await stock(client, "BIN-1", 5)
    await stock(client, "HIGH-1", 5)
    await orders(client, conn, [{"sku": "APPLE", "quantity": 5}])
    await release(client)
    task = (await next_trip(client))["tasks"][0]
    assert task["location"] == "BIN-1"

    short = await client.post(
        f"/api/v1/picking/tasks/{task['id']}/short", json={"scan_id": "s1", "location": "BIN-1", "reason": "empty"},
        headers=bearer("picker"),
    )

    answer = short.json()
    assert answer["next_tasks"] == [] and "HIGH-1 need reach_truck" in answer["message"]
    assert (await client.post("/api/v1/picking/next", json={}, headers=bearer("picker"))).status_code == 404
    driver = await next_trip(client, role="supervisor", equipment=["reach_truck"])
    assert [(t["location"], t["quantity"]) for t in driver["tasks"]] == [("HIGH-1", 5)]


async def test_the_equipment_column_is_imported_and_exported(client):
    csv = b"warehouse,code,kind,type,parent,equipment\nWH1,TOP-1,bin,storage,ZONE-A,ladder\n"
    response = await client.post("/api/v1/import/locations", content=csv, headers=bearer("supervisor") | {"Content-Type": "text/csv"})
    assert response.status_code in (200, 201), response.text
    exported = (await client.get("/api/v1/export/locations", headers=bearer("supervisor"))).text
    assert exported.splitlines()[0].endswith(",capacity,equipment")
    assert any(line.startswith("WH1,TOP-1,bin,storage,ZONE-A,") and line.endswith(",ladder") for line in exported.splitlines())
