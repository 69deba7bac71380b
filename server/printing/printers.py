"""Printers: registered by name with their transport (raw TCP 9100, a CUPS queue, a serial or
Bluetooth port) and label size, and their live status asked with ~HS."""

import asyncio

import asyncpg

from labels import PrinterFault, TransportError
from labels.transports import Cups, SerialPort, Tcp9100, read_status
from schema.printing import Printer, PrinterCreate, PrinterStatus
from server.core.problems import Conflict, Invalid, NotFound
from server.printing import policy

INSERT_PRINTER = """
insert into printers (name, location, transport, address, label_size, dpi, active)
values ($1, $2, $3, $4, $5, $6, $7)
returning id, name, location, transport, address, label_size, dpi, active
"""


PRINTERS = """
select id, name, location, transport, address, label_size, dpi, active
  from printers
 order by name
"""


PRINTER_BY_NAME = """
select id, name, location, transport, address, label_size, dpi, active
  from printers
 where name = $1
"""


def _check_address(transport: str, address: str) -> None:
    if transport == "tcp":
        _host_port(address)
    elif transport == "cups":
        queue = address.partition("@")[0]
        if not queue or any(c.isspace() for c in queue):
            raise Invalid.field("address", "a CUPS printer's address is 'queue' or 'queue@server'")
    elif any(c in address for c in "\r\n\0"):
        raise Invalid.field("address", "a serial address is a device path or a pyserial URL")


def _host_port(address: str) -> tuple[str, int]:
    host, sep, port = address.rpartition(":")
    if not sep or "]" in port:  # no port given (or a bare bracketed IPv6 address)
        host, port = address, "9100"
    host = host.strip("[]")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise Invalid.field("address", f"a TCP printer's address is 'host' or 'host:port', not {address!r}")
    return host, int(port)


def _printer(row: asyncpg.Record, status: PrinterStatus | None = None) -> Printer:
    return Printer(**dict(row), status=status)


async def create_printer(conn: asyncpg.Connection, data: PrinterCreate) -> Printer:
    _check_address(data.transport, data.address)
    try:
        row = await conn.fetchrow(
            INSERT_PRINTER, data.name, data.location, data.transport, data.address, data.label_size, data.dpi, data.active
        )
    except asyncpg.UniqueViolationError:
        raise Conflict(f"a printer named {data.name} already exists") from None
    return _printer(row)


async def printer_row(conn: asyncpg.Connection, name: str) -> asyncpg.Record:
    row = await conn.fetchrow(PRINTER_BY_NAME, name)
    if row is None:
        raise NotFound(f"no printer named {name}")
    return row


def open_transport(transport: str, address: str, timeout: float):
    """A labels transport for a printer row (blocking: call in a thread)."""
    if transport == "tcp":
        host, port = _host_port(address)
        return Tcp9100(host, port, timeout=timeout)
    if transport == "cups":
        queue, _, server = address.partition("@")
        return Cups(queue, server or None)
    return SerialPort(address, timeout=timeout)


def _probe(name: str, transport: str, address: str) -> PrinterStatus:
    if transport == "cups":
        return PrinterStatus(printer=name, state="unknown", detail="a CUPS queue cannot report the printer's status")
    timeout = policy.POLICY.probe_timeout
    try:
        with open_transport(transport, address, timeout) as t:
            status = read_status(t, timeout)
    except PrinterFault as silent:  # it took the connection but answered no status
        return PrinterStatus(printer=name, state="fault", faults=silent.faults, detail=", ".join(silent.faults))
    except (TransportError, OSError) as e:
        return PrinterStatus(printer=name, state="unreachable", detail=str(e))
    if status.faults:
        return PrinterStatus(printer=name, state="fault", faults=status.faults, detail=", ".join(status.faults))
    return PrinterStatus(printer=name, state="ready")


async def printer_status(conn: asyncpg.Connection, name: str) -> PrinterStatus:
    row = await printer_row(conn, name)
    return await asyncio.to_thread(_probe, row["name"], row["transport"], row["address"])


async def list_printers(conn: asyncpg.Connection) -> list[Printer]:
    """Every printer with its live status (asked in parallel, each with a short timeout)."""
    rows = await conn.fetch(PRINTERS)
    statuses = await asyncio.gather(*(asyncio.to_thread(_probe, r["name"], r["transport"], r["address"]) for r in rows))
    return [_printer(r, s) for r, s in zip(rows, statuses)]
