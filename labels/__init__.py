"""Labels: a label is data (labels.layout), rendered to ZPL (labels.zpl) and PNG (labels.preview),
sent to Zebra printers through transports (labels.transports) after a status check (labels.status).

This package imports nothing from server/, schema/ or handheld/.
"""

from .errors import LabelError, PrinterFault, TransportError
from .layout import (Box, Code128, DataMatrix, Ean13, Ean8, Itf14, Label, Line, QrCode, Text, UpcA)
from .preview import to_image, to_png
from .zpl import to_zpl

__all__ = [
    "Box", "Code128", "DataMatrix", "Ean13", "Ean8", "Itf14", "Label", "LabelError", "Line",
    "PrinterFault", "QrCode", "Text", "TransportError", "UpcA", "to_image", "to_png", "to_zpl",
]
