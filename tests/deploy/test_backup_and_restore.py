"""`wms backup` of the embedded database while `wms serve` writes to it, `wms restore` into a new
data directory: the ledger checks out there, and the restored warehouse serves the same orders,
stock and channel (its API key still works)."""

import os
import signal
import subprocess
import sys

import httpx

from tests.channels import ADDRESS
from tests.serving import free_port, wait_healthy


def wms(data_dir, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "WMS_DATABASE_URL"} | {"WMS_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, capture_output=True, text=True, timeout=120)


def serving(data_dir, *args: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "WMS_DATABASE_URL"} | {"WMS_DATA_DIR": str(data_dir)}
    server = subprocess.Popen([sys.executable, "-m", "server.cli", "serve", "--port", str(port), *args],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    wait_healthy(f"http://127.0.0.1:{port}/health", server, seconds=90)
    return server, f"http://127.0.0.1:{port}"


def stop(server: subprocess.Popen) -> None:
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=30) == 0


def test_a_backup_taken_while_serving_restores_into_a_new_data_directory_whole(tmp_path):
    first, second, backup = tmp_path / "first", tmp_path / "second", tmp_path / "wms.backup"
    server, base = serving(first, "--demo")
    try:
        admin = httpx.post(f"{base}/api/v1/auth/login", json={"username": "admin", "password": "demo-admin"}).json()["token"]
        shop = httpx.post(f"{base}/api/v1/channels", json={"name": "shop"}, headers={"Authorization": f"Bearer {admin}"})
        assert shop.status_code == 201, shop.text
        channel = {"Authorization": f"Bearer {shop.json()['api_key']}"}
        for n in range(5):
            placed = httpx.post(f"{base}/api/v1/orders", headers=channel, json={
                "external_id": f"B-{n}", "ship_to": ADDRESS, "lines": [{"sku": "SKU-0001", "quantity": 1 + n}]})
            assert placed.status_code == 201, placed.text
        backed_up = wms(first, "backup", str(backup))
        assert backed_up.returncode == 0 and backup.stat().st_size > 0, backed_up.stderr
    finally:
        stop(server)
    stock = wms(first, "export", "stock").stdout

    restored = wms(second, "restore", str(backup))
    assert restored.returncode == 0, restored.stderr
    checked = wms(second, "check-ledger")
    assert checked.returncode == 0 and "ledger and on hand agree" in checked.stdout, checked.stdout
    assert wms(second, "export", "stock").stdout == stock
    again = wms(second, "restore", str(backup))  # never over data
    assert again.returncode == 1 and "not empty" in again.stderr, again.stderr

    server, base = serving(second)
    try:
        orders = httpx.get(f"{base}/api/v1/orders", headers=channel).json()["items"]
        assert sorted(o["external_id"] for o in orders) == [f"B-{n}" for n in range(5)]
        assert all(o["status"] == "allocated" for o in orders), orders
    finally:
        stop(server)
