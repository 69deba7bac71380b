"""Labels for print requests: the template by kind, drawn at the printer's resolution, refused
with the element named when the data does not encode or the label does not fit the printer."""

import asyncio

import asyncpg
import msgspec

from labels import LabelError, templates, to_png
from labels.layout import Label
from schema.printing import PrintRequest
from server.core.problems import Invalid

TEMPLATES = {
    "shipping": (templates.ShippingData, templates.shipping_label),
    "sscc": (templates.SsccData, templates.sscc_label),
    "location": (templates.LocationData, templates.location_label),
    "lpn": (templates.LpnData, templates.lpn_label),
    "item": (templates.ItemData, templates.item_label),
    "packing_list": (templates.PackingListData, templates.packing_list_label),
}


def render(request: PrintRequest, dpi: int) -> Label:
    """The label for a request; 422 naming the element when the data does not fit or encode."""
    kind = type(request).__struct_config__.tag
    data_type, build = TEMPLATES[kind]
    data = msgspec.convert(request, data_type, from_attributes=True)
    try:
        return build(data, dpi)
    except LabelError as e:
        raise Invalid.field(e.element, e.reason) from None


async def preview(request: PrintRequest, dpi: int) -> bytes:
    if dpi not in (203, 300):
        raise Invalid.field("dpi", "a label is drawn at 203 or 300 dpi")
    label = render(request, dpi)
    return await asyncio.to_thread(to_png, label)


def check_fits(label: Label, kind: str, printer: asyncpg.Record) -> None:
    width, height = (float(v) for v in printer["label_size"].split("x"))
    dpi = printer["dpi"]
    if label.width > round(width * dpi) + 1 or label.height > round(height * dpi) + 1:
        raise Invalid.field(
            "kind",
            f"a {kind} label is {label.width / dpi:g}x{label.height / dpi:g} in; "
            f"printer {printer['name']} holds {printer['label_size']} in labels",
        )
