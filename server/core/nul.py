"""PostgreSQL text cannot hold NUL (U+0000). A caller's text with one is refused where it arrives,
with the field named, rather than by the database halfway through a write."""

import msgspec

REASON = "contains a NUL character (\\u0000), which text cannot hold"


def nul_path(value: object, path: str = "") -> str | None:
    """Where the first string holding a NUL is in decoded JSON (`ship_to.name`, `lines[0].sku`;
    "body" for a bare string), or None."""
    if isinstance(value, str):
        return (path or "body") if "\x00" in value else None
    if isinstance(value, dict):
        for name, item in value.items():
            where = f"{path}.{name}" if path else name
            if "\x00" in name:
                return where
            if (found := nul_path(item, where)) is not None:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if (found := nul_path(item, f"{path}[{i}]")) is not None:
                return found
    return None


def nul_in_json(raw: bytes) -> str | None:
    """nul_path of a JSON body, which must decode. JSON carries a NUL only as the escape \\u0000,
    so a body without that text is passed without decoding it again."""
    if b"\\u0000" not in raw:
        return None
    return nul_path(msgspec.json.decode(raw))
