"""The demo warehouse: one block of 8 aisles in 2 zones, docks, packing, 240 SKUs, stock, users.

Geometry (metres): aisle n runs along x = 3 * (n - 1), bays 1..20 on both sides at y = bay, a
front cross aisle at y = 0 and a back one at y = 21; packing is at the front left. The walk
router and its benchmark use the same numbers.
"""

import datetime
import random

import asyncpg

from schema.catalog import Pack, SkuBarcode, SkuCreate
from schema.locations import LocationCreate, WarehouseCreate
from schema.printing import PrinterCreate
from schema.shipping import CartonTypeIn
from schema.users import UserCreate
from server.auth import users
from server.inventory import catalog, locations
from server.inventory.stock import apply_movement
from server.printing import printers
from server.shipping import cartons

WAREHOUSE = "MAIN"
AISLES = 8
BAYS = 20
LEVELS = 4
AISLE_PITCH = 3.0
SKU_COUNT = 240
GS1_COMPANY_PREFIX = "590123"  # a made-up company prefix; check digits are real

# username, name, role, badge, pin, password
DEMO_USERS = [
    ("admin", "Alex Admin", "admin", None, None, "demo-admin"),  # an admin logs in by password only
    ("sam", "Sam Supervisor", "supervisor", "BADGE-0002", "2222", "demo-supervisor"),
    ("rita", "Rita Receiver", "receiver", "BADGE-0003", "3333", None),
    ("pete", "Pete Picker", "picker", "BADGE-0004", "4444", None),
    ("paula", "Paula Picker", "picker", "BADGE-0005", "5555", None),
    ("pat", "Pat Packer", "packer", "BADGE-0006", "6666", None),
    ("shay", "Shay Shipper", "shipper", "BADGE-0007", "7777", None),
]

AREAS = [
    ("RECV-01", "receiving", 0.0, -3.0),
    ("PACK-01", "packing", 0.0, -1.0),
    ("PACK-02", "packing", 3.0, -1.0),
    ("PACK-03", "packing", 6.0, -1.0),
    ("STAGE-01", "staging", 12.0, -2.0),
    ("SHIP-01", "shipping", 18.0, -3.0),
]

PRODUCTS = [
    ("Oat Milk", "1 L", True), ("Greek Yoghurt", "500 g", True), ("Espresso Beans", "1 kg", False),
    ("Olive Oil", "750 ml", False), ("Basmati Rice", "2 kg", False), ("Dark Chocolate", "100 g", True),
    ("Peanut Butter", "340 g", True), ("Sparkling Water", "6 x 1.5 L", False), ("Dish Soap", "900 ml", False),
    ("Laundry Pods", "30 pcs", False), ("Paper Towels", "4 rolls", False), ("AA Batteries", "8 pack", False),
    ("USB-C Cable", "1 m", False), ("Phone Case", "universal", False), ("Vitamin C", "60 tabs", True),
    ("Baby Wipes", "72 pcs", True), ("Dog Food", "2 kg", True), ("Cat Litter", "10 L", False),
    ("Green Tea", "40 bags", True), ("Honey", "450 g", True),
]
VARIANTS = ["Classic", "Organic", "Family", "Mini", "Premium", "Eco", "Value", "Original", "Light", "Extra", "Plus", "Pro"]


def gs1_check_digit(payload: str) -> str:
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return str((10 - total % 10) % 10)


def gtin13(item: int) -> str:
    payload = f"{GS1_COMPANY_PREFIX}{item:06d}"
    return payload + gs1_check_digit(payload)


def case_gtin14(item: int) -> str:
    payload = "1" + f"{GS1_COMPANY_PREFIX}{item:06d}"
    return payload + gs1_check_digit(payload)


def bin_code(aisle: int, bay: int, level: int, side: str) -> str:
    return f"A{aisle:02d}-{bay:02d}-{level}-{side}"


# The pack stations' boxes: a shoebox, a moving box and a big one (inner sizes, own weights).
DEMO_CARTONS = [
    CartonTypeIn(code="BOX-S", description="Small box", length_mm=300, width_mm=200, height_mm=150, tare_g=150, max_weight_g=10_000),
    CartonTypeIn(code="BOX-M", description="Medium box", length_mm=400, width_mm=300, height_mm=250, tare_g=300,
                 max_weight_g=20_000),
    CartonTypeIn(code="BOX-L", description="Large box", length_mm=600, width_mm=400, height_mm=400, tare_g=600,
                 max_weight_g=30_000),
]


def demo_locations() -> list[LocationCreate]:
    """Zones, aisles, bays and bins in parent-before-child order, with a serpentine pick sequence."""
    out = [
        LocationCreate(warehouse=WAREHOUSE, code=code, kind="area", type=type_, x=x, y=y)
        for code, type_, x, y in AREAS
    ]
    out += [
        LocationCreate(warehouse=WAREHOUSE, code="ZONE-A", kind="zone", type="storage"),
        LocationCreate(warehouse=WAREHOUSE, code="ZONE-B", kind="zone", type="storage"),
    ]
    sequence = 0
    for aisle in range(1, AISLES + 1):
        zone = "ZONE-A" if aisle <= AISLES // 2 else "ZONE-B"
        x = AISLE_PITCH * (aisle - 1)
        out.append(LocationCreate(warehouse=WAREHOUSE, code=f"A{aisle:02d}", kind="aisle", type="storage", parent=zone, x=x))
        bays = range(1, BAYS + 1) if aisle % 2 else range(BAYS, 0, -1)
        for bay in bays:
            for side in "LR":
                bay_code = f"A{aisle:02d}-{bay:02d}-{side}"
                out.append(
                    LocationCreate(
                        warehouse=WAREHOUSE, code=bay_code, kind="bay", type="storage", parent=f"A{aisle:02d}", x=x, y=float(bay)
                    )
                )
                for level in range(1, LEVELS + 1):
                    sequence += 1
                    out.append(
                        LocationCreate(
                            warehouse=WAREHOUSE,
                            code=bin_code(aisle, bay, level, side),
                            kind="bin",
                            type="pick_face" if level <= 2 else "storage",
                            parent=bay_code,
                            pick_sequence=sequence,
                            x=x,
                            y=float(bay),
                            z=float(level),
                            capacity=500 if level <= 2 else 2000,
                        )
                    )
    return out


def demo_skus() -> list[SkuCreate]:
    skus = []
    for i in range(SKU_COUNT):
        name, size, dated = PRODUCTS[i % len(PRODUCTS)]
        variant = VARIANTS[(i // len(PRODUCTS)) % len(VARIANTS)]
        case_qty = (6, 12, 24)[i % 3]
        skus.append(
            SkuCreate(
                code=f"SKU-{i + 1:04d}",
                description=f"{variant} {name} {size}",
                length_mm=80 + i % 120,
                width_mm=60 + i % 80,
                height_mm=40 + i % 200,
                weight_g=100 + (i * 37) % 1900,
                tracks_lot=dated,
                tracks_expiry=dated,
                packs=[Pack(level="each", quantity=1), Pack(level="case", quantity=case_qty)],
                barcodes=[
                    SkuBarcode(barcode=gtin13(i + 1), pack="each"),
                    SkuBarcode(barcode=case_gtin14(i + 1), pack="case"),
                    SkuBarcode(barcode=f"INT-{i + 1:05d}", kind="internal"),
                ],
            )
        )
    return skus


async def load_demo(conn: asyncpg.Connection) -> bool:
    """Load the demo warehouse unless it is there; return whether it was loaded now."""
    async with conn.transaction():
        await conn.execute("select pg_advisory_xact_lock(hashtext('wms demo load'))")
        if await conn.fetchval("select 1 from warehouses where code = $1", WAREHOUSE):
            return False
        await locations.create_warehouse(conn, WarehouseCreate(code=WAREHOUSE, name="Demo warehouse"))
        for location in demo_locations():
            await locations.create_location(conn, location)
        for sku in demo_skus():
            await catalog.create_sku(conn, sku)
        admin_id = None
        for username, name, role, badge, pin, password in DEMO_USERS:
            user = await users.create_user(
                conn, UserCreate(username=username, name=name, role=role, badge=badge, pin=pin, password=password)
            )
            admin_id = admin_id or user.id
        await _opening_stock(conn, admin_id)
        for carton in DEMO_CARTONS:
            await cartons.put_carton_type(conn, carton)
        # where `wms printer-emulator` listens by default: the pack station prints with no hardware
        await printers.create_printer(conn, PrinterCreate(name="PACK-1", transport="tcp", address="127.0.0.1:9100",
                                                          location="pack station 1"))
    return True


async def _opening_stock(conn: asyncpg.Connection, user_id: int) -> None:
    """Each SKU in one pick-face bin; every other SKU also has cases in reserve above it."""
    rng = random.Random(7)
    bins = await conn.fetch("select id, code, type from locations where kind = 'bin' order by pick_sequence")
    faces = [b for b in bins if b["type"] == "pick_face"]
    reserve = {b["code"]: b["id"] for b in bins if b["type"] == "storage"}
    skus = await conn.fetch("select id, code, tracks_lot from skus order by id")
    today = datetime.date.today()
    for sku, face in zip(skus, rng.sample(faces, len(skus))):
        lot, expiry = "", None
        if sku["tracks_lot"]:
            lot = f"L{today:%y%m}{sku['id']:04d}"
            expiry = today + datetime.timedelta(days=rng.randint(30, 400))
        await apply_movement(
            conn, sku=sku["id"], quantity=rng.randint(20, 200), reason="opening", user_id=user_id,
            to_location=face["id"], lot=lot, expiry=expiry, reference="demo",
        )
        above = face["code"][:-3] + "3" + face["code"][-2:]
        if sku["id"] % 2 == 0 and above in reserve:
            await apply_movement(
                conn, sku=sku["id"], quantity=rng.randint(2, 10) * 24, reason="opening", user_id=user_id,
                to_location=reserve[above], lot=lot, expiry=expiry, reference="demo",
            )


def credentials_table() -> str:
    lines = ["Demo users (badge + PIN on a handheld, user name + password in a browser):"]
    for username, name, role, badge, pin, password in DEMO_USERS:
        handheld = f"badge {badge}  PIN {pin}" if badge else "(no badge)"
        lines.append(f"  {role:<10} {name:<15} {handheld:<22} user {username}" + (f"  password {password}" if password else ""))
    return "\n".join(lines)
