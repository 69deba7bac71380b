"""A closed carton's labels: its GS1 logistics label (SSCC), its shipping label (carrier,
tracking number) and its packing list, recorded as print jobs on the station's printer in the
transaction that closes it, so a printer that is off or out of paper is retried, not skipped."""

from typing import Literal

import asyncpg
import msgspec

from schema.orders import Address
from schema.printing import CartonContent, PackedLine, PackingListLabel, PostalAddress, PrintRequest, ShippingLabel, SsccLabel
from schema.shipping import Carton
from server.core.problems import Conflict
from server.printing import jobs
from server.shipping import carriers, shipper
from server.shipping.packing import pack_order

Kind = Literal["sscc", "shipping", "packing_list"]


def postal(address: Address) -> PostalAddress:
    name = f"{address.name}, {address.company}" if address.company else address.name
    return PostalAddress(name=name, lines=[line for line in (address.line1, address.line2) if line],
                         postal_code=address.postal_code, city=address.city, country=address.country)


async def _carton_numbers(conn: asyncpg.Connection, carton: Carton) -> tuple[int, int]:
    """This carton's place among the order's (1 of 3), counting those still suggested for what is left."""
    ids = [r["id"] for r in await conn.fetch("select id from cartons where order_id = $1 order by id", carton.order_id)]
    still = len((await pack_order(conn, carton.order_id)).suggestion.cartons)
    return ids.index(carton.id) + 1, len(ids) + still


async def _content(conn: asyncpg.Connection, carton: Carton) -> CartonContent | None:
    """One GTIN and lot in the whole carton: the SSCC label says what and how many."""
    if len({(i.sku, i.lot) for i in carton.items}) != 1:
        return None
    item = carton.items[0]
    gtin = await conn.fetchval(
        "select b.barcode from sku_barcodes b join skus s on s.id = b.sku_id"
        " where s.code = $1 and b.kind = 'gtin' and b.quantity = 1 order by b.barcode limit 1", item.sku)
    if gtin is None:
        return None
    return CartonContent(gtin=gtin, count=sum(i.quantity for i in carton.items), lot=item.lot)


async def requests(conn: asyncpg.Connection, carton: Carton, kinds: list[Kind]) -> list[PrintRequest]:
    if carton.sscc is None or carton.tracking_number is None:
        raise Conflict(f"carton {carton.id} is not closed: it has no labels yet")
    order = await conn.fetchrow("select external_id, ship_to from orders where id = $1", carton.order_id)
    ship_to = msgspec.json.decode(order["ship_to"], type=Address)
    settings = await shipper.get_settings(conn)
    number, count = await _carton_numbers(conn, carton)
    carrier = await carriers.get_carrier(conn, carton.carrier)
    made: list[PrintRequest] = []
    for kind in kinds:
        if kind == "sscc":
            made.append(SsccLabel(sscc=carton.sscc, shipper=postal(settings.ship_from), content=await _content(conn, carton),
                                  order_ref=order["external_id"]))
        elif kind == "shipping":
            url = carrier.tracking_url.format(tracking=carton.tracking_number) if carrier.tracking_url else ""
            made.append(ShippingLabel(ship_from=postal(settings.ship_from), ship_to=postal(ship_to), carrier=carrier.name,
                                      service=carton.service or "", tracking_number=carton.tracking_number,
                                      order_ref=order["external_id"], weight_grams=carton.weight_g, carton_no=number,
                                      carton_count=count, tracking_url=url))
        else:
            descriptions = dict(await conn.fetch("select code, description from skus where code = any($1::text[])",
                                                 [i.sku for i in carton.items]))
            made.append(PackingListLabel(
                order_ref=order["external_id"], ship_to=postal(ship_to), carton_no=number, carton_count=count,
                sscc=carton.sscc, lines=[PackedLine(quantity=i.quantity, sku=i.sku, description=descriptions[i.sku],
                                                    lot=i.lot) for i in carton.items]))
    return made


async def record(conn: asyncpg.Connection, carton: Carton, printer: str, kinds: list[Kind], user: tuple[int, str]) -> list[int]:
    """Queue the carton's labels on the printer (call in a transaction; deliver after the commit)."""
    return [(await jobs.record_job(conn, printer, request, user)).id for request in await requests(conn, carton, kinds)]
