"""The small warehouse every test starts from, built through the services themselves."""

import datetime

import asyncpg

from schema.catalog import Pack, SkuBarcode, SkuCreate
from schema.locations import LocationCreate, WarehouseCreate
from schema.users import UserCreate
from server.auth import users
from server.core.tokens import token_digest
from server.inventory import catalog, locations

ROLES = ["admin", "supervisor", "receiver", "picker", "packer", "shipper"]
PIN = "4321"
PASSWORD = "correct horse battery"

WAREHOUSE = "WH1"
BINS = ["BIN-1", "BIN-2", "BIN-3", "BIN-4"]
APPLE_GTIN = "4006381333931"  # a real EAN-13
APPLE_CASE_GTIN = "14006381333938"
MILK_GTIN = "5901234123457"
EXPIRY = datetime.date(2030, 1, 31)


async def seed(conn: asyncpg.Connection) -> None:
    for role in ROLES:
        user = await users.create_user(
            conn,
            UserCreate(
                username=role, name=f"Test {role}", role=role, password=PASSWORD,
                **({} if role == "admin" else {"badge": f"BADGE-{role.upper()}", "pin": PIN}),  # admins: password only
            ),
        )
        # A known token per role, so tests need not log in (and hash) each time.
        await conn.execute(
            "insert into sessions (token_hash, user_id, expires_at) values ($1, $2, now() + interval '10 years')",
            token_digest(f"test-token-{role}"),
            user.id,
        )
    await locations.create_warehouse(conn, WarehouseCreate(code=WAREHOUSE, name="Test warehouse"))
    await locations.create_location(conn, LocationCreate(warehouse=WAREHOUSE, code="DOCK", kind="area", type="receiving"))
    await locations.create_location(conn, LocationCreate(warehouse=WAREHOUSE, code="PACK", kind="area", type="packing", x=0.0, y=0.0))
    await locations.create_location(conn, LocationCreate(warehouse=WAREHOUSE, code="ZONE-A", kind="zone", type="storage"))
    for i, code in enumerate(BINS, start=1):
        await locations.create_location(
            conn,
            LocationCreate(
                warehouse=WAREHOUSE, code=code, kind="bin", type="pick_face", parent="ZONE-A", pick_sequence=i, x=float(i), y=1.0
            ),
        )
    await catalog.create_sku(
        conn,
        SkuCreate(
            code="APPLE",
            description="Apple juice 1 L",
            packs=[Pack(level="each", quantity=1), Pack(level="case", quantity=12)],
            barcodes=[SkuBarcode(barcode=APPLE_GTIN), SkuBarcode(barcode=APPLE_CASE_GTIN, pack="case")],
        ),
    )
    await catalog.create_sku(
        conn,
        SkuCreate(
            code="MILK",
            description="Fresh milk 1 L",
            tracks_lot=True,
            tracks_expiry=True,
            barcodes=[SkuBarcode(barcode=MILK_GTIN)],
        ),
    )
