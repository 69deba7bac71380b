"""ZPL -> Label for the subset `to_zpl` writes, so the emulator can draw what it received.

Understood: ^XA ^XZ ^CI ^PW ^LL ^LH ^FO ^A0 ^FB ^FH ^FD ^FS ^BY ^BC(mode N) ^BE ^B8 ^BU ^B2 ^BQ
^BX ^GB. Other commands are ignored; a field that cannot be understood raises ZplParseError.
"""

from __future__ import annotations

import re

from .layout import (Box, Code128, DataMatrix, Ean13, Ean8, Element, Itf14, Label, Line, QrCode,
                     Text, UpcA)
from .symbols import gs1

_COMMAND = re.compile(r"[\^~]([A-Z@][A-Z0-9@]?)")


class ZplParseError(ValueError):
    pass


def split_formats(zpl: str) -> list[str]:
    """The ^XA ... ^XZ label formats in a stream."""
    return re.findall(r"\^XA.*?\^XZ", zpl, flags=re.S)


def _tokens(fmt: str):
    """(command, parameter text) pairs; ^FD's parameter runs to the next ^FS."""
    i = 0
    while i < len(fmt):
        m = _COMMAND.match(fmt, i)
        if not m:
            i += 1
            continue
        cmd = m.group(1)
        if cmd == "FD":
            end = fmt.find("^FS", m.end())
            if end < 0:
                raise ZplParseError("^FD without ^FS")
            yield "FD", fmt[m.end():end]
            i = end
            continue
        j = m.end()
        while j < len(fmt) and fmt[j] not in "^~":
            j += 1
        yield cmd, fmt[m.end():j].strip()
        i = j


def _unhex(data: str) -> str:
    raw = data.encode("utf-8")
    out = re.sub(rb"_([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
    return out.decode("utf-8")


def _code128_data(fd: str) -> tuple[str, bool]:
    """Mode N field data with invocation codes -> (data, gs1) with FNC1 as GS."""
    out: list[str] = []
    subset = "B"
    gs1_ = False
    i = 0
    while i < len(fd):
        if fd[i] == ">" and i + 1 < len(fd):
            code = fd[i + 1]
            i += 2
            if code in ";5":
                subset = "C"
            elif code in ":6":
                subset = "B"
            elif code == "8":
                if out:
                    out.append(gs1.FNC1)
                else:
                    gs1_ = True  # FNC1 in first position: a GS1-128 symbol
            else:
                raise ZplParseError(f"unsupported Code 128 invocation >{code}")
            continue
        step = 2 if subset == "C" else 1
        out.append(fd[i:i + step])
        i += step
    return "".join(out), gs1_


def _params(p: str, n: int) -> list[str]:
    parts = p.split(",")
    return parts + [""] * (n - len(parts))


def _int(v: str, default: int = 0) -> int:
    v = v.strip()
    return int(v) if v else default


def parse_zpl(zpl: str, dpi: int = 203) -> Label:
    """The first label format in `zpl` as a Label (elements named field1, field2, ...)."""
    formats = split_formats(zpl)
    if not formats:
        raise ZplParseError("no ^XA ... ^XZ label format")
    width, height = 4 * dpi, 6 * dpi
    elements: list[Element] = []
    f: dict = {}
    by_module, by_height = 2, 10
    for cmd, p in _tokens(formats[0]):
        match cmd:
            case "PW":
                width = _int(p)
            case "LL":
                height = _int(p)
            case "FO":
                x, y = _params(p, 2)[:2]
                f["x"], f["y"] = _int(x), _int(y)
            case "BY":
                w, _r, h = _params(p, 3)[:3]
                by_module, by_height = _int(w, by_module), _int(h, by_height)
            case "FH":
                f["fh"] = True
            case "FB":
                w, lines, spacing, align, _ = _params(p, 5)
                f["fb"] = (_int(w), _int(lines, 1), _int(spacing), align or "L")
            case "FD":
                f["fd"] = _unhex(p) if f.get("fh") else p
            case "GB":
                w, h, t = _params(p, 3)[:3]
                f["gb"] = (_int(w, 1), _int(h, 1), _int(t, 1))
            case "BC" | "BE" | "B8" | "BU" | "B2" | "BQ" | "BX":
                f["barcode"] = (cmd, _params(p, 8))
            case "FS":
                el = _element(f, len(elements) + 1, by_module, by_height)
                if el is not None:
                    elements.append(el)
                f = {}
            case _ if cmd.startswith("A"):
                # ^A0N,h,w arrives as command "A0" with parameter "N,h,w"
                rot, h, w = _params(p, 3)[:3]
                f["font"] = (rot[:1] or "N", _int(h, 30), _int(w, 0))
    return Label(width=width, height=height, dpi=dpi, elements=tuple(elements))


def _element(f: dict, n: int, by_module: int, by_height: int) -> Element | None:
    name = f"field{n}"
    x, y = f.get("x", 0), f.get("y", 0)
    fd = f.get("fd", "")
    if "gb" in f:
        w, h, t = f["gb"]
        if h == t and w > t:
            return Line(name=name, x=x, y=y, length=w, thickness=t)
        if w == t and h > t:
            return Line(name=name, x=x, y=y, length=h, thickness=t, vertical=True)
        return Box(name=name, x=x, y=y, width=w, height=h, thickness=t)
    if "barcode" in f:
        cmd, p = f["barcode"]
        height = _int(p[1], by_height)
        match cmd:
            case "BC":
                data, is_gs1 = _code128_data(fd)
                if is_gs1:
                    data = gs1.bracketed(gs1.split_element_string(data))
                return Code128(name=name, x=x, y=y, data=data, height=height, module=by_module,
                               gs1=is_gs1)
            case "BE":
                return Ean13(name=name, x=x, y=y, data=fd, height=height, module=by_module)
            case "B8":
                return Ean8(name=name, x=x, y=y, data=fd, height=height, module=by_module)
            case "BU":
                return UpcA(name=name, x=x, y=y, data=fd, height=height, module=by_module)
            case "B2":
                return Itf14(name=name, x=x, y=y, data=fd, height=height, module=by_module)
            case "BQ":
                module = _int(p[2], 2)
                error, _, data = fd.partition(",")
                return QrCode(name=name, x=x, y=y, data=data, module=module,
                              error=(error[:1] or "M"))  # type: ignore[arg-type]
            case "BX":
                module = _int(p[1], by_module)
                esc = p[6] or "~"
                if fd.startswith(esc + "1"):
                    body = fd[2:].replace(esc + "1", gs1.FNC1).replace(esc * 2, esc)
                    return DataMatrix(name=name, x=x, y=y, module=module, gs1=True,
                                      data=gs1.bracketed(gs1.split_element_string(body)))
                return DataMatrix(name=name, x=x, y=y, module=module,
                                  data=fd.replace(esc * 2, esc))
    if "font" in f and fd:
        rot, h, w = f["font"]
        if "fb" in f:
            bw, lines, spacing, align = f["fb"]
            text = "\n".join(part.replace("\\\\", "\\") for part in fd.split("\\&"))
            return Text(name=name, x=x, y=y, text=text, height=h, width=w if w != h else 0,
                        rotation=rot, block_width=bw, max_lines=lines, line_spacing=spacing,
                        align=align)
        return Text(name=name, x=x, y=y, text=fd, height=h, width=w if w != h else 0,
                    rotation=rot)
    return None
