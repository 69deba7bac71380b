"""The pack station: find the order a tote (or an order reference, or a carton) belongs to, show
what is packed and what is left, open a carton, check each item scan against the order and move
the units from the order's totes into the carton in the ledger, close the carton with its weight,
an SSCC and a carrier's tracking number, and print its labels."""

import asyncpg
import msgspec

from schema import scans
from schema.orders import Address
from schema.shipping import Carton, CartonClose, CartonOpen, PackLine, PackOrder, PackResult, PackScan
from server.core import outbox
from server.core.problems import Conflict, Invalid, NotFound
from server.floor.confirmation import read_item, read_location
from server.inventory.catalog import match_forms
from server.inventory.stock import apply_movement
from server.orders.reads import event_payload, get_orders
from server.shipping import carriers, cartons, shipper

PACKABLE = ("picking", "packed", "partially_shipped")


def lpn(carton_id: int) -> str:
    return f"CARTON-{carton_id}"


# -- finding the order -------------------------------------------------------------------------


async def find(conn: asyncpg.Connection, scan: str) -> PackOrder:
    """The order to pack for a scan of a tote, an order's reference, or one of its cartons."""
    value = read_location(scan)
    try:
        found = scans.parse(scan)
    except scans.ScanError:
        found = None
    if isinstance(found, scans.Sscc) or value.startswith("CARTON-"):
        order_id = await conn.fetchval(
            "select order_id from cartons where sscc = $1 or id::text = $2",
            getattr(found, "sscc", None), value.removeprefix("CARTON-"),
        )
    else:
        order_id = await conn.fetchval(
            """
            select t.order_id from pick_tasks t join orders o on o.id = t.order_id
             where t.tote = $1 and o.status = any($2::text[]) order by t.id desc limit 1
            """,
            value, list(PACKABLE),
        )
        if order_id is None:
            order_id = await _by_reference(conn, value)
    if order_id is None:
        raise NotFound(f"{value!r} is no tote with picked units, no order to pack and no carton")
    return await pack_order(conn, order_id)


async def _by_reference(conn: asyncpg.Connection, value: str) -> int | None:
    rows = await conn.fetch(
        "select o.id, c.name from orders o join channels c on c.id = o.channel_id"
        " where o.external_id = $1 and o.status = any($2::text[])",
        value, list(PACKABLE),
    )
    if len(rows) > 1:
        raise Conflict(f"{value} is an order of {' and of '.join(r['name'] for r in rows)}: scan its tote instead")
    if rows:
        return rows[0]["id"]
    number = value.removeprefix("#")
    return int(number) if number.isdigit() and len(number) < 18 and await conn.fetchval(
        "select true from orders where id = $1 and status = any($2::text[])", int(number), list(PACKABLE)) else None


# -- what the station shows --------------------------------------------------------------------

LINES = """
select l.id, l.line_no, l.sku_id, s.code as sku, s.description, l.lot, s.tracks_serial, l.quantity, l.picked, l.packed,
       array(select b.barcode from sku_barcodes b where b.sku_id = s.id order by b.barcode) as barcodes
  from order_lines l join skus s on s.id = l.sku_id
 where l.order_id = $1
 order by l.line_no
"""

CARTONS = """
select c.id, c.order_id, c.carton_type, c.status, c.sscc, c.carrier, c.service, c.tracking_number, c.weight_g, c.station,
       t.tare_g + coalesce((select sum(i.quantity * coalesce(s.weight_g, 0))
                              from carton_items i join skus s on s.id = i.sku_id where i.carton_id = c.id), 0)::int as expected_g,
       coalesce((select jsonb_agg(x order by x->>'sku', x->>'lot', x->>'serial') from (
                   select jsonb_build_object('sku', s.code, 'lot', i.lot, 'serial', i.serial, 'quantity', sum(i.quantity)::bigint) as x
                     from carton_items i join skus s on s.id = i.sku_id where i.carton_id = c.id
                    group by s.code, i.lot, i.serial) items), '[]') as items
  from cartons c join carton_types t on t.code = c.carton_type
"""

# The order's totes that still hold stock: those whose last pick was for this order.
TOTES = """
select distinct t.tote from pick_tasks t
 where t.order_id = $1 and t.tote is not null
   and not exists (select 1 from pick_tasks n where n.tote = t.tote and n.id > t.id and n.order_id <> $1)
   and exists (select 1 from stock s where s.lpn = t.tote and s.quantity > 0)
 order by t.tote
"""


def _carton(row: asyncpg.Record) -> Carton:
    fields = dict(row)
    fields["items"] = msgspec.json.decode(fields["items"])
    return msgspec.convert(fields | {"lpn": lpn(row["id"])}, Carton)


async def get_carton(conn: asyncpg.Connection, carton_id: int) -> Carton:
    row = await conn.fetchrow(CARTONS + " where c.id = $1", carton_id)
    if row is None:
        raise NotFound(f"no carton {carton_id}")
    return _carton(row)


async def order_cartons(conn: asyncpg.Connection, order_id: int) -> list[Carton]:
    return [_carton(r) for r in await conn.fetch(CARTONS + " where c.order_id = $1 order by c.id", order_id)]


async def pack_order(conn: asyncpg.Connection, order_id: int) -> PackOrder:
    order = await conn.fetchrow(
        "select o.*, c.name as channel from orders o join channels c on c.id = o.channel_id where o.id = $1", order_id
    )
    if order is None:
        raise NotFound(f"no order {order_id}")
    lines = await conn.fetch(LINES, order_id)
    boxes = await order_cartons(conn, order_id)
    left: dict[int, int] = {}
    for line in lines:
        if line["quantity"] > line["packed"]:
            left[line["sku_id"]] = left.get(line["sku_id"], 0) + line["quantity"] - line["packed"]
    carrier = await carriers.for_order(conn, order["carrier"])
    return PackOrder(
        order_id=order_id, external_id=order["external_id"], channel=order["channel"], status=order["status"],
        ship_to=msgspec.json.decode(order["ship_to"], type=Address | None), allow_partial=order["allow_partial"],
        carrier=carrier, service=order["service_level"], totes=[r["tote"] for r in await conn.fetch(TOTES, order_id)],
        lines=[PackLine(line=r["line_no"], sku=r["sku"], description=r["description"], lot=r["lot"],
                        tracks_serial=r["tracks_serial"], ordered=r["quantity"], picked=r["picked"], packed=r["packed"],
                        to_pack=r["picked"] - r["packed"], barcodes=r["barcodes"]) for r in lines],
        cartons=boxes, suggestion=await cartons.suggest_for(conn, left), **_shippable(order, lines, boxes),
    )


def _shippable(order: asyncpg.Record, lines: list[asyncpg.Record], boxes: list[Carton]) -> dict:
    still_open = [c for c in boxes if c.status == "open"]
    missing = [f"line {r['line_no']} {r['sku']}: {r['packed']} of {r['quantity']} packed"
               for r in lines if r["packed"] < r["quantity"]]
    if order["status"] not in PACKABLE:
        why = f"the order is {order['status']}"
    elif not any(c.status == "closed" for c in boxes):
        why = "no closed carton to ship"
    elif still_open:
        why = f"carton {still_open[0].id} is still open at {still_open[0].station or 'a station'}: close it first"
    elif missing and not order["allow_partial"]:
        why = f"the order is not complete ({'; '.join(missing)}) and its channel does not allow partial shipments"
    else:
        return {"can_ship": True}
    return {"can_ship": False, "why_not": why}


# -- cartons -----------------------------------------------------------------------------------


async def _locked_order(conn: asyncpg.Connection, order_id: int) -> asyncpg.Record:
    order = await conn.fetchrow("select * from orders where id = $1 for update", order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    if order["status"] not in PACKABLE:
        raise Conflict(f"order {order['external_id']} is {order['status']}: nothing to pack")
    return order


async def open_carton(conn: asyncpg.Connection, order_id: int, data: CartonOpen, user: tuple[int, str]) -> Carton:
    order = await _locked_order(conn, order_id)
    box = await cartons.get_carton_type(conn, data.carton_type)
    where = await conn.fetchval(
        "select s.location_id from stock s where s.lpn = any($1::text[]) and s.quantity > 0 limit 1",
        [r["tote"] for r in await conn.fetch(TOTES, order_id)],
    )
    if where is None:
        raise Conflict(f"nothing of order {order['external_id']} is picked and waiting in a tote")
    already = await conn.fetchval(
        "select id from cartons where order_id = $1 and station = $2 and status = 'open'", order_id, data.station
    )
    if already is not None:
        raise Conflict(f"carton {already} of this order is open at this station: close it first")
    carton_id = await conn.fetchval(
        "insert into cartons (order_id, carton_type, location_id, station, opened_by) values ($1, $2, $3, $4, $5) returning id",
        order_id, box.code, where, data.station, user[0],
    )
    return await get_carton(conn, carton_id)


async def _open(conn: asyncpg.Connection, carton_id: int) -> asyncpg.Record:
    carton = await conn.fetchrow("select * from cartons where id = $1 for update", carton_id)
    if carton is None:
        raise NotFound(f"no carton {carton_id}")
    if carton["status"] != "open":
        raise Conflict(f"carton {carton_id} is {carton['status']}: open a new carton")
    return carton


# -- item scans --------------------------------------------------------------------------------


async def pack(conn: asyncpg.Connection, carton_id: int, data: PackScan, user: tuple[int, str]) -> PackResult:
    """Check one item scan against the order and move its units from the order's totes into the
    carton. Anything wrong is refused with the reason, and nothing changes."""
    carton = await _open(conn, carton_id)
    order = await _locked_order(conn, carton["order_id"])
    forms, scanned_lot = read_item(data.item)
    try:
        match = await match_forms(conn, forms, data.item)
    except NotFound:
        said = scans.split_symbology(data.item)[1]
        raise Invalid.field("item", f"barcode {said!r} is not an item we know; scan the item's own barcode") from None
    found = scans.parse(data.item)
    serial = data.serial or (found.serial if isinstance(found, scans.Item) else None)
    lot = data.lot or scanned_lot
    units = data.count * match.quantity
    lines = [r for r in await conn.fetch(LINES + " for update of l", order["id"]) if r["sku"] == match.sku]
    if not lines:
        raise Invalid.field("item", await _not_in_order(conn, order, match.sku))
    if lot is not None:
        of_lot = [r for r in lines if r["lot"] in (None, lot)]
        if not of_lot:
            raise Invalid.field("item", f"wrong lot: that is lot {lot}, the order asks for lot {lines[0]['lot']}")
        lines = of_lot
    to_pack = sum(r["picked"] - r["packed"] for r in lines)
    if units > to_pack:
        raise Invalid.field("item", _too_many(match.sku, units, to_pack, sum(r["quantity"] - r["packed"] for r in lines)))
    if lines[0]["tracks_serial"]:
        await _check_serial(conn, lines[0]["sku_id"], serial, units)
    wanted_lot = lot or (lines[0]["lot"] if len({r["lot"] for r in lines}) == 1 else None)
    await _move_in(conn, carton, order, lines, units, wanted_lot, serial or "", user)
    view = await pack_order(conn, order["id"])
    left = next(line.to_pack for line in view.lines if line.sku == match.sku)
    said = f"{units} x {match.sku} packed" + (f", {left} more to pack" if left else "")
    return PackResult(message=said, carton=next(c for c in view.cartons if c.id == carton_id), order=view)


async def _not_in_order(conn: asyncpg.Connection, order: asyncpg.Record, sku: str) -> str:
    other = await conn.fetchval(
        """
        select o.external_id from order_lines l join orders o on o.id = l.order_id join skus s on s.id = l.sku_id
         where s.code = $1 and o.id <> $2 and l.picked > l.packed and o.status = any($3::text[])
         order by o.id limit 1
        """,
        sku, order["id"], list(PACKABLE),
    )
    said = f"wrong item: {sku} is not in order {order['external_id']}"
    return said + (f"; it belongs to order {other}, put it aside" if other else "")


def _too_many(sku: str, units: int, to_pack: int, unpacked: int) -> str:
    if unpacked == 0:
        return f"surplus: every {sku} of this order is packed already; put it back"
    if to_pack == 0:
        return f"no {sku} of this order is picked and left to pack; {unpacked} still to be picked"
    return f"too many: {to_pack} x {sku} left to pack, that scan is {units}"


async def _check_serial(conn: asyncpg.Connection, sku_id: int, serial: str | None, units: int) -> None:
    if serial is None:
        raise Invalid.field("serial", "this item is tracked by serial number: scan its serial")
    if units != 1:
        raise Invalid.field("count", "serial-numbered items are packed one scan each")
    if await conn.fetchval("select true from carton_items where sku_id = $1 and serial = $2", sku_id, serial):
        raise Conflict(f"serial {serial} is packed already: a serial ships once")


async def _move_in(conn: asyncpg.Connection, carton: asyncpg.Record, order: asyncpg.Record, lines: list[asyncpg.Record],
                   units: int, lot: str | None, serial: str, user: tuple[int, str]) -> None:
    """Take the units from the order's totes (any of them: zone picks meet here) into the carton."""
    totes = [r["tote"] for r in await conn.fetch(TOTES, order["id"])]
    rows = await conn.fetch(
        """
        select id, lpn, lot, expiry, quantity - reserved as free from stock
         where location_id = $1 and sku_id = $2 and lpn = any($3::text[]) and quantity > reserved
           and ($4::text is null or lot = $4)
         order by expiry nulls last, lpn, id for update
        """,
        carton["location_id"], lines[0]["sku_id"], totes, lot,
    )
    if sum(r["free"] for r in rows) < units:
        held = sum(r["free"] for r in rows)
        raise Conflict(f"the totes of order {order['external_id']} ({', '.join(totes) or 'none'}) hold {held} of "
                       f"{lines[0]['sku']}{f' lot {lot}' if lot else ''}, not {units}")
    room = {r["id"]: r["picked"] - r["packed"] for r in lines}
    for row in rows:
        take = min(row["free"], units)
        if take == 0:
            break
        units -= take
        await apply_movement(
            conn, sku=lines[0]["sku_id"], quantity=take, reason="pack", user_id=user[0], from_location=carton["location_id"],
            to_location=carton["location_id"], lot=row["lot"], expiry=row["expiry"], from_lpn=row["lpn"],
            to_lpn=lpn(carton["id"]), reference=order["external_id"], describe=f"{lines[0]['sku']} in tote {row['lpn']}",
        )
        for line in lines:
            share = min(room[line["id"]], take)
            if share and line["lot"] in (None, row["lot"]):
                room[line["id"]] -= share
                take -= share
                await conn.execute(
                    "insert into carton_items (carton_id, order_line_id, sku_id, lot, expiry, serial, quantity)"
                    " values ($1, $2, $3, $4, $5, $6, $7)",
                    carton["id"], line["id"], line["sku_id"], row["lot"], row["expiry"], serial, share,
                )
                await conn.execute("update order_lines set packed = packed + $2 where id = $1", line["id"], share)


# -- closing -----------------------------------------------------------------------------------


async def close(conn: asyncpg.Connection, carton_id: int, data: CartonClose, user: tuple[int, str]) -> Carton:
    """Weigh, number (SSCC), book with the carrier (tracking number) and close the carton; the
    order is packed when nothing is left to pack and no carton is open."""
    carton = await _open(conn, carton_id)
    order = await _locked_order(conn, carton["order_id"])
    view = await get_carton(conn, carton_id)
    if not view.items:
        raise Conflict(f"carton {carton_id} is empty: scan items into it before closing it")
    settings = await shipper.get_settings(conn)
    box = await cartons.get_carton_type(conn, carton["carton_type"])
    low, high = shipper.expected_weight_range(view.expected_g, settings)
    if not data.accept_weight and not low <= data.weight_g <= high:
        raise Invalid.field(
            "weight_g", f"the carton weighs {data.weight_g / 1000:.3f} kg; its content and box should weigh "
                        f"{view.expected_g / 1000:.3f} kg ({low / 1000:.3f} to {high / 1000:.3f}): check the content, "
                        "or accept the weight")
    if data.weight_g > box.max_weight_g:
        raise Invalid.field("weight_g", f"{data.weight_g / 1000:.3f} kg is more than a {box.code} carries "
                                        f"({box.max_weight_g / 1000:.3f} kg): split the carton")
    carrier = await carriers.get_carrier(conn, data.carrier or await carriers.for_order(conn, order["carrier"]))
    service = carriers.service_for(carrier, data.service or (order["service_level"] if order["service_level"] in carrier.services else None))
    sscc = await shipper.next_sscc(conn, settings)
    booked = await carriers.adapter(carrier).create_shipment(
        conn, carrier, carriers.Parcel(order_ref=order["external_id"], sscc=sscc, weight_g=data.weight_g, service=service)
    )
    await conn.execute(
        "update cartons set status = 'closed', sscc = $2, weight_g = $3, expected_g = $4, carrier = $5, service = $6,"
        " tracking_number = $7, closed_at = now() where id = $1",
        carton_id, sscc, data.weight_g, view.expected_g, carrier.code, service, booked.tracking_number,
    )
    await _packed_if_complete(conn, order)
    return await get_carton(conn, carton_id)


async def _packed_if_complete(conn: asyncpg.Connection, order: asyncpg.Record) -> None:
    complete = await conn.fetchval(
        "select not exists (select 1 from order_lines where order_id = $1 and packed < quantity)"
        " and not exists (select 1 from cartons where order_id = $1 and status = 'open')",
        order["id"],
    )
    if complete and order["status"] == "picking":
        await conn.execute("update orders set status = 'packed', updated_at = now() where id = $1", order["id"])
        [packed] = await get_orders(conn, [order["id"]])
        await outbox.emit(conn, "order.packed", f"order:{order['id']}", event_payload(packed, "all lines packed"),
                          order["channel_id"], order["id"])
