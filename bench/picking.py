"""Pick confirmations per second and their latency with 100 handhelds at once, and the time to
release a wave of 10,000 order lines (allocation + tasks), on the demo warehouse whose floor
already holds a day's work: --day-lines order lines released earlier, most of them picked.

    .venv/bin/python -m bench.picking [--handhelds 100] [--lines 10000] [--day-lines 100000]

With wrk installed (`make bench` installs it), the handhelds also pick through HTTP against a
`wms serve --workers 2` on the same database, as the floor does: each a wrk thread and connection
logged in as its own picker, claiming trips and confirming scans (bench/picking_wrk.lua); a
Python client on these 2 cores would measure itself. That run takes turns with the others.

Handhelds run in this process against the service layer (what the API handler calls: the
Coalescer that groups confirmations, the scan-id idempotency), sharing a pool of 20 connections
as one server process would; the report says how the flat-out confirmations were grouped and how
many took the statement alone, with follow-ups (an order's last pick) or the full path. Two
ceilings, on trips of their own, each picker working through a whole trip: the service's own
confirmation statement sent straight through asyncpg, one round trip per pick (the same SQL, no
Python, no grouping); and the bare writes of a pick in one statement (no checks, no scan-id
claim, no answer). The three flat-out runs take turns, A B C C B A, so that the ratios between
them see the same machine.
"""

import argparse
import asyncio
import contextlib
import functools
import hashlib
import random
import shutil
import statistics
import time

import asyncpg
import msgspec

from bench import _wrk as wrk
from bench._database import scratch_database
from bench._figures import quantiles
from bench._server import running_server
from schema.channels import ChannelCreate
from schema.picking import PickConfirm, TripRequest, WaveRelease
from server.core.coalescing import Coalescer
from server.core.idempotency import Stored, lock_id
from server.core.tokens import token_digest
from server.demo import load_demo
from server.floor import fast_confirmation, trips, waves
from server.floor.fast_confirmation import Confirmation
from server.inventory.catalog import barcode_forms
from server.orders import channels, placing

ADDRESS = {"name": "Ada Lovelace", "line1": "12 St James's Square", "city": "London", "postal_code": "SW1Y 4JH", "country": "GB"}

# The writes of one pick in one statement: the reservation, the bin (quantity and reserved), the
# tote row, the ledger, the task and the order line.
ONE_STATEMENT_PICK = """
with r as (
    update reservations set picked = picked + $2 where id = $1 returning stock_id
), bin as (
    update stock set quantity = quantity - $2, reserved = reserved - $2 where id = (select stock_id from r)
    returning location_id, sku_id, lot, expiry
), tote as (
    insert into stock (location_id, sku_id, lot, expiry, lpn, quantity)
    select $3, sku_id, lot, expiry, $4, $2 from bin
        on conflict (location_id, sku_id, lot, coalesce(expiry, 'infinity'::date), lpn)
        do update set quantity = stock.quantity + excluded.quantity
), ledger as (
    insert into movements (user_id, reason, sku_id, lot, expiry, from_location_id, to_location_id, to_lpn, quantity, reference)
    select $5, 'pick', sku_id, lot, expiry, location_id, $3, $4, $2, 'bench' from bin
), task as (
    update pick_tasks set picked = picked + $2, status = 'done' where id = $6
)
update order_lines set picked = picked + $2 where id = $7
"""


async def make_orders(conn, channel: tuple[int, str], lines: int, per_order: int, tag: str) -> None:
    skus = [r["code"] for r in await conn.fetch("select code from skus order by id")]
    rng = random.Random(3)
    bodies = [
        {"external_id": f"{tag}-{i}", "ship_to": ADDRESS, "lines": [{"sku": s, "quantity": 1} for s in rng.sample(skus, per_order)]}
        for i in range(0, lines, per_order)
    ]
    for start in range(0, len(bodies), 500):
        async with conn.transaction():
            await placing.create_batch(conn, channel, bodies[start : start + 500])


async def pickers(conn, count: int, prefix: str = "bench-picker") -> list[tuple[int, str]]:
    rows = []
    for i in range(count):
        rows.append(await conn.fetchrow(
            "insert into users (username, name, role) values ($1, $1, 'picker') returning id, username", f"{prefix}-{i}"
        ))
    return [(r["id"], r["username"]) for r in rows]


GROUPS: list[int] = []


async def confirm_group(pool, scans: list) -> list:
    GROUPS.append(len(scans))
    return await fast_confirmation.confirm_group(pool, scans)


async def confirmations(pool, users, seconds: float, think: float = 0.0) -> tuple[list[float], int]:
    """Handhelds confirming through a Coalescer, as the API handler does."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    picks = Coalescer(functools.partial(confirm_group, pool), concurrency=fast_confirmation.GROUPS_AT_ONCE)

    async def handheld(user) -> None:
        async with pool.acquire() as conn:
            try:
                trip = await trips.next_trip(conn, TripRequest(), user)
            except Exception:  # noqa: BLE001 - no work left
                return
        for task in trip.tasks:
            if task.status == "done":
                continue
            if time.monotonic() > stop:
                return
            scan = PickConfirm(scan_id=f"{user[1]}-{task.id}", location=task.location_barcode,
                               item=await gtin_of(pool, task.sku), count=task.quantity, tote=f"T-{user[1]}")
            started = time.perf_counter()
            stored = await picks.submit(Confirmation(f"user:{user[0]}", msgspec.json.encode(scan), task.id, scan, user))
            assert isinstance(stored, Stored) and stored.status_code == 200, stored
            latencies.append(time.perf_counter() - started)
            await asyncio.sleep(think * random.uniform(0.5, 1.5))

    async def keep_picking(user) -> None:
        await asyncio.sleep(random.uniform(0, think))  # pickers do not all scan in the same instant
        while time.monotonic() < stop:
            before = len(latencies)
            await handheld(user)
            if len(latencies) == before:
                return

    started = time.monotonic()
    await asyncio.gather(*(keep_picking(u) for u in users))
    return latencies, time.monotonic() - started


GTINS: dict[str, str] = {}


async def gtin_of(pool, sku: str) -> str:
    if sku not in GTINS:
        GTINS[sku] = await pool.fetchval(
            "select b.barcode from sku_barcodes b join skus s on s.id = b.sku_id where s.code = $1 and b.pack = 'each' and b.kind = 'gtin'", sku
        )
    return GTINS[sku]


OPEN_TASKS = """
select t.id, t.trip, t.reservation_id, t.order_line_id, t.to_location_id, t.quantity, l.barcode as location, b.barcode as gtin
  from pick_tasks t join locations l on l.id = t.location_id
  join sku_barcodes b on b.sku_id = t.sku_id and b.pack = 'each' and b.kind = 'gtin'
 where t.status = 'open' and t.kind = 'pick'
 order by t.id
"""


async def flat_out(handhelds: int, seconds: float, trips, pick) -> tuple[list[float], float]:
    """`handhelds` workers each taking a whole trip from the iterator `trips`, as a picker does,
    and picking its tasks in turn with `pick(worker, task)`, until time is up."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def worker(i: int) -> None:
        for trip in trips:
            for t in trip:
                if time.monotonic() > stop:
                    return
                started = time.perf_counter()
                await pick(i, t)
                latencies.append(time.perf_counter() - started)

    started = time.monotonic()
    await asyncio.gather(*(worker(i) for i in range(handhelds)))
    return latencies, time.monotonic() - started


async def held_for_ceilings(pool, tasks: list, holders: list) -> tuple[dict[int, int], list[list]]:
    """The trips of `tasks` (each a list of its tasks), now held by the ceilings' own pickers so
    that the service's pickers never claim them, and who holds each."""
    trips: dict[int, list] = {}
    for t in tasks:
        trips.setdefault(t["trip"], []).append(t)
    holder = {trip: holders[n % len(holders)][0] for n, trip in enumerate(trips)}
    await pool.execute(
        "update pick_tasks t set status = 'assigned', assigned_to = h.user_id, lease_until = now() + interval '1 hour'"
        " from unnest($1::bigint[], $2::bigint[]) as h(trip, user_id) where t.trip = h.trip and t.status = 'open'",
        list(holder), list(holder.values()),
    )
    await pool.execute(
        "update trips t set status = 'assigned', assigned_to = h.user_id, lease_until = now() + interval '1 hour'"
        " from unnest($1::bigint[], $2::bigint[]) as h(trip, user_id) where t.id = h.trip",
        list(holder), list(holder.values()),
    )
    return holder, list(trips.values())


def bare_writes(pool, user_id: int):
    """A pick's writes alone, one statement per pick: no checks, no scan-id claim, no answer."""
    async def pick(i, t):
        await pool.execute(
            ONE_STATEMENT_PICK, t["reservation_id"], t["quantity"], t["to_location_id"], f"R-{i}", user_id, t["id"],
            t["order_line_id"],
        )

    return pick


def same_statement(pool, holder: dict):
    """The service's own confirmation statement (checks, scan-id claim, writes, answer) sent
    straight through asyncpg, one round trip per pick, with no Python around it and no
    follow-ups; the trips are handed out beforehand instead of claimed."""
    async def pick(i, t):
        scope, scan = f"user:{holder[t['trip']]}", f"raw-{t['id']}"
        found = await pool.fetchrow(
            fast_confirmation.CONFIRM, t["id"], holder[t["trip"]], scope, scan, hashlib.sha256(scan.encode()).digest(),
            lock_id(scope, scan), t["location"], barcode_forms(t["gtin"]), None, t["quantity"], f"R-{t['trip']}",
            trips.LEASE, True,
        )
        assert found["body"] is not None, f"task {t['id']} was not picked"

    return pick


async def picked_history(conn, wave_id: int, trips: int) -> None:
    """The first `trips` of the wave picked and their orders packed, as on a floor in mid-shift
    (statuses only: what the wave's queries see)."""
    done = [r["id"] for r in await conn.fetch("select id from trips where wave_id = $1 order by id limit $2", wave_id, trips)]
    await conn.execute("update pick_tasks set status = 'done', picked = quantity where trip = any($1::bigint[])", done)
    await conn.execute("update trips set status = 'done' where id = any($1::bigint[])", done)
    await conn.execute(
        "update orders set status = 'packed' where id in (select order_id from pick_tasks where trip = any($1::bigint[]))", done
    )


async def sessions(conn, users: list[tuple[int, str]]) -> list[str]:
    """A session token for each picker, as their badge login would open."""
    tokens = [f"bench-session-{username}" for _, username in users]
    await conn.executemany(
        "insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + interval '1 day')",
        [(token_digest(token), user_id) for token, (user_id, _) in zip(tokens, users)],
    )
    return tokens


def through_http(base: str, tokens: list[str], gtins: dict[str, str], seconds: float) -> tuple[int, float, float, float]:
    """Confirmed picks, seconds, median and p99 ms (of every request) of the handhelds in wrk."""
    data = ("return {tokens = {" + ",".join(f'"{t}"' for t in tokens) + "}, gtins = {"
            + ",".join(f'["{sku}"] = "{gtin}"' for sku, gtin in gtins.items()) + "}}\n")
    counts = wrk.run("picking_wrk.lua", data, len(tokens), seconds, base, zero=("refused",), positive=("confirmed",))
    return counts["confirmed"], seconds, counts["p50"] / 1000, counts["p99"] / 1000


async def checkpoint(conn) -> None:
    """Write out what the set-up dirtied now, so that its write-back does not compete with the
    runs' commits for the disk (it needs a superuser: on another server the runs share it)."""
    try:
        await conn.execute("checkpoint")
    except asyncpg.InsufficientPrivilegeError:
        pass


def summary(latencies: list[float], seconds: float) -> tuple[float, float, float]:
    return len(latencies) / seconds, *quantiles(latencies)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--handhelds", type=int, default=100)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--day-lines", type=int, default=100_000,
                        help="order lines released before the timed wave: a day's floor, also the confirmation runs' work")
    parser.add_argument("--day-picked", type=float, default=0.7, help="the part of the day's trips already picked")
    parser.add_argument("--think", type=float, default=1.0, help="seconds a picker walks between scans, for the latency run")
    parser.add_argument("--paced-seconds", type=float, default=30, help="long enough for a p99 of some 2,500 scans")
    args = parser.parse_args()

    async with scratch_database() as url:
        pool = await asyncpg.create_pool(url, min_size=20, max_size=20)
        async with pool.acquire() as conn:
            await load_demo(conn)
            # plenty of stock in every pick face, so allocation never runs short
            await conn.execute("update stock set quantity = quantity + 100000")
            await conn.execute(
                "insert into movements (reason, sku_id, lot, expiry, to_location_id, quantity, reference)"
                " select 'found', sku_id, lot, expiry, location_id, 100000, 'bench' from stock"
            )
            shop = await channels.create_channel(conn, ChannelCreate(name="bench"))
            await conn.execute("update channels set allocate_on = 'release'")
            supervisor = await conn.fetchval("select id from users where role = 'supervisor' limit 1")
            # the day so far: its orders released, most of their trips picked (history the wave's
            # queries must not wade through)
            await make_orders(conn, (shop.channel.id, "bench"), args.day_lines, 5, "day")
            async with conn.transaction():
                day = await waves.release_wave(conn, WaveRelease(mode="discrete", max_orders=1_000_000), supervisor)
            await picked_history(conn, day.id, int(day.trips * args.day_picked))
            await make_orders(conn, (shop.channel.id, "bench"), args.lines, 5, "wave")
            await conn.execute("analyze")
            floor_tasks = await conn.fetchval("select count(*) from pick_tasks")
            started = time.perf_counter()
            async with conn.transaction():
                wave = await waves.release_wave(conn, WaveRelease(mode="discrete", max_orders=10_000), supervisor)
            release_seconds = time.perf_counter() - started
            users = await pickers(conn, args.handhelds)
            http_users = await pickers(conn, args.handhelds, "http-picker")
            tokens = await sessions(conn, http_users)
            # statistics as autovacuum keeps them on a working floor; without them the planner
            # takes the trips just made for a handful and claims a trip by sorting them all
            await conn.execute("analyze")

            ceiling_users = await pickers(conn, args.handhelds, "ceiling-picker")
            # statistics as autovacuum keeps them on a working floor; without them the planner
            # takes the trips just made for a handful and claims a trip by sorting them all
            await conn.execute("analyze")
            await checkpoint(conn)

        gtins = {r["code"]: r["barcode"] for r in await pool.fetch(
            "select s.code, b.barcode from skus s join sku_barcodes b on b.sku_id = s.id and b.pack = 'each' and b.kind = 'gtin'"
        )}
        paced, paced_time = await confirmations(pool, users, args.paced_seconds, args.think)
        left = await pool.fetch(OPEN_TASKS)
        trips = sorted({t["trip"] for t in left})
        # whole trips each, so that no run sees another's: two fifths for the service and the
        # handhelds over HTTP (they claim the first ones), a fifth for the service's own
        # statement, two fifths for the bare writes (the fastest)
        ceilings = set(trips[len(trips) * 2 // 5 :])
        holder, held = await held_for_ceilings(pool, [t for t in left if t["trip"] in ceilings], ceiling_users)
        for_same, for_bare = iter(held[: len(held) // 3]), iter(held[len(held) // 3 :])
        before = fast_confirmation.PATHS.copy()
        failed_before = fast_confirmation.FAILED_GROUPS.total()
        GROUPS.clear()
        # A B C D D C B A, half the time each: the runs share the machine's drift in its other load
        half = args.seconds / 2
        http = shutil.which("wrk") is not None
        runs = {"service": [], "http": [], "same": [], "bare": []}
        with running_server(url, workers=2) if http else contextlib.nullcontext() as base:
            for name in ("service", "http", "same", "bare", "bare", "same", "http", "service"):
                if name == "service":
                    runs[name].append(await confirmations(pool, users, half))
                elif name == "http" and http:
                    runs[name].append(await asyncio.to_thread(through_http, base, tokens, gtins, half))
                elif name == "same":
                    runs[name].append(await flat_out(args.handhelds, half, for_same, same_statement(pool, holder)))
                elif name == "bare":
                    runs[name].append(await flat_out(args.handhelds, half, for_bare, bare_writes(pool, ceiling_users[0][0])))
        paths = fast_confirmation.PATHS - before
        groups = list(GROUPS)
        failed = fast_confirmation.FAILED_GROUPS.total() - failed_before
        await pool.close()

    service, same, raw = ([x for latencies, _ in runs[name] for x in latencies] for name in ("service", "same", "bare"))
    service_time, same_time, raw_time = (sum(seconds for _, seconds in runs[name]) for name in ("service", "same", "bare"))
    print(f"wave release: {wave.tasks} tasks for {args.lines} order lines ({wave.orders} orders, {wave.trips} trips) in {release_seconds:.2f} s,"
          f" on a floor of {floor_tasks} tasks ({args.day_picked:.0%} of the day's trips picked)")
    s_rate, s_median, s_p99 = summary(service, service_time)
    r_rate, r_median, r_p99 = summary(raw, raw_time)
    print(f"{'path':<44}{'picks/s':>9}{'median ms':>11}{'p99 ms':>9}")
    p_rate, p_median, p_p99 = summary(paced, paced_time)
    print(f"{'paced: a scan per ~' + str(args.think) + ' s per handheld':<44}{p_rate:>9.0f}{p_median:>11.1f}{p_p99:>9.1f}")
    print(f"{'flat out, through the service (' + str(args.handhelds) + ')':<44}{s_rate:>9.0f}{s_median:>11.1f}{s_p99:>9.1f}")
    if runs["http"]:
        confirmed = sum(n for n, _, _, _ in runs["http"])
        h_time = sum(seconds for _, seconds, _, _ in runs["http"])
        h_rate = confirmed / h_time
        print(f"{'flat out, handhelds through HTTP (wrk, ' + str(args.handhelds) + ')':<44}{h_rate:>9.0f}"
              f"{max(m for _, _, m, _ in runs['http']):>11.1f}{max(p for _, _, _, p in runs['http']):>9.1f}  (every request)")
    m_rate, m_median, m_p99 = summary(same, same_time)
    print(f"{'flat out, its confirmation SQL via asyncpg':<44}{m_rate:>9.0f}{m_median:>11.1f}{m_p99:>9.1f}")
    print(f"{'flat out, bare writes in one statement':<44}{r_rate:>9.0f}{r_median:>11.1f}{r_p99:>9.1f}")
    print(f"ratio service / its own SQL in one round trip: {s_rate / m_rate:.2f}")
    if runs["http"]:
        print(f"ratio through HTTP / in process through the service: {h_rate / s_rate:.2f}; through HTTP / its own SQL: {h_rate / m_rate:.2f}")
    print(f"ratio service / bare writes in one statement: {s_rate / r_rate:.2f}")
    print(f"flat-out confirmations went in {len(groups)} groups, {statistics.mean(groups):.1f} on average, {max(groups)} at most; {failed} failed as a whole and were confirmed one by one")
    print("flat-out confirmations answered by: " + ", ".join(f"{path} {n} ({n / len(service):.1%})" for path, n in sorted(paths.items())))


if __name__ == "__main__":
    asyncio.run(main())
