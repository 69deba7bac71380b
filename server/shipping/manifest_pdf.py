"""The manifest as the driver signs it: an A4 PDF (fpdf2) with every shipment, carton, SSCC,
tracking number and weight, the totals, and lines for both signatures. The font is the labels'
DejaVu, so names in any European script print as written."""

from fpdf import FPDF

from labels.fonts import FONT_FILE
from schema.orders import Address
from schema.shipping import Manifest

COLUMNS = (("Order", 32), ("Tracking number", 42), ("SSCC", 44), ("Carton", 22), ("kg", 20))


def render(manifest: Manifest, carrier_name: str, ship_from: Address) -> bytes:
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_FILE))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    pdf.set_font("DejaVu", size=16)
    pdf.cell(0, 10, f"Manifest {manifest.id}: {carrier_name}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    when = manifest.closed_at or manifest.created_at
    state = "closed" if manifest.status == "closed" else "OPEN (not final)"
    pdf.cell(0, 6, f"{when:%Y-%m-%d %H:%M} UTC, {state}", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 6, f"From {ship_from.name}, {ship_from.line1}, {ship_from.postal_code} {ship_from.city}, {ship_from.country}",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _row(pdf, [name for name, _ in COLUMNS], header=True)
    for shipment in manifest.shipments:
        for carton in shipment.cartons:
            _row(pdf, [shipment.external_id, carton.tracking_number, carton.sscc, carton.carton_type,
                       f"{carton.weight_g / 1000:.3f}"])
    pdf.ln(4)
    pdf.set_font("DejaVu", size=11)
    pdf.cell(0, 7, f"Shipments: {len(manifest.shipments)}    Cartons: {manifest.cartons}    "
                   f"Scanned onto the truck: {manifest.loaded}    Weight: {manifest.weight_g / 1000:.3f} kg",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(16)
    for who in ("Driver", "Warehouse"):
        pdf.cell(90, 7, f"{who}: name and signature", border="T")
        pdf.cell(10, 7, "")
    return bytes(pdf.output())


def _row(pdf: FPDF, cells: list[str], header: bool = False) -> None:
    for (_, width), text in zip(COLUMNS, cells):
        pdf.cell(width, 7, text, border="B" if header else 0)
    pdf.ln()
