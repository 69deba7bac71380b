"""Shipping an order's closed cartons: a shipment per carrier with the cartons' SSCCs, tracking
numbers and weights; the stock leaves the warehouse in the ledger; the order becomes shipped or
partially shipped and its channel hears `order.shipped`. A shipment not yet on a closed manifest
can be voided: its stock comes back to the packing area and the channel hears that too."""

import asyncpg
import msgspec

from schema.orders import ShippedCarton, ShippedLine
from schema.shipping import ShipmentOut
from server.core import outbox
from server.core.problems import Conflict, NotFound
from server.inventory.stock import apply_movement
from server.orders.reads import event_payload, get_orders
from server.shipping import carriers, packing

SELECT = """
select sh.id, sh.order_id, o.external_id, sh.carrier, sh.service, sh.status, sh.tracking_numbers, sh.cartons, sh.lines,
       sh.weight_g, sh.shipped_at, sh.manifest_id
  from shipments sh join orders o on o.id = sh.order_id
"""


def _shipment(row: asyncpg.Record) -> ShipmentOut:
    return msgspec.convert(dict(row) | {"cartons": msgspec.json.decode(row["cartons"]),
                                        "lines": msgspec.json.decode(row["lines"])}, ShipmentOut)


async def get_shipment(conn: asyncpg.Connection, shipment_id: int) -> ShipmentOut:
    row = await conn.fetchrow(SELECT + " where sh.id = $1", shipment_id)
    if row is None:
        raise NotFound(f"no shipment {shipment_id}")
    return _shipment(row)


async def list_shipments(conn: asyncpg.Connection, where: str, *args) -> list[ShipmentOut]:
    return [_shipment(r) for r in await conn.fetch(f"{SELECT} where {where} order by sh.id", *args)]


# What each carton holds, per order line, lot and serial, for the shipment's record.
CARTON_LINES = """
select l.id as order_line_id, l.line_no, s.code as sku, i.lot, sum(i.quantity)::bigint as quantity,
       array_remove(array_agg(nullif(i.serial, '') order by i.serial), null) as serials
  from carton_items i join order_lines l on l.id = i.order_line_id join skus s on s.id = i.sku_id
 where i.carton_id = any($1::bigint[])
 group by l.id, l.line_no, s.code, i.lot
 order by l.line_no, i.lot
"""


async def ship(conn: asyncpg.Connection, order_id: int, user: tuple[int, str]) -> list[ShipmentOut]:
    order = await conn.fetchrow("select * from orders where id = $1 for update", order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    if order["cancel_requested"]:
        raise Conflict(f"the store asked to cancel order {order['external_id']} ({order['cancel_requested']}): "
                       "a supervisor decides before it ships")
    view = await packing.pack_order(conn, order_id)
    if not view.can_ship:
        raise Conflict(f"order {order['external_id']} cannot ship yet: {view.why_not}")
    boxes = await conn.fetch("select * from cartons where order_id = $1 and status = 'closed' order by id for update", order_id)
    by_carrier: dict[str, list[asyncpg.Record]] = {}
    for box in boxes:
        by_carrier.setdefault(box["carrier"], []).append(box)
    made = [await _ship_with(conn, order, code, group, user) for code, group in by_carrier.items()]
    shipped_all = await conn.fetchval("select bool_and(shipped >= quantity) from order_lines where order_id = $1", order_id)
    status = "shipped" if shipped_all else "partially_shipped"
    await conn.execute("update orders set status = $2, updated_at = now() where id = $1", order_id, status)
    [after] = await get_orders(conn, [order_id])
    shipments = [await get_shipment(conn, shipment_id) for shipment_id in made]
    for shipment in shipments:
        note = f"{len(shipment.cartons)} carton(s) with {shipment.carrier}: {', '.join(shipment.tracking_numbers)}"
        await outbox.emit(conn, "order.shipped", f"order:{order_id}",
                          event_payload(after, note) | {"shipment": msgspec.to_builtins(shipment)},
                          order["channel_id"], order_id)
    return shipments


async def _ship_with(conn: asyncpg.Connection, order: asyncpg.Record, code: str, boxes: list[asyncpg.Record],
                     user: tuple[int, str]) -> int:
    carrier = await carriers.get_carrier(conn, code)
    for box in boxes:
        if box["tracking_number"] is None:  # its shipment was voided: book it again
            booked = await carriers.adapter(carrier).create_shipment(conn, carrier, carriers.Parcel(
                order_ref=order["external_id"], sscc=box["sscc"], weight_g=box["weight_g"], service=box["service"]))
            await conn.execute("update cartons set tracking_number = $2 where id = $1", box["id"], booked.tracking_number)
    boxes = await conn.fetch("select * from cartons where id = any($1::bigint[]) order by id", [b["id"] for b in boxes])
    ids = [b["id"] for b in boxes]
    lines = await conn.fetch(CARTON_LINES, ids)
    shipped_cartons = [ShippedCarton(sscc=b["sscc"], tracking_number=b["tracking_number"], weight_g=b["weight_g"],
                                     carton_type=b["carton_type"]) for b in boxes]
    shipped_lines = [ShippedLine(line=r["line_no"], sku=r["sku"], quantity=r["quantity"], lot=r["lot"], serials=r["serials"])
                     for r in lines]
    shipment_id = await conn.fetchval(
        "insert into shipments (order_id, carrier, service, tracking_numbers, shipped_by, cartons, lines, weight_g)"
        " values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
        order["id"], code, boxes[0]["service"], [b["tracking_number"] for b in boxes], user[0],
        msgspec.json.encode(shipped_cartons).decode(), msgspec.json.encode(shipped_lines).decode(),
        sum(b["weight_g"] for b in boxes),
    )
    await conn.execute("update cartons set status = 'shipped', shipment_id = $2 where id = any($1::bigint[])", ids, shipment_id)
    for stock in await conn.fetch(
        "select s.location_id, s.sku_id, sk.code, s.lot, s.expiry, s.lpn, s.quantity from stock s join skus sk on sk.id = s.sku_id"
        " where s.lpn = any($1::text[]) and s.quantity > 0 order by s.id for update of s",
        [packing.lpn(i) for i in ids],
    ):
        await apply_movement(
            conn, sku=stock["sku_id"], quantity=stock["quantity"], reason="ship", user_id=user[0],
            from_location=stock["location_id"], lot=stock["lot"], expiry=stock["expiry"], from_lpn=stock["lpn"],
            reference=order["external_id"], describe=f"{stock['code']} in {stock['lpn']}",
        )
    for line in lines:
        await conn.execute("update order_lines set shipped = shipped + $2 where id = $1", line["order_line_id"], line["quantity"])
    return shipment_id


async def void(conn: asyncpg.Connection, shipment_id: int, user: tuple[int, str]) -> ShipmentOut:
    """Take back a shipment that has not left: its stock returns to the packing area, its cartons
    are closed again (booked anew when they ship), the order steps back."""
    found = await conn.fetchrow("select order_id from shipments where id = $1", shipment_id)
    if found is None:
        raise NotFound(f"no shipment {shipment_id}")
    order = await conn.fetchrow("select * from orders where id = $1 for update", found["order_id"])
    shipment = await conn.fetchrow(
        "select sh.*, m.status as manifest_status from shipments sh left join manifests m on m.id = sh.manifest_id"
        " where sh.id = $1 for update of sh", shipment_id)
    if shipment["status"] == "voided":
        raise Conflict(f"shipment {shipment_id} is voided already")
    if shipment["manifest_status"] == "closed":
        raise Conflict(f"shipment {shipment_id} is on manifest {shipment['manifest_id']}, closed: it has left the warehouse")
    carrier = await carriers.get_carrier(conn, shipment["carrier"])
    await carriers.adapter(carrier).void(conn, carrier, list(shipment["tracking_numbers"]))
    boxes = await conn.fetch("select * from cartons where shipment_id = $1 order by id for update", shipment_id)
    ids = [b["id"] for b in boxes]
    for item in await conn.fetch(
        "select i.carton_id, i.sku_id, s.code, i.lot, i.expiry, sum(i.quantity)::bigint as quantity from carton_items i"
        " join skus s on s.id = i.sku_id where i.carton_id = any($1::bigint[]) group by 1, 2, 3, 4, 5 order by 1, 2",
        ids,
    ):
        box = next(b for b in boxes if b["id"] == item["carton_id"])
        await apply_movement(
            conn, sku=item["sku_id"], quantity=item["quantity"], reason="unship", user_id=user[0],
            to_location=box["location_id"], lot=item["lot"], expiry=item["expiry"], to_lpn=packing.lpn(box["id"]),
            reference=order["external_id"], describe=item["code"],
        )
    for line in await conn.fetch(CARTON_LINES, ids):
        await conn.execute("update order_lines set shipped = shipped - $2 where id = $1", line["order_line_id"], line["quantity"])
    await conn.execute(
        "update cartons set status = 'closed', shipment_id = null, tracking_number = null, loaded = false"
        " where id = any($1::bigint[])", ids)
    await conn.execute("update shipments set status = 'voided', voided_at = now(), manifest_id = null where id = $1", shipment_id)
    status = await conn.fetchval(
        """
        select case when bool_or(shipped > 0) then 'partially_shipped' when bool_and(packed >= quantity) then 'packed'
                    else 'picking' end
          from order_lines where order_id = $1
        """,
        order["id"],
    )
    await conn.execute("update orders set status = $2, updated_at = now() where id = $1", order["id"], status)
    [after] = await get_orders(conn, [order["id"]])
    voided = await get_shipment(conn, shipment_id)
    await outbox.emit(conn, "order.shipment_voided", f"order:{order['id']}",
                      event_payload(after, f"shipment {shipment_id} voided: its cartons are back at packing")
                      | {"shipment": msgspec.to_builtins(voided)}, order["channel_id"], order["id"])
    return voided
