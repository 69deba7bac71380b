"""Errors of the labels package: a label that cannot be made, a printer that cannot print."""

from __future__ import annotations


class LabelError(ValueError):
    """An element of a layout cannot be rendered as asked (does not fit, cannot be encoded).

    The message always starts with the element's name, so the person who filled the
    template knows which field to fix.
    """

    def __init__(self, element: str, reason: str) -> None:
        self.element = element
        self.reason = reason
        super().__init__(f"{element}: {reason}")


class TransportError(OSError):
    """The bytes could not be delivered to the printer (connection, queue, port)."""


class PrinterFault(RuntimeError):
    """The printer reported a fault (paper out, head open, ...), or is silent as under one, so
    the job was not sent."""

    def __init__(self, faults: list[str], printer: str = "printer") -> None:
        self.faults = list(faults)
        self.printer = printer
        super().__init__(f"{printer} reports: {', '.join(self.faults)}")
