"""The catalogue of carton types, and the suggestion of which cartons to pack an order's units in.

The suggestion (first fit by decreasing volume into the largest carton a unit fits, then each
carton shrunk to the smallest type that still holds it) guarantees, for every carton it
proposes: each unit fits inside by its three dimensions in some axis-aligned orientation, the
units weigh no more than the carton may carry, and their volume is at most FILL of the carton's.
It does not prove the units can be arranged in the box (three-dimensional packing is NP-hard),
nor that no set of fewer cartons exists. SKUs without dimensions or weight are listed as unfit
rather than guessed."""

import asyncpg
import msgspec

from schema.shipping import CartonType, CartonTypeIn, Suggestion
from server.core.problems import Invalid

# Share of a carton's inner volume that units may fill: void fill and awkward shapes take the rest.
FILL = 0.85

COLUMNS = "code, description, length_mm, width_mm, height_mm, tare_g, max_weight_g, active"


async def put_carton_type(conn: asyncpg.Connection, data: CartonTypeIn) -> CartonType:
    row = await conn.fetchrow(
        f"""
        insert into carton_types ({COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8)
        on conflict (code) do update set description = $2, length_mm = $3, width_mm = $4, height_mm = $5,
                                         tare_g = $6, max_weight_g = $7, active = $8
        returning {COLUMNS}
        """,
        data.code, data.description, data.length_mm, data.width_mm, data.height_mm, data.tare_g, data.max_weight_g,
        data.active,
    )
    return CartonType(**dict(row))


async def list_carton_types(conn: asyncpg.Connection, active_only: bool = False) -> list[CartonType]:
    rows = await conn.fetch(f"select {COLUMNS} from carton_types where active or not $1 order by code", active_only)
    return [CartonType(**dict(r)) for r in rows]


async def get_carton_type(conn: asyncpg.Connection, code: str) -> CartonType:
    row = await conn.fetchrow(f"select {COLUMNS} from carton_types where code = $1", code)
    if row is None or not row["active"]:
        known = ", ".join(t.code for t in await list_carton_types(conn, active_only=True)) or "none yet"
        raise Invalid.field("carton_type", f"no carton type {code}; the cartons are: {known}")
    return CartonType(**dict(row))


class Unit(msgspec.Struct, frozen=True):
    sku: str
    dims: tuple[int, int, int]  # sorted, largest first
    weight_g: int

    @property
    def volume(self) -> int:
        return self.dims[0] * self.dims[1] * self.dims[2]


def _inner(t: CartonType) -> tuple[int, int, int]:
    return tuple(sorted((t.length_mm, t.width_mm, t.height_mm), reverse=True))


def holds(t: CartonType, units: list[Unit]) -> bool:
    """Whether the carton type takes these units, by the guarantees of the module's docstring."""
    return _takes(t, _Load.of(units))


class _Load(msgspec.Struct):
    """What a carton's units add up to: enough to check one more unit without adding them all again."""

    dims: tuple[int, int, int] = (0, 0, 0)  # the largest of each sorted dimension
    weight_g: int = 0
    volume: int = 0

    @classmethod
    def of(cls, units: list[Unit]) -> "_Load":
        load = cls()
        for unit in units:
            load = load.plus(unit)
        return load

    def plus(self, unit: Unit) -> "_Load":
        return _Load(tuple(max(a, b) for a, b in zip(self.dims, unit.dims)), self.weight_g + unit.weight_g,
                     self.volume + unit.volume)


def _takes(t: CartonType, load: _Load) -> bool:
    inner = _inner(t)
    return (
        all(u <= i for u, i in zip(load.dims, inner))
        and load.weight_g + t.tare_g <= t.max_weight_g
        and load.volume <= FILL * inner[0] * inner[1] * inner[2]
    )


def plan(types: list[CartonType], units: list[Unit]) -> tuple[list[tuple[CartonType, list[Unit]]], list[Unit]]:
    """Each carton with the units it takes, and the units no carton takes."""
    by_size = sorted(types, key=lambda t: t.length_mm * t.width_mm * t.height_mm)
    cartons: list[tuple[CartonType, list[Unit], _Load]] = []
    unfit: list[Unit] = []
    for unit in sorted(units, key=lambda u: u.volume, reverse=True):
        home = next((n for n, (t, _, load) in enumerate(cartons) if _takes(t, load.plus(unit))), None)
        if home is not None:
            carton_type, content, load = cartons[home]
            content.append(unit)
            cartons[home] = (carton_type, content, load.plus(unit))
            continue
        biggest = next((t for t in reversed(by_size) if _takes(t, _Load().plus(unit))), None)
        if biggest is None:
            unfit.append(unit)
        else:
            cartons.append((biggest, [unit], _Load().plus(unit)))
    return [(next(t for t in by_size if _takes(t, load)), content) for _, content, load in cartons], unfit


def suggest(types: list[CartonType], units: list[Unit], unmeasured: list[str]) -> Suggestion:
    """Cartons for these units, smallest boxes that hold them (see the module's docstring)."""
    cartons, unfit = plan(types, units)
    return Suggestion(cartons=[t.code for t, _ in cartons], unfit=sorted({*unmeasured, *(u.sku for u in unfit)}))


async def suggest_for(conn: asyncpg.Connection, left: dict[int, int]) -> Suggestion:
    """The suggestion for `left` units of each SKU id."""
    if not left:
        return Suggestion(cartons=[])
    rows = await conn.fetch(
        "select id, code, length_mm, width_mm, height_mm, weight_g from skus where id = any($1::bigint[])", list(left)
    )
    units, unfit = [], []
    for r in rows:
        if None in (r["length_mm"], r["width_mm"], r["height_mm"], r["weight_g"]):
            unfit.append(r["code"])
            continue
        dims = tuple(sorted((r["length_mm"], r["width_mm"], r["height_mm"]), reverse=True))
        units += [Unit(r["code"], dims, r["weight_g"])] * left[r["id"]]
    return suggest(await list_carton_types(conn, active_only=True), units, unfit)
