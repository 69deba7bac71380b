from labels.emulator import EmulatorThread
from tests.conftest import bearer
from tests.printers import add_printer, emulator, fast_retries, free_port  # noqa: F401


async def test_printers_are_listed_with_their_status_now(fast_retries, client, emulator):
    await add_printer(client, "PACK-3", f"127.0.0.1:{emulator.port}")
    await add_printer(client, "DOCK-1", f"127.0.0.1:{free_port()}")
    await add_printer(client, "DESK", "zebra_desk", transport="cups")
    with EmulatorThread(render_png=False, faults={"ribbon_out"}) as faulty:
        await add_printer(client, "PACK-4", f"127.0.0.1:{faulty.port}")

        response = await client.get("/api/v1/printers", headers=bearer("picker"))

    assert response.status_code == 200, response.text
    states = {p["name"]: (p["status"]["state"], p["status"]["faults"]) for p in response.json()}
    assert states == {
        "DESK": ("unknown", []),
        "DOCK-1": ("unreachable", []),
        "PACK-3": ("ready", []),
        "PACK-4": ("fault", ["ribbon out"]),
    }
    [pack3] = [p for p in response.json() if p["name"] == "PACK-3"]
    assert pack3["location"] == "packing station 3" and pack3["transport"] == "tcp" and pack3["dpi"] == 203


async def test_only_a_supervisor_adds_printers_and_names_are_unique(client):
    body = {"name": "PACK-3", "transport": "tcp", "address": "10.0.0.17"}
    assert (await client.post("/api/v1/printers", json=body, headers=bearer("packer"))).status_code == 403
    assert (await client.post("/api/v1/printers", json=body, headers=bearer("supervisor"))).status_code == 201
    assert (await client.post("/api/v1/printers", json=body, headers=bearer("supervisor"))).status_code == 409
    bad = body | {"name": "PACK-5", "address": "10.0.0.17:http"}
    response = await client.post("/api/v1/printers", json=bad, headers=bearer("supervisor"))
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "address"


async def test_an_unknown_printer_is_not_found(client):
    assert (await client.get("/api/v1/printers/NOPE/status", headers=bearer("packer"))).status_code == 404
    response = await client.post("/api/v1/printers/NOPE/jobs", json={"kind": "location", "code": "A"}, headers=bearer("packer"))
    assert response.status_code == 404
