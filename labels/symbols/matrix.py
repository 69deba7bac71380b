"""2D symbols as module matrices: QR (segno) and ECC 200 Data Matrix (ppf-datamatrix)."""

from __future__ import annotations

import codecs

import segno
from ppf.datamatrix import DataMatrix as _PpfDataMatrix

from .gs1 import FNC1

_DM_FNC1 = 232


def _dm_ascii(msg: str) -> list[int]:
    """Data Matrix ASCII encodation: digit pairs as 130+nn, other ASCII as value+1."""
    out, i = [], 0
    while i < len(msg):
        if msg[i].isdigit() and i + 1 < len(msg) and msg[i + 1].isdigit() and msg[i:i + 2].isascii():
            out.append(130 + int(msg[i:i + 2]))
            i += 2
            continue
        code = ord(msg[i])
        if code > 127:
            raise ValueError(f"character {msg[i]!r} is not ASCII")
        out.append(code + 1)
        i += 1
    return out


def _encode_gs1(msg: str, errors: str = "strict") -> tuple[bytes, int]:
    out = [_DM_FNC1]
    for n, part in enumerate(msg.split(FNC1)):
        if n:
            out.append(_DM_FNC1)
        out.extend(_dm_ascii(part))
    return bytes(out), len(msg)


def _encode_ascii(msg: str, errors: str = "strict") -> tuple[bytes, int]:
    return bytes(_dm_ascii(msg)), len(msg)


def _search(name: str):
    if name == "datamatrix.wms_gs1":
        return codecs.CodecInfo(_encode_gs1, None, name=name)
    if name == "datamatrix.wms_ascii":
        return codecs.CodecInfo(_encode_ascii, None, name=name)
    return None


codecs.register(_search)


def datamatrix(data: str, gs1: bool = False) -> list[list[int]]:
    """Square ECC 200 symbol, ASCII encodation only (so a printer's own encoder fits the size).

    For gs1=True, `data` is an element string (FNC1 as GS) and is preceded by FNC1.
    """
    dm = _PpfDataMatrix(data)
    dm.codecs = ["datamatrix.wms_gs1" if gs1 else "datamatrix.wms_ascii"]
    return dm.matrix


def qr(data: str, error: str = "M") -> tuple[list[list[int]], int]:
    """QR Code model 2 matrix (without quiet zone) and the mask segno chose."""
    code = segno.make_qr(data, error=error.lower(), boost_error=False)
    return [list(row) for row in code.matrix], code.mask
