"""A shop's developer generates a client from the live OpenAPI document (openapi-python-client)
and uses it: an order, its replay, and refusals come back typed, every problem as the one
Problem model, because the document describes the answers the server really gives."""

import importlib
import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.channels import ADDRESS, make_channel
from tests.serving import free_port, wait_healthy

BIN = Path(sys.executable).parent


def generate(spec: bytes, where: Path) -> None:
    (where / "openapi.json").write_bytes(spec)
    result = subprocess.run(
        [str(BIN / "openapi-python-client"), "generate", "--path", "openapi.json", "--meta", "none", "--output-path", "wms_client"],
        cwd=where, capture_output=True, text=True, timeout=120,
        env=os.environ | {"PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},  # it formats with ruff
    )
    assert result.returncode == 0, result.stdout + result.stderr


async def test_a_generated_client_places_an_order_replays_it_and_reads_each_refusal(database_url, conn, tmp_path):
    shop = await make_channel(conn)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "server.cli", "serve", "--port", str(port)],
        env=os.environ | {"WMS_DATABASE_URL": database_url}, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(f"{base}/health", server)
        generate(httpx.get(f"{base}/schema/openapi.json").content, tmp_path)
        sys.path.insert(0, str(tmp_path))
        try:
            client_module = importlib.import_module("wms_client")
            create_order = importlib.import_module("wms_client.api.orders.create_order")
            get_order = importlib.import_module("wms_client.api.orders.get_order")
            models = importlib.import_module("wms_client.models")
        finally:
            sys.path.remove(str(tmp_path))
        client = client_module.AuthenticatedClient(base_url=base, token=shop.api_key)

        def place(lines: list[dict], key: str | None = None, external_id: str = "GEN-1"):
            body = models.OrderCreate.from_dict({"external_id": external_id, "ship_to": ADDRESS, "lines": lines})
            return create_order.sync_detailed(client=client, body=body, idempotency_key=key) if key else \
                create_order.sync_detailed(client=client, body=body)

        created = place([{"sku": "APPLE", "quantity": 2}], key="gen-1")
        assert created.status_code == 201 and isinstance(created.parsed, models.Order)
        assert created.parsed.lines[0].sku == "APPLE"

        replay = place([{"sku": "APPLE", "quantity": 2}], key="gen-1")
        assert replay.status_code == 201 and replay.parsed.id == created.parsed.id
        assert replay.headers["Idempotent-Replayed"] == "true"

        unknown = place([{"sku": "NO-SUCH-SKU", "quantity": 1}], external_id="GEN-2")
        assert unknown.status_code == 422 and isinstance(unknown.parsed, models.Problem)
        assert unknown.parsed.errors[0].field == "lines[0].sku"

        duplicate = place([{"sku": "APPLE", "quantity": 1}])
        assert duplicate.status_code == 409 and isinstance(duplicate.parsed, models.Problem)

        too_long = place([{"sku": "APPLE", "quantity": 1}], key="k" * 256, external_id="GEN-3")
        assert too_long.status_code == 400 and too_long.parsed.errors[0].field == "Idempotency-Key"

        missing = get_order.sync_detailed(order_id=999_999, client=client)
        assert missing.status_code == 404 and isinstance(missing.parsed, models.Problem)

        anonymous = client_module.Client(base_url=base)
        refused = get_order.sync_detailed(order_id=created.parsed.id, client=anonymous)
        assert refused.status_code == 401 and isinstance(refused.parsed, models.Problem)
    finally:
        server.terminate()
        server.wait(timeout=30)
