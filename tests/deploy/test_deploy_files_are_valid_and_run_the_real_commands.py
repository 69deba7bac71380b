"""deploy/ checked here, where no container engine or cluster runs: the Kubernetes manifests
against the Kubernetes schemas (kubernetes-validate), the compose file against the Compose
specification's (check-jsonschema's copy), the Caddyfile by Caddy, the systemd units by
systemd-analyze; and every `wms` command in them is run against the real server (a serve answers
on the health path its probes ask), with only the database URL and the port changed."""

import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from tests.serving import free_port, wait_healthy

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SERVER = Path(__file__).resolve().parents[2] / "server"


def manifests() -> list[dict]:
    return [doc for path in sorted((DEPLOY / "kubernetes").glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text())]


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def containers() -> list[dict]:
    return [c for m in manifests() if m["kind"] in ("Deployment", "Job") for c in m["spec"]["template"]["spec"]["containers"]]


def commands() -> list[tuple[str, list[str], dict[str, str]]]:
    """Every `wms ...` in deploy/: where it is, its arguments, the environment given with it (a
    shell line as ["sh", "-c", line], systemd's %% still in it)."""
    found = [(f"kubernetes {c['name']}", c["command"], {e["name"]: e.get("value", "") for e in c.get("env", [])})
             for c in containers()]
    for name, service in compose()["services"].items():
        if service.get("command", [""])[0] == "wms":
            found.append((f"compose {name}", service["command"], service.get("environment", {})))
    docker_cmd = re.search(r"^CMD (\[.*\])$", (DEPLOY / "Dockerfile").read_text(), re.M).group(1)
    found.append(("Dockerfile", json.loads(docker_cmd), {}))
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        for line in re.findall(r"^ExecStart=(.*)$", unit.read_text(), re.M):
            words = shlex.split(line)
            found.append((unit.name, ["sh", "-c", words[2]] if words[0].endswith("/sh") else ["wms", *words[1:]], {}))
    return found


def subcommand(args: list[str]) -> str:
    return re.search(r"/wms (\w+)", args[2]).group(1) if args[0] == "sh" else args[1]


def test_the_kubernetes_manifests_pass_the_kubernetes_schemas():
    kinds = set()
    for manifest in manifests():
        kubernetes_validate.validate(manifest, kubernetes_validate.latest_version(), strict=True)
        kinds.add(manifest["kind"])
    assert kinds == {"Secret", "Job", "Deployment", "Service", "PodDisruptionBudget"}


def test_the_deployment_is_probed_on_health_at_the_port_it_serves_and_takes_its_url_from_the_secret():
    (deployment,) = [m for m in manifests() if m["kind"] == "Deployment"]
    (api,) = deployment["spec"]["template"]["spec"]["containers"]
    port = api["command"][api["command"].index("--port") + 1]
    assert [p["containerPort"] for p in api["ports"] if p["name"] == "http"] == [int(port)]
    for probe in ("readinessProbe", "livenessProbe"):
        assert api[probe]["httpGet"] == {"path": "/health", "port": "http"}
    (secret,) = [m for m in manifests() if m["kind"] == "Secret"]
    for container in containers():
        for env in container["env"]:
            if "valueFrom" in env:
                assert env["valueFrom"]["secretKeyRef"]["name"] == secret["metadata"]["name"]
                assert env["valueFrom"]["secretKeyRef"]["key"] in secret["stringData"]
    (budget,) = [m for m in manifests() if m["kind"] == "PodDisruptionBudget"]
    assert budget["spec"]["selector"]["matchLabels"] == deployment["spec"]["selector"]["matchLabels"]


def test_the_compose_file_passes_the_compose_specification_and_has_replicas_behind_pgbouncer_and_a_proxy():
    checked = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.compose-spec",
                              str(DEPLOY / "compose.yaml")], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    services = compose()["services"]
    assert services["wms"]["deploy"]["replicas"] > 1
    env = services["wms"]["environment"]
    assert "@pgbouncer:" in env["WMS_DATABASE_URL"] and env["WMS_PGBOUNCER"] == "1" and "@postgres:" in env["WMS_LISTEN_URL"]
    assert "/health" in " ".join(services["wms"]["healthcheck"]["test"])
    assert (DEPLOY / services["pgbouncer"]["build"] / "pgbouncer.ini").exists()


@pytest.mark.skipif(not shutil.which("caddy"), reason="no caddy: make test installs Debian's as root (tests/install_system_packages.sh)")
def test_caddy_accepts_the_caddyfile_and_proxies_to_the_port_the_replicas_serve():
    caddyfile = str(DEPLOY / "Caddyfile")
    validated = subprocess.run(["caddy", "validate", "--config", caddyfile, "--adapter", "caddyfile"], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stderr
    adapted = json.loads(subprocess.run(["caddy", "adapt", "--config", caddyfile, "--adapter", "caddyfile"],
                                        capture_output=True, text=True, check=True).stdout)
    (proxy,) = adapted["apps"]["http"]["servers"]["srv0"]["routes"][0]["handle"]
    served = compose()["services"]["wms"]["command"]
    assert proxy["dynamic_upstreams"] == {"source": "a", "name": "wms", "port": served[served.index("--port") + 1], "refresh": 5_000_000_000}


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze on this machine")
def test_systemd_accepts_the_units(tmp_path):
    # verify insists that ExecStart's program exists: the installed path is this checkout's wms
    for unit in (DEPLOY / "systemd").iterdir():
        (tmp_path / unit.name).write_text(unit.read_text().replace("/opt/wms/.venv/bin/wms", str(Path(sys.executable).with_name("wms"))))
    verified = subprocess.run(["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())], capture_output=True, text=True)
    assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr


def test_every_setting_deploy_gives_is_one_the_server_reads():
    source = "\n".join(p.read_text() for p in SERVER.rglob("*.py"))
    names = set(re.findall(r"\bWMS_[A-Z_]+\b", "\n".join(p.read_text() for p in DEPLOY.rglob("*") if p.is_file())))
    names -= {"WMS_DB_USER", "WMS_DB_PASSWORD"}  # compose's own variables, for PostgreSQL and PgBouncer
    assert names and all(f'"{name}"' in source for name in names), [n for n in names if f'"{n}"' not in source]


def test_every_wms_command_in_deploy_runs_against_the_real_server(database_url, tmp_path):
    found = commands()
    assert {subcommand(args) for _, args, _ in found} == {"serve", "migrate", "backup"}, found
    tried = set()
    for where, args, env in found:
        if tuple(args) in tried:
            continue
        tried.add(tuple(args))
        env = os.environ | {k: v for k, v in env.items() if v} | {"WMS_DATABASE_URL": database_url}
        env.pop("WMS_LISTEN_URL", None)  # deploy/'s names hosts of its own; the test database listens as it serves
        match subcommand(args):
            case "serve":
                argv = list(args)
                argv[argv.index("--port") + 1] = str(port := free_port())
                server = subprocess.Popen([sys.executable, "-m", "server.cli", *argv[1:]], env=env,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
                try:
                    assert wait_healthy(f"http://127.0.0.1:{port}/health", server)["status"] == 200, where
                finally:
                    server.send_signal(signal.SIGTERM)
                    assert server.wait(timeout=30) == 0, where
            case "migrate":
                done = subprocess.run([sys.executable, "-m", "server.cli", *args[1:]], env=env, capture_output=True, text=True)
                assert done.returncode == 0 and "up to date" in done.stdout, (where, done.stderr)
            case "backup":  # the nightly backup's shell line, as systemd hands it to sh, into tmp_path
                line = args[2].replace("%%", "%").replace("/var/lib/wms/backups", str(tmp_path))
                line = line.replace("/opt/wms/.venv/bin/wms", f"{sys.executable} -m server.cli")
                done = subprocess.run(args[:2] + [line], env=env, capture_output=True, text=True)
                assert done.returncode == 0 and len(list(tmp_path.glob("wms-*.backup"))) == 1, (where, done.stderr)
