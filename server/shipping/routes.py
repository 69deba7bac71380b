"""Routes of packing and shipping: the pack station (find, cartons, item scans, close, labels),
shipping an order, voiding a shipment, the day's manifests; carton types, carriers and the
warehouse's shipping settings."""

from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, get, post, put
from litestar.params import FromPath, JSONBody, QueryParameter

from schema.printing import PrintJob
from schema.shipping import (
    Carrier, CarrierIn, Carton, CartonClose, CartonClosed, CartonOpen, CartonPrint, CartonType, CartonTypeIn, Manifest,
    ManifestClose, ManifestScan, PackFind, PackOrder, PackResult, PackScan, ShipmentOut, ShippingSettings,
)
from server.core.http import Conn, IdempotencyKey, allow, caller, once
from server.core.metrics import SCANS
from server.printing import jobs
from server.printing.jobs import PrinterRefused
from server.shipping import carriers, carton_labels, cartons, manifests, packing, shipments, shipper

PACKING = ("packer", "shipper", "supervisor")


async def _delivered(conn: Conn, job_ids: list[int], attempt: bool) -> list[PrintJob]:
    """Send queued label jobs now, after the commit; a printer at fault leaves its job to the retry worker."""
    sent = []
    for job_id in job_ids:
        try:
            sent.append(await jobs.deliver(conn, job_id, attempt))
        except PrinterRefused:
            sent.append(await jobs.get_job(conn, job_id))
    return sent


class PackingController(Controller):
    path = "/api/v1/packing"
    tags = ["packing"]
    guards = [allow(*PACKING)]

    @post("/find", operation_id="findOrderToPack", summary="The order a scanned tote, order reference or carton belongs to", status_code=200)
    async def find(self, data: JSONBody[PackFind], conn: Conn) -> PackOrder:
        return await packing.find(conn, data.scan)

    @get("/orders/{order_id:int}", operation_id="getPackOrder", summary="An order as the pack station shows it")
    async def order(self, conn: Conn, order_id: FromPath[int]) -> PackOrder:
        return await packing.pack_order(conn, order_id)

    @post("/orders/{order_id:int}/cartons", operation_id="openCarton", summary="Open a carton for the order at this station")
    async def open(self, request: Request, conn: Conn, order_id: FromPath[int], data: JSONBody[CartonOpen],
                   idempotency_key: IdempotencyKey) -> Response[Carton]:
        return await once(request, conn, idempotency_key, data, lambda: packing.open_carton(conn, order_id, data, caller(request)))

    @get("/cartons/{carton_id:int}", operation_id="getCarton", summary="A carton: content, SSCC, tracking number")
    async def carton(self, conn: Conn, carton_id: FromPath[int]) -> Carton:
        return await packing.get_carton(conn, carton_id)

    @post("/cartons/{carton_id:int}/items", operation_id="packItem",
          summary="Scan an item into the carton, checked against the order; a replayed scan_id packs nothing")
    async def item(self, request: Request, conn: Conn, carton_id: FromPath[int], data: JSONBody[PackScan]) -> Response[PackResult]:
        answered = await once(request, conn, data.scan_id, data, lambda: packing.pack(conn, carton_id, data, caller(request)), 200)
        if answered.status_code == 200 and "Idempotent-Replayed" not in answered.headers:
            SCANS.labels("pack").inc()
        return answered

    @post("/cartons/{carton_id:int}/close", operation_id="closeCarton",
          summary="Weigh and close the carton: SSCC, tracking number, its labels on the station's printer", status_code=200)
    async def close(self, request: Request, conn: Conn, carton_id: FromPath[int], data: JSONBody[CartonClose],
                    idempotency_key: IdempotencyKey) -> Response[CartonClosed]:
        async def closing() -> CartonClosed:
            carton = await packing.close(conn, carton_id, data, caller(request))
            queued = await carton_labels.record(conn, carton, data.printer, ["sscc", "shipping"], caller(request)) if data.printer else []
            return CartonClosed(carton=carton, print_jobs=[await jobs.get_job(conn, j) for j in queued],
                                order=await packing.pack_order(conn, carton.order_id))

        answered = await once(request, conn, idempotency_key, data, closing, 200)
        closed = msgspec.json.decode(answered.content, type=CartonClosed)
        replayed = "Idempotent-Replayed" in answered.headers
        closed.print_jobs = await _delivered(conn, [j.id for j in closed.print_jobs], attempt=not replayed)
        return Response(closed, status_code=200, headers=answered.headers)

    @post("/cartons/{carton_id:int}/labels", operation_id="printCartonLabels", summary="Print a closed carton's labels (again)")
    async def labels(self, request: Request, conn: Conn, carton_id: FromPath[int], data: JSONBody[CartonPrint]) -> list[PrintJob]:
        async with conn.transaction():
            queued = await carton_labels.record(conn, await packing.get_carton(conn, carton_id), data.printer, data.labels,
                                                caller(request))
        return await _delivered(conn, queued, True)


class ShippingController(Controller):
    path = "/api/v1/shipping"
    tags = ["shipping"]
    guards = [allow(*PACKING)]

    @post("/orders/{order_id:int}/ship", operation_id="shipOrder",
          summary="Ship the order's closed cartons: stock leaves, the channel hears order.shipped")
    async def ship(self, request: Request, conn: Conn, order_id: FromPath[int], idempotency_key: IdempotencyKey) -> Response[list[ShipmentOut]]:
        return await once(request, conn, idempotency_key, None, lambda: shipments.ship(conn, order_id, caller(request)))

    @get("/shipments/{shipment_id:int}", operation_id="getShipment", summary="A shipment: cartons, tracking numbers, lines")
    async def shipment(self, conn: Conn, shipment_id: FromPath[int]) -> ShipmentOut:
        return await shipments.get_shipment(conn, shipment_id)

    @post("/shipments/{shipment_id:int}/void", operation_id="voidShipment",
          summary="Take back a shipment not yet on a closed manifest: its stock returns to packing", status_code=200)
    async def void(self, request: Request, conn: Conn, shipment_id: FromPath[int], idempotency_key: IdempotencyKey) -> Response[ShipmentOut]:
        return await once(request, conn, idempotency_key, None, lambda: shipments.void(conn, shipment_id, caller(request)), 200)

    @get("/settings", operation_id="getShippingSettings", summary="GS1 company prefix, ship-from address, weight tolerance")
    async def settings(self, conn: Conn) -> ShippingSettings:
        return await shipper.get_settings(conn)

    @put("/settings", operation_id="setShippingSettings", summary="Set the warehouse's shipping settings", guards=[allow("admin")])
    async def set_settings(self, conn: Conn, data: JSONBody[ShippingSettings]) -> ShippingSettings:
        async with conn.transaction():
            return await shipper.set_settings(conn, data)

    @get("/carton-types", operation_id="listCartonTypes", summary="The cartons packers can take")
    async def carton_types(self, conn: Conn) -> list[CartonType]:
        return await cartons.list_carton_types(conn)

    @post("/carton-types", operation_id="putCartonType", summary="Add or change a carton type", guards=[allow("supervisor")])
    async def put_carton_type(self, request: Request, conn: Conn, data: JSONBody[CartonTypeIn], idempotency_key: IdempotencyKey) -> Response[CartonType]:
        return await once(request, conn, idempotency_key, data, lambda: cartons.put_carton_type(conn, data))

    @get("/carriers", operation_id="listCarriers", summary="Carriers and their services")
    async def carriers(self, conn: Conn) -> list[Carrier]:
        return await carriers.list_carriers(conn)

    @post("/carriers", operation_id="putCarrier", summary="Add or change a carrier", guards=[allow("admin")])
    async def put_carrier(self, request: Request, conn: Conn, data: JSONBody[CarrierIn], idempotency_key: IdempotencyKey) -> Response[Carrier]:
        return await once(request, conn, idempotency_key, data, lambda: carriers.put_carrier(conn, data))


class ManifestController(Controller):
    path = "/api/v1/manifests"
    tags = ["shipping"]
    guards = [allow(*PACKING)]

    @get(operation_id="listManifests", summary="Manifests, newest first")
    async def list(self, conn: Conn, carrier: Annotated[str | None, QueryParameter()] = None,
                   limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20) -> list[Manifest]:
        return await manifests.list_manifests(conn, carrier, limit)

    @get("/{manifest_id:int}", operation_id="getManifest", summary="A manifest; an open one lists what closing it would take")
    async def one(self, conn: Conn, manifest_id: FromPath[int]) -> Manifest:
        return await manifests.get_manifest(conn, manifest_id)

    @get("/{manifest_id:int}/pdf", operation_id="getManifestPdf", summary="The manifest as the driver signs it", media_type="application/pdf")
    async def pdf(self, conn: Conn, manifest_id: FromPath[int]) -> bytes:
        return await manifests.pdf(conn, manifest_id)

    @post("/{carrier:str}/cartons", operation_id="loadCarton", summary="A carton loaded on the carrier's truck (its SSCC or tracking number)", status_code=200)
    async def load(self, request: Request, conn: Conn, carrier: FromPath[str], data: JSONBody[ManifestScan],
                   idempotency_key: IdempotencyKey) -> Response[Manifest]:
        return await once(request, conn, idempotency_key, data, lambda: manifests.load(conn, carrier, data.scan), 200)

    @post(operation_id="closeManifest", summary="Close the day for a carrier: every shipment not yet on a manifest")
    async def close(self, request: Request, conn: Conn, data: JSONBody[ManifestClose], idempotency_key: IdempotencyKey) -> Response[Manifest]:
        return await once(request, conn, idempotency_key, data, lambda: manifests.close(conn, data.carrier, caller(request)))
