"""Sample data for every template: the golden files are rendered from exactly these."""

import datetime as dt

from labels import templates as t
from labels.symbols import gs1

SHIP_FROM = t.Address(name="Lagerhaus Nord GmbH", lines=("Industriestraße 7",),
                      postal_code="20457", city="Hamburg", country="DE")
SHIP_TO = t.Address(name="Zoë Ångström-Müller", lines=("Rue de la Paix 12", "Bâtiment B, 3e étage"),
                    postal_code="75002", city="Paris", country="FR")
SSCC = gs1.sscc(3, "4012345", 1234567)

SAMPLES = {
    "shipping": t.shipping_label(t.ShippingData(
        ship_from=SHIP_FROM, ship_to=SHIP_TO, carrier="DHL", service="Express Worldwide",
        tracking_number="1Z999AA10123456784", order_ref="SO-2024-000123", weight_grams=12350,
        carton_no=2, carton_count=3, tracking_url="https://track.example.com/1Z999AA10123456784")),
    "sscc": t.sscc_label(t.SsccData(
        sscc=SSCC, shipper=SHIP_FROM, order_ref="SO-2024-000123",
        content=t.CartonContent(gtin="4012345000016", count=24, lot="L2405A",
                                best_before=dt.date(2026, 12, 31)))),
    "sscc_mixed": t.sscc_label(t.SsccData(sscc=SSCC, shipper=SHIP_FROM)),
    "location": t.location_label(t.LocationData(code="A-01-02-03",
                                                description="Aisle A, bay 1, level 2, bin 3")),
    "lpn": t.lpn_label(t.LpnData(lpn="LPN000012345", sku="SKU-4711", quantity=48)),
    "item_ean13": t.item_label(t.ItemData(
        sku="SKU-4711", description="Organic rolled oats, 500 g bag, gluten free",
        gtin="4006381333931", lot="L2405A", expiry=dt.date(2026, 12, 31))),
    "item_upca": t.item_label(t.ItemData(sku="SKU-0815", description="Blue widget",
                                         gtin="036000291452")),
    "item_ean8": t.item_label(t.ItemData(sku="SKU-0008", description="Chewing gum", gtin="96385074")),
    "item_itf14": t.item_label(t.ItemData(sku="CASE-4711", description="Case of 12 bags",
                                          gtin="14006381333938", lot="L2405A")),
    "shipping_300dpi": t.shipping_label(t.ShippingData(
        ship_from=SHIP_FROM, ship_to=SHIP_TO, carrier="UPS", service="Standard",
        tracking_number="1Z999AA10123456784", order_ref="SO-2024-000124", weight_grams=800,
        carton_no=1, carton_count=1), dpi=300),
}
