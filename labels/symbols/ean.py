"""EAN-13 / UPC-A, EAN-8 and ITF-14 module patterns ('1' bar, '0' space)."""

from __future__ import annotations

from .gs1 import check_digit

_L = ("0001101", "0011001", "0010011", "0111101", "0100011",
      "0110001", "0101111", "0111011", "0110111", "0001011")
_R = tuple("".join("1" if b == "0" else "0" for b in p) for p in _L)
_G = tuple(p[::-1] for p in _R)
_PARITY = ("LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
           "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL")

# Interleaved 2 of 5: narrow/wide of the 5 elements of each digit.
_ITF = ("nnwwn", "wnnnw", "nwnnw", "wwnnn", "nnwnw", "wnwnn", "nwwnn", "nnnww", "wnnwn", "nwnwn")
ITF_RATIO = 3


def complete(data: str, length: int, what: str) -> str:
    """Digits with their check digit: `length - 1` digits get one, `length` digits are checked."""
    if not data.isdigit() or not data.isascii():
        raise ValueError(f"{what} takes digits only, got {data!r}")
    if len(data) == length - 1:
        return data + check_digit(data)
    if len(data) == length:
        if check_digit(data[:-1]) != data[-1]:
            raise ValueError(f"{what} {data} has a wrong check digit "
                             f"(expected {check_digit(data[:-1])})")
        return data
    raise ValueError(f"{what} takes {length - 1} or {length} digits, got {len(data)}")


def ean13_pattern(digits13: str) -> str:
    first, left, right = int(digits13[0]), digits13[1:7], digits13[7:]
    out = ["101"]
    for parity, d in zip(_PARITY[first], left):
        out.append((_L if parity == "L" else _G)[int(d)])
    out.append("01010")
    out.extend(_R[int(d)] for d in right)
    out.append("101")
    return "".join(out)


def ean8_pattern(digits8: str) -> str:
    """EAN-8: guard, four digits in L codes, centre guard, four in R codes, guard (67 modules)."""
    return "101" + "".join(_L[int(d)] for d in digits8[:4]) + "01010" + "".join(_R[int(d)] for d in digits8[4:]) + "101"


def itf_pattern(digits: str) -> str:
    """Interleaved 2 of 5 for an even number of digits; wide elements are ITF_RATIO modules."""
    wide, narrow = "w", "n"

    def run(kind: str, bar: bool) -> str:
        return ("1" if bar else "0") * (ITF_RATIO if kind == wide else 1)

    out = ["1010"]  # start: narrow bar, narrow space, narrow bar, narrow space
    for i in range(0, len(digits), 2):
        bars, spaces = _ITF[int(digits[i])], _ITF[int(digits[i + 1])]
        for b, s in zip(bars, spaces):
            out.append(run(b, True) + run(s, False))
    out.append(run(wide, True) + run(narrow, False) + run(narrow, True))  # stop
    return "".join(out)
