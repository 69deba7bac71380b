"""The pack stations' figures, through HTTP against `wms serve --workers 2`:

    .venv/bin/python -m bench.packing [--stations 20] [--seconds 10] [--closes 50]

- pack scans: --stations stations (wrk, one connection each, each its own packer) scanning the
  items of orders picked into totes into open cartons, flat out, one unit a scan: scans per
  second, median and p99 latency of every request (bench/packing_wrk.lua);
- the same stations paced as fast packers work (a scan every --interval seconds each): median
  and p99 of each scan's answer, as a packer waits for it;
- closing a carton end to end: POST .../close with the weight and the station's printer (the
  printer emulator on TCP 9100 of loopback), answered when the SSCC is given, the tracking number
  booked and both labels rendered and received by the printer: median and p99.
The latency run needs wrk (`make bench` installs it).
"""

import argparse
import asyncio
import time

import asyncpg
import httpx
import msgspec

from bench import _wrk as wrk
from bench._database import scratch_database
from bench._figures import quantiles
from bench._server import running_server
from bench.picking import checkpoint
from labels.emulator import EmulatorThread
from schema.catalog import SkuBarcode, SkuCreate
from schema.channels import ChannelCreate
from schema.locations import LocationCreate, WarehouseCreate
from schema.orders import OrderCreate
from schema.picking import PickConfirm, TripRequest, WaveRelease
from schema.printing import PrinterCreate
from schema.shipping import CartonOpen, CartonTypeIn
from schema.stock import Adjustment
from server.core.tokens import token_digest
from server.floor import confirmation, trips, waves
from server.inventory import catalog, locations, stock
from server.orders import allocation, channels, placing
from server.printing import printers
from server.shipping import cartons, packing

GTIN = "4006381333931"
ADDRESS = {"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"}


async def user(conn, name: str, role: str) -> tuple[int, str, str]:
    user_id = await conn.fetchval("insert into users (username, name, role) values ($1, $1, $2) returning id", name, role)
    token = f"bench-{name}"
    await conn.execute("insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + interval '1 day')",
                       token_digest(token), user_id)
    return user_id, name, token


async def floor(conn, stations: int, per_station: int, units: int) -> list[dict]:
    """Orders of `units` each, picked into a tote each, a carton open for each at its station;
    per station its packer's token and its cartons."""
    await locations.create_warehouse(conn, WarehouseCreate(code="B", name="Bench"))
    await locations.create_location(conn, LocationCreate(warehouse="B", code="PACK", kind="area", type="packing"))
    await locations.create_location(conn, LocationCreate(warehouse="B", code="BIN-1", kind="bin", type="pick_face"))
    await catalog.create_sku(conn, SkuCreate(code="APPLE", description="Apple juice 1 L", length_mm=250, width_mm=70, height_mm=70,
                                             weight_g=1050, barcodes=[SkuBarcode(barcode=GTIN)]))
    await cartons.put_carton_type(conn, CartonTypeIn(code="BOX-L", length_mm=600, width_mm=400, height_mm=400, tare_g=600,
                                                     max_weight_g=30_000))
    orders = stations * per_station
    await stock.adjust(conn, Adjustment(location="BIN-1", sku="APPLE", quantity=orders * units, direction="in", reason="found"),
                       (None, "bench"), allocation.allocate_waiting)
    shop = await channels.create_channel(conn, ChannelCreate(name="bench"))
    async with conn.transaction():
        for n in range(orders):
            order = msgspec.convert({"external_id": f"O-{n}", "ship_to": ADDRESS,
                                     "lines": [{"sku": "APPLE", "quantity": units}]}, OrderCreate)
            await placing.create_order(conn, (shop.channel.id, "bench"), order)
        await waves.release_wave(conn, WaveRelease(mode="discrete", max_orders=orders), None)
    picker = await user(conn, "picker", "picker")
    for n in range(orders):
        trip = await trips.next_trip(conn, TripRequest(), picker[:2])
        for task in trip.tasks:
            async with conn.transaction():
                await confirmation.confirm(conn, task.id, PickConfirm(scan_id=f"p{task.id}", location=task.location_barcode,
                                                                      item=GTIN, count=task.quantity, tote=f"T-{n}"), picker[:2])
    order_ids = [r["id"] for r in await conn.fetch("select id from orders order by id")]
    stations_data = []
    for s in range(stations):
        packer = await user(conn, f"packer{s}", "packer")
        opened = []
        for order_id in order_ids[s * per_station:(s + 1) * per_station]:
            async with conn.transaction():
                opened.append((await packing.open_carton(conn, order_id, CartonOpen(carton_type="BOX-L", station=f"PS-{s}"),
                                                         packer[:2])).id)
        stations_data.append({"token": packer[2], "cartons": opened})
    return stations_data


def pack_scans(base: str, stations: list[dict], units: int, seconds: float) -> tuple[int, float, float]:
    """Scans packed, median and p99 ms of every request, of the stations in wrk."""
    data = (f'return {{gtin = "{GTIN}", units = {units}, stations = {{'
            + ",".join(f'{{token = "{s["token"]}", cartons = {{{",".join(map(str, s["cartons"]))}}}}}' for s in stations)
            + "}}\n")
    counts = wrk.run("packing_wrk.lua", data, len(stations), seconds, base, zero=("refused", "idle"))
    return counts["packed"], counts["p50"] / 1000, counts["p99"] / 1000


async def paced(base: str, stations: list[dict], units: int, interval: float, seconds: float) -> list[float]:
    """Seconds per scan of stations each scanning every `interval` seconds (a fast packer), into
    the last two cartons of each station, which the flat-out run does not reach."""
    latencies: list[float] = []

    async def station(number: int, token: str, boxes: list[int]) -> None:
        todo = [(box, n) for box in boxes for n in range(units)]
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            # a station is a long-lived client: its connection and login are made before it scans
            (await http.get(f"/api/v1/packing/cartons/{boxes[0]}")).raise_for_status()
            await asyncio.sleep(interval * number / len(stations))  # packers do not scan in step
            deadline = time.perf_counter() + seconds
            for box, n in todo:
                if time.perf_counter() > deadline:
                    return
                start = time.perf_counter()
                response = await http.post(f"/api/v1/packing/cartons/{box}/items",
                                           json={"scan_id": f"paced-{number}-{box}-{n}", "item": f"]E0{GTIN}"})
                if response.status_code != 200:
                    raise SystemExit(f"paced scan refused: {response.status_code} {response.text[:300]}")
                latencies.append(time.perf_counter() - start)
                await asyncio.sleep(max(0.0, interval - (time.perf_counter() - start)))

    await asyncio.gather(*[station(n, s["token"], s["cartons"][-2:]) for n, s in enumerate(stations)])
    return latencies


async def closes(conn, base: str, token: str, count: int) -> list[float]:
    """Seconds per close, for `count` full cartons, each printed on the emulator before it answers."""
    full = [r["id"] for r in await conn.fetch(
        "select c.id from cartons c where c.status = 'open' and not exists (select 1 from order_lines l"
        " where l.order_id = c.order_id and l.packed < l.quantity) order by c.id limit $1", count)]
    if len(full) < count:
        raise SystemExit(f"only {len(full)} cartons were packed full; run the scans longer")
    took = []
    with EmulatorThread() as emulator:
        async with conn.transaction():
            await printers.create_printer(conn, PrinterCreate(name="PACK-1", transport="tcp", address=f"127.0.0.1:{emulator.port}",
                                                              label_size="4x6"))
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            for carton_id in full:
                weight = await conn.fetchval("select expected_g from (select c.id, t.tare_g + sum(i.quantity * 1050) as expected_g"
                                             " from cartons c join carton_types t on t.code = c.carton_type join carton_items i"
                                             " on i.carton_id = c.id where c.id = $1 group by c.id, t.tare_g) x", carton_id)
                before = len(emulator.received)
                start = time.perf_counter()
                response = await http.post(f"/api/v1/packing/cartons/{carton_id}/close", json={"weight_g": int(weight), "printer": "PACK-1"})
                if response.status_code != 200 or [j["status"] for j in response.json()["print_jobs"]] != ["printed", "printed"]:
                    raise SystemExit(f"close {carton_id}: {response.status_code} {response.text[:300]}")
                while len(emulator.received) < before + 2:
                    await asyncio.sleep(0.001)
                took.append(time.perf_counter() - start)
    return took


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=20)
    parser.add_argument("--orders-per-station", type=int, default=40)
    parser.add_argument("--units", type=int, default=20, help="units per order, one scan each")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--closes", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between a paced station's scans")
    args = parser.parse_args()
    async with scratch_database() as url:
        conn = await asyncpg.connect(url)
        started = time.perf_counter()
        stations = await floor(conn, args.stations, args.orders_per_station, args.units)
        await checkpoint(conn)
        print(f"set-up: {args.stations * args.orders_per_station} orders picked, cartons open ({time.perf_counter() - started:.1f} s)")
        with running_server(url, workers=2) as base:
            packed, p50, p99 = pack_scans(base, stations, args.units, args.seconds)
            print(f"pack scans, {args.stations} stations flat out (wrk): {packed / args.seconds:,.0f} scans/s, "
                  f"median {p50:.1f} ms, p99 {p99:.1f} ms")
            await checkpoint(conn)  # the flat-out run's writes go to disk now, not during the paced run
            median, tail = quantiles(await paced(base, stations, args.units, args.interval, args.seconds))
            print(f"pack scans, {args.stations} stations each scanning every {args.interval:g} s: median {median:.1f} ms, "
                  f"p99 {tail:.1f} ms")
            median, tail = quantiles(await closes(conn, base, stations[0]["token"], args.closes))
            print(f"close a carton, SSCC + both labels at the printer ({args.closes}): median {median:.1f} ms, p99 {tail:.1f} ms")
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
