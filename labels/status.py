"""Zebra host status (~HS): parse the printer's three-line reply into a PrinterStatus.

The reply is three strings, each framed by STX (0x02) ... ETX (0x03) and followed by CR LF:

1. aaa,b,c,dddd,eee,f,g,h,iii,j,k,l  -- b paper out, c paused, dddd label length (dots),
   eee formats in the receive buffer, f buffer full, j corrupt RAM, k under / l over temperature
2. mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www  -- o head open (head up), p ribbon out,
   uuuuuuuu labels remaining in the batch
3. xxxx,y                            -- password, static RAM installed

Zebra's ZPL manual: under some faults (media out, ribbon out, head open, head over temperature)
a printer does not answer ~HS at all. ~HQES (host query, error status) still answers, with the
errors as a bit field; a printer that accepts the connection but answers neither is most likely
in one of those faults (or hung), which is not the same as a printer that cannot be reached.
"""

from __future__ import annotations

import re

import msgspec

HS_REQUEST = b"~HS"
HQES_REQUEST = b"~HQES"
STX, ETX = b"\x02", b"\x03"

# flag name -> the words a person reads in an error
FAULT_WORDS = {
    "paper_out": "paper out",
    "head_open": "head open",
    "ribbon_out": "ribbon out",
    "paused": "paused",
    "buffer_full": "buffer full",
    "corrupt_ram": "corrupt RAM",
    "under_temperature": "under temperature",
    "over_temperature": "over temperature",
}


# Faults under which a Zebra answers ~HQES but not ~HS.
SILENT_FAULTS = {"paper_out", "ribbon_out", "head_open", "over_temperature"}
# ~HQES error bits (the last eight hex digits of the ERRORS line) and the flag each sets.
_HQES_ERRORS = {0x1: "paper_out", 0x2: "ribbon_out", 0x4: "head_open", 0x10: "over_temperature", 0x20: "over_temperature"}
_HQES_LINE = re.compile(rb"ERRORS:\s+(\d)\s+([0-9A-Fa-f]{8})\s+([0-9A-Fa-f]{8})")
# What a printer that accepts the connection but answers no status most likely has.
SILENT = "not answering its status: most likely paper or ribbon out, the head open or too hot"


class StatusError(ValueError):
    """The bytes are not a ~HS reply."""


class PrinterStatus(msgspec.Struct, frozen=True, kw_only=True):
    paper_out: bool = False
    paused: bool = False
    head_open: bool = False
    ribbon_out: bool = False
    buffer_full: bool = False
    corrupt_ram: bool = False
    under_temperature: bool = False
    over_temperature: bool = False
    label_length_dots: int = 0
    formats_in_buffer: int = 0
    labels_remaining: int = 0

    @property
    def faults(self) -> list[str]:
        """Human words for every condition that keeps a label from coming out."""
        return [word for flag, word in FAULT_WORDS.items() if getattr(self, flag)]

    @property
    def ready(self) -> bool:
        return not self.faults


def reply_complete(buf: bytes) -> bool:
    return buf.count(ETX) >= 3


def parse_host_status(raw: bytes) -> PrinterStatus:
    """Parse a ~HS reply (raises StatusError if it is not one)."""
    frames = []
    rest = raw
    while len(frames) < 3:
        start = rest.find(STX)
        end = rest.find(ETX, start + 1)
        if start < 0 or end < 0:
            raise StatusError(f"~HS reply has {len(frames)} of 3 framed strings: {raw!r}")
        frames.append(rest[start + 1:end].decode("ascii", "replace"))
        rest = rest[end + 1:]
    one, two = frames[0].split(","), frames[1].split(",")
    if len(one) < 12 or len(two) < 11:
        raise StatusError(f"~HS reply strings are too short: {frames!r}")

    def flag(v: str) -> bool:
        return v.strip() == "1"

    def num(v: str) -> int:
        try:
            return int(v.strip())
        except ValueError:
            raise StatusError(f"~HS reply field {v!r} is not a number") from None

    return PrinterStatus(
        paper_out=flag(one[1]), paused=flag(one[2]), label_length_dots=num(one[3]),
        formats_in_buffer=num(one[4]), buffer_full=flag(one[5]), corrupt_ram=flag(one[9]),
        under_temperature=flag(one[10]), over_temperature=flag(one[11]),
        head_open=flag(two[2]), ribbon_out=flag(two[3]), labels_remaining=num(two[8]),
    )


def extended_status_complete(buf: bytes) -> bool:
    return ETX in buf


def parse_extended_status(raw: bytes) -> PrinterStatus:
    """Parse a ~HQES reply's ERRORS line (raises StatusError if there is none)."""
    match = _HQES_LINE.search(raw)
    if match is None:
        raise StatusError(f"~HQES reply has no ERRORS line: {raw!r}")
    bits = int(match[3], 16) if match[1] == b"1" else 0
    flags = {flag: True for bit, flag in _HQES_ERRORS.items() if bits & bit}
    return PrinterStatus(**flags)


def extended_status_reply(status: PrinterStatus) -> bytes:
    """The ~HQES reply a Zebra sends for `status` (used by the emulator and tests)."""
    bits = sum(bit for bit, flag in _HQES_ERRORS.items() if getattr(status, flag) and bit != 0x20)
    errors = f"{1 if bits else 0} 00000000 {bits:08X}"
    return STX + (f"\r\n  PRINTER STATUS\r\n   ERRORS:         {errors}\r\n"
                  f"   WARNINGS:       0 00000000 00000000\r\n").encode("ascii") + ETX


def host_status_reply(status: PrinterStatus) -> bytes:
    """The ~HS reply a Zebra sends for `status` (used by the emulator and tests)."""
    b = lambda v: "1" if v else "0"  # noqa: E731
    s = status
    one = (f"030,{b(s.paper_out)},{b(s.paused)},{s.label_length_dots:04d},"
           f"{s.formats_in_buffer:03d},{b(s.buffer_full)},0,0,000,{b(s.corrupt_ram)},"
           f"{b(s.under_temperature)},{b(s.over_temperature)}")
    two = f"001,0,{b(s.head_open)},{b(s.ribbon_out)},0,2,6,0,{s.labels_remaining:08d},1,000"
    three = "1234,0"
    return b"".join(STX + line.encode("ascii") + ETX + b"\r\n" for line in (one, two, three))
