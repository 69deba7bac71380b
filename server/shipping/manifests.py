"""The end of the day per carrier: the cartons loaded are scanned onto the carrier's open
manifest (another carrier's carton is refused), and closing it takes every shipment of that
carrier not yet on a manifest. The closed manifest is what the driver signs: JSON and a PDF."""

import asyncpg

from schema import scans
from schema.shipping import Manifest
from server.core.problems import Conflict, Invalid, NotFound
from server.shipping import carriers, shipments, shipper
from server.shipping.manifest_pdf import render


async def _open_manifest(conn: asyncpg.Connection, carrier: str) -> int:
    await carriers.get_carrier(conn, carrier)
    await conn.execute("insert into manifests (carrier) values ($1) on conflict (carrier) where status = 'open' do nothing", carrier)
    return await conn.fetchval("select id from manifests where carrier = $1 and status = 'open' for update", carrier)


async def get_manifest(conn: asyncpg.Connection, manifest_id: int) -> Manifest:
    row = await conn.fetchrow("select * from manifests where id = $1", manifest_id)
    if row is None:
        raise NotFound(f"no manifest {manifest_id}")
    if row["status"] == "closed":
        listed = await shipments.list_shipments(conn, "sh.manifest_id = $1", manifest_id)
    else:  # what closing it now would take
        listed = await shipments.list_shipments(
            conn, "sh.carrier = $1 and sh.status = 'shipped' and sh.manifest_id is null", row["carrier"])
    loaded = await conn.fetchval(
        "select count(*) from cartons where loaded and shipment_id = any($1::bigint[])", [s.id for s in listed])
    return Manifest(
        id=manifest_id, carrier=row["carrier"], status=row["status"], created_at=row["created_at"], closed_at=row["closed_at"],
        shipments=listed, cartons=sum(len(s.cartons) for s in listed), loaded=loaded,
        weight_g=sum(s.weight_g for s in listed),
    )


async def list_manifests(conn: asyncpg.Connection, carrier: str | None, limit: int) -> list[Manifest]:
    ids = await conn.fetch(
        "select id from manifests where ($1::text is null or carrier = $1) order by id desc limit $2", carrier, limit)
    return [await get_manifest(conn, r["id"]) for r in ids]


async def load(conn: asyncpg.Connection, carrier: str, scan: str) -> Manifest:
    """A carton put on the carrier's truck, by its SSCC or tracking number."""
    manifest_id = await _open_manifest(conn, carrier)
    try:
        found = scans.parse(scan)
    except scans.ScanError as error:
        raise Invalid.field("scan", error.reason) from None
    value = found.sscc if isinstance(found, scans.Sscc) else scans.split_symbology(scan)[1].strip()
    box = await conn.fetchrow(
        "select c.id, c.status, c.carrier, c.sscc, sh.manifest_id from cartons c left join shipments sh on sh.id = c.shipment_id"
        " where c.sscc = $1 or c.tracking_number = $1 for update of c", value)
    if box is None:
        raise Invalid.field("scan", f"{value} is no carton's SSCC or tracking number")
    if box["status"] != "shipped":
        raise Conflict(f"carton {box['sscc']} has not shipped: ship its order first")
    if box["carrier"] != carrier:
        raise Invalid.field("scan", f"carton {box['sscc']} goes with {box['carrier']}, not {carrier}: load it on its own truck")
    if box["manifest_id"] is not None:
        raise Conflict(f"carton {box['sscc']} is on manifest {box['manifest_id']} already")
    await conn.execute("update cartons set loaded = true where id = $1", box["id"])
    return await get_manifest(conn, manifest_id)


async def close(conn: asyncpg.Connection, carrier: str, user: tuple[int, str]) -> Manifest:
    manifest_id = await _open_manifest(conn, carrier)
    taken = await conn.fetch(
        "update shipments set manifest_id = $2 where carrier = $1 and status = 'shipped' and manifest_id is null"
        " returning tracking_numbers", carrier, manifest_id)
    if not taken:
        raise Conflict(f"nothing has shipped with {carrier} since its last manifest")
    found = await carriers.get_carrier(conn, carrier)
    await carriers.adapter(found).close_day(conn, found, [n for r in taken for n in r["tracking_numbers"]])
    await conn.execute("update manifests set status = 'closed', closed_at = now(), closed_by = $2 where id = $1",
                       manifest_id, user[0])
    return await get_manifest(conn, manifest_id)


async def pdf(conn: asyncpg.Connection, manifest_id: int) -> bytes:
    manifest = await get_manifest(conn, manifest_id)
    carrier = await conn.fetchval("select name from carriers where code = $1", manifest.carrier)
    return render(manifest, carrier, (await shipper.get_settings(conn)).ship_from)
