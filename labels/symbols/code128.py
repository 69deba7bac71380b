"""Code 128 / GS1-128 encoder with explicit subset choice.

`encode` returns the symbol values (start, data, check, stop) and the bar pattern; `zpl_data`
writes the same values as ^BC mode N field data with invocation codes (>: start B, >; start C,
>5 code C, >6 code B, >8 FNC1), so the printer draws exactly the bars the preview draws.
Only subsets B and C are used; the data must be printable ASCII without ^ > ~ (which ZPL
reserves), plus FNC1 (GS, 0x1d) in GS1 element strings.
"""

from __future__ import annotations

from .gs1 import FNC1

# Element widths (bar, space, bar, space, bar, space) of symbol values 0..105, and stop.
_WIDTHS = (
    "212222 222122 222221 121223 121322 131222 122213 122312 132212 221213 "
    "221312 231212 112232 122132 122231 113222 123122 123221 223211 221132 "
    "221231 213212 223112 312131 311222 321122 321221 312212 322112 322211 "
    "212123 212321 232121 111323 131123 131321 112313 132113 132311 211313 "
    "231113 231311 112133 112331 132131 113123 113321 133121 313121 211331 "
    "231131 213113 213311 213131 311123 311321 331121 312113 312311 332111 "
    "314111 221411 431111 111224 111422 121124 121421 141122 141221 112214 "
    "112412 122114 122411 142112 142211 241211 221114 413111 241112 134111 "
    "111242 121142 121241 114212 124112 124211 411212 421112 421211 212141 "
    "214121 412121 111143 111341 131141 114113 114311 411113 411311 113141 "
    "114131 311141 411131 211412 211214 211232 2331112"
).split()

CODE_C, CODE_B, FNC1_VALUE = 99, 100, 102
START_B, START_C, STOP = 104, 105, 106
_FORBIDDEN = set("^>~")


def _modules(widths: str) -> str:
    out, bar = [], True
    for w in widths:
        out.append(("1" if bar else "0") * int(w))
        bar = not bar
    return "".join(out)


PATTERNS = [_modules(w) for w in _WIDTHS]


def check_data(data: str, gs1: bool = False) -> str | None:
    """None if `data` can be encoded, else the reason."""
    if not data:
        return "no data"
    for ch in data:
        if ch == FNC1 and gs1:
            continue
        if not (" " <= ch <= "~") or ch in _FORBIDDEN:
            return f"character {ch!r} cannot be encoded in Code 128 here"
    return None


def _digit_run(data: str, i: int) -> int:
    n = 0
    while i + n < len(data) and data[i + n].isdigit():
        n += 1
    return n


def values(data: str, gs1: bool = False) -> list[int]:
    """Symbol values from start to stop, including the mod-103 check value.

    Subset C for runs of 4+ digits (6+ in the middle of B text), B otherwise; FNC1 first for
    GS1. FNC1 inside the data (GS) is written as the FNC1 value in either subset.
    """
    reason = check_data(data, gs1)
    if reason:
        raise ValueError(reason)
    out: list[int] = []
    i = 0
    run = _digit_run(data, 0)
    subset = "C" if run >= 4 or (gs1 and run >= 2 and run % 2 == 0) else "B"
    out.append(START_C if subset == "C" else START_B)
    if gs1:
        out.append(FNC1_VALUE)
    while i < len(data):
        ch = data[i]
        if ch == FNC1:
            out.append(FNC1_VALUE)
            i += 1
            continue
        run = _digit_run(data, i)
        if subset == "C":
            if run >= 2:
                out.append(int(data[i:i + 2]))
                i += 2
                continue
            subset = "B"
            out.append(CODE_B)
            continue
        # subset B: go to C for a long enough even stretch of digits
        at_end = i + run == len(data) or data[i + run] == FNC1
        if run >= 6 or (run >= 4 and at_end):
            if run % 2:
                out.append(ord(ch) - 32)
                i += 1
            subset = "C"
            out.append(CODE_C)
            continue
        out.append(ord(ch) - 32)
        i += 1
    check = out[0]
    for pos, v in enumerate(out[1:], start=1):
        check += pos * v
    out.append(check % 103)
    out.append(STOP)
    return out


def pattern(vals: list[int]) -> str:
    """'1' for a bar module, '0' for a space module."""
    return "".join(PATTERNS[v] for v in vals)


def zpl_data(vals: list[int]) -> str:
    """^BC mode N field data for the values (without check and stop: the printer adds them)."""
    out = []
    subset = "C" if vals[0] == START_C else "B"
    out.append(">;" if subset == "C" else ">:")
    for v in vals[1:-2]:
        if v == FNC1_VALUE:
            out.append(">8")
        elif v == CODE_C:
            out.append(">5")
            subset = "C"
        elif v == CODE_B:
            out.append(">6")
            subset = "B"
        elif subset == "C":
            out.append(f"{v:02d}")
        else:
            out.append(chr(v + 32))
    return "".join(out)
