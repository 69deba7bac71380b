"""Picker walks: the order to visit a trip's locations in, and how far that is.

Pure functions, no database and no I/O. Over 400 lines on purpose: one model (the block of
aisles, `route_length`), the exact dynamic programme over it and the simple routes it is checked
and benchmarked against; split, each part would need the others' private geometry.

The model is one block of parallel aisles (Ratliff and Rosenthal, 1983, "Order-picking in a
rectangular warehouse"): vertical aisles at ``Layout.aisle_xs``, all running from the front
cross aisle at ``y_front`` to the back cross aisle at ``y_back``; the depot (where a trip starts
and ends) on the front cross aisle at ``depot_x``. Bins on both sides of an aisle are picked
from its centre line, so a stop's point is (the aisle's x, its depth y). The cross aisles are
taken to reach as far left and right as the depot and the stops on them. One walks only along
aisles and cross aisles.

- `shortest_route`: the exact optimum by Ratliff and Rosenthal's dynamic programme over the
  aisles, then an Euler tour of the chosen subgraph, so the order's walk equals the optimum.
  Stops off the block (not on an aisle or a cross aisle) fall back to `heuristic_route`
  (nearest neighbour, then 2-opt), which is not exact.
- `s_shape_route`: the S-shape (traversal) heuristic, for comparison.
- `code_order_route`: visit in location-code order, for comparison.
- `brute_force_route`: every permutation, for checking on small lists.
- `route_length`: the walk of a visiting order; every function above measures with it, each leg
  being the shortest way between two consecutive points.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from typing import Literal

import msgspec

Method = Literal["optimal", "nearest-neighbour-2-opt", "s-shape", "code-order", "brute-force"]
Point = tuple[float, float]

# Points closer than this (metres) are the same point; a stop this close to an aisle is on it.
TOLERANCE = 1e-6
BRUTE_FORCE_LIMIT = 8


class Layout(msgspec.Struct, frozen=True, kw_only=True):
    """One block of parallel aisles with a front and a back cross aisle, in metres."""

    aisle_xs: tuple[float, ...]
    y_front: float
    y_back: float
    depot_x: float

    @property
    def depot(self) -> Point:
        return (self.depot_x, self.y_front)


class Stop(msgspec.Struct, frozen=True):
    """A point to visit; key is opaque to the router (a location code). Keys may share a point."""

    key: str
    x: float
    y: float


class Route(msgspec.Struct, frozen=True, kw_only=True):
    """The keys in visiting order, from and back to the depot, and the walk in metres."""

    order: tuple[str, ...]
    length: float
    method: Method


# --- Distances -------------------------------------------------------------------------------


class _Block:
    """A layout prepared for distance look-ups: sorted aisles and point classification."""

    def __init__(self, layout: Layout) -> None:
        if not layout.y_front < layout.y_back:
            raise ValueError("y_front must be less than y_back")
        if not layout.aisle_xs:
            raise ValueError("a layout needs at least one aisle")
        self.xs = tuple(sorted(set(layout.aisle_xs)))
        self.y_front = layout.y_front
        self.y_back = layout.y_back
        self.depth = layout.y_back - layout.y_front

    def aisle_at(self, x: float) -> float | None:
        """The x of the aisle at x, if there is one."""
        for ax in self.xs:
            if abs(ax - x) <= TOLERANCE:
                return ax
        return None

    def locate(self, x: float, y: float) -> tuple[float, float, bool] | None:
        """(x, y, in_aisle) snapped onto the block, or None for a point off the block."""
        if abs(y - self.y_front) <= TOLERANCE:
            y = self.y_front
        elif abs(y - self.y_back) <= TOLERANCE:
            y = self.y_back
        ax = self.aisle_at(x)
        if ax is not None and self.y_front <= y <= self.y_back:
            return (ax, y, True)
        if y in (self.y_front, self.y_back):
            return (x, y, False)
        return None

    def distance(self, p: Point, q: Point) -> float:
        """Shortest walk from p to q: along the block's aisles if both are on it, else rectilinear."""
        lp = self.locate(*p)
        lq = self.locate(*q)
        if lp is None or lq is None:
            # Off the block we know nothing of the obstacles: plain rectilinear distance.
            return abs(p[0] - q[0]) + abs(p[1] - q[1])
        (xp, yp, in_p), (xq, yq, in_q) = lp, lq
        dx = abs(xp - xq)
        if in_p and in_q and dx == 0:
            return abs(yp - yq)  # same aisle
        if not in_p and not in_q and yp != yq:
            # One on each cross aisle, neither in an aisle: through the handiest aisle.
            return self.depth + min(abs(xp - ax) + abs(ax - xq) for ax in self.xs)
        via_front = (yp - self.y_front) + (yq - self.y_front) + dx
        via_back = (self.y_back - yp) + (self.y_back - yq) + dx
        return min(via_front, via_back)


def route_length(layout: Layout, points_in_order: Iterable[Point]) -> float:
    """Walk from the depot through the points in order and back to the depot, in metres.

    Each leg is the shortest way between its two points: within an aisle straight; between
    aisles round by the front or the back cross aisle, whichever is shorter. A leg with a point
    off the block is taken as the rectilinear distance (|dx| + |dy|).
    """
    block = _Block(layout)
    total = 0.0
    here = layout.depot
    for point in points_in_order:
        total += block.distance(here, point)
        here = point
    return total + block.distance(here, layout.depot)


# --- Shared helpers --------------------------------------------------------------------------


def _group(stops: Sequence[Stop]) -> dict[Point, list[str]]:
    """Keys by distinct point (first-seen order of points; keys sorted within a point)."""
    by_point: dict[Point, list[str]] = {}
    for stop in stops:
        by_point.setdefault((stop.x, stop.y), []).append(stop.key)
    for keys in by_point.values():
        keys.sort()
    return by_point


def _route(
    layout: Layout, by_point: dict[Point, list[str]], points: Sequence[Point], method: Method
) -> Route:
    order = tuple(key for point in points for key in by_point[point])
    return Route(order=order, length=route_length(layout, points), method=method)


def _check_keys(stops: Sequence[Stop]) -> None:
    keys = [stop.key for stop in stops]
    if len(set(keys)) != len(keys):
        raise ValueError("stop keys must be unique")


# --- Comparison orders -----------------------------------------------------------------------


def code_order_route(layout: Layout, stops: Sequence[Stop]) -> Route:
    """Visit the stops in key order (location-code order), each leg the shortest way."""
    _check_keys(stops)
    ordered = sorted(stops, key=lambda s: s.key)
    return Route(
        order=tuple(s.key for s in ordered),
        length=route_length(layout, [(s.x, s.y) for s in ordered]),
        method="code-order",
    )


def s_shape_route(layout: Layout, stops: Sequence[Stop]) -> Route:
    """The S-shape heuristic: sweep the aisles that have stops, up one and down the next.

    The sweep starts at the end nearer the depot. Stops on the cross aisles are taken in the
    sweep as they are passed; stops off the block last, in key order. Legs are measured as the
    shortest way between consecutive stops (`route_length`), which is never longer than the
    textbook S-shape walk that runs every visited aisle end to end.
    """
    _check_keys(stops)
    block = _Block(layout)
    by_point = _group(stops)
    columns: dict[float, list[Point]] = {}
    off_block: list[Point] = []
    for point in by_point:
        located = block.locate(*point)
        if located is None:
            off_block.append(point)
        else:
            columns.setdefault(located[0], []).append(point)
    off_block.sort(key=lambda p: by_point[p][0])
    xs = sorted(columns)
    if xs and abs(layout.depot_x - xs[-1]) < abs(layout.depot_x - xs[0]):
        xs.reverse()
    points: list[Point] = []
    upward = True
    for x in xs:
        column = sorted(columns[x], key=lambda p: p[1], reverse=not upward)
        points.extend(column)
        if block.aisle_at(x) is not None:
            upward = not upward
    return _route(layout, by_point, points + off_block, "s-shape")


def brute_force_route(layout: Layout, stops: Sequence[Stop]) -> Route:
    """The best of every visiting order of the distinct points; for checks, at most 8 points."""
    _check_keys(stops)
    by_point = _group(stops)
    points = sorted(by_point)
    if len(points) > BRUTE_FORCE_LIMIT:
        raise ValueError(f"brute force takes at most {BRUTE_FORCE_LIMIT} distinct points")
    block = _Block(layout)
    nodes = [layout.depot, *points]
    dist = [[block.distance(p, q) for q in nodes] for p in nodes]
    best_length, best = float("inf"), tuple(range(1, len(nodes)))
    for perm in itertools.permutations(range(1, len(nodes))):
        length = dist[0][perm[0]] + dist[perm[-1]][0] if perm else 0.0
        for i, k in itertools.pairwise(perm):
            length += dist[i][k]
        if length < best_length - 1e-9:
            best_length, best = length, perm
    return _route(layout, by_point, [nodes[i] for i in best], "brute-force")


# --- Fallback: nearest neighbour, then 2-opt -------------------------------------------------


def heuristic_route(layout: Layout, stops: Sequence[Stop]) -> Route:
    """Nearest neighbour from the depot, then 2-opt until no reversal shortens the walk.

    Not exact. `shortest_route` uses it when some stop is off the block (an irregular layout,
    a second block, a floor location): legs with such a stop are rectilinear (|dx| + |dy|),
    legs between block points are walked along the aisles as in `route_length`.
    """
    _check_keys(stops)
    block = _Block(layout)
    by_point = _group(stops)
    nodes: list[Point] = [layout.depot, *by_point]
    n = len(nodes)
    dist = [[block.distance(p, q) for q in nodes] for p in nodes]

    tour = [0]
    left = set(range(1, n))
    while left:
        here = tour[-1]
        nearest = min(left, key=lambda j: (dist[here][j], j))
        tour.append(nearest)
        left.remove(nearest)
    tour.append(0)  # closed: depot ... depot

    improved = True
    while improved:
        improved = False
        for i in range(1, len(tour) - 2):
            for k in range(i + 1, len(tour) - 1):
                a, b, c, d = tour[i - 1], tour[i], tour[k], tour[k + 1]
                if dist[a][c] + dist[b][d] < dist[a][b] + dist[c][d] - 1e-9:
                    tour[i : k + 1] = reversed(tour[i : k + 1])
                    improved = True
    points = [nodes[j] for j in tour[1:-1]]
    return _route(layout, by_point, points, "nearest-neighbour-2-opt")


# --- Exact: Ratliff and Rosenthal's dynamic programme ----------------------------------------
#
# The graph has a front node a_j and a back node b_j for each column j (an aisle, or a point on
# a cross aisle that is not an aisle: the depot, or a stop on a cross aisle), the stops inside
# each aisle on the chain a_j .. b_j, and cross-aisle edges a_j - a_{j+1}, b_j - b_{j+1}.
# A tour is a connected multigraph with every degree even that touches every stop and the
# depot. Going left to right, a partial tour subgraph is summed up by its state:
# (class of deg a_j, class of deg b_j, components) with degree class 0 none, 1 odd, 2 even,
# and components EMPTY (no edges yet), ONE, TWO (a_j's and b_j's apart) or DONE (one closed
# component: the tour is complete). Reachable are exactly Ratliff and Rosenthal's seven
# classes: (1,1,ONE) (2,0,ONE) (0,2,ONE) (2,2,ONE) (2,2,TWO) (0,0,EMPTY) (0,0,DONE). Each cross edge is taken 0, 1 or 2 times; each aisle in one of six ways
# (Ratliff and Rosenthal): none, once through, twice through, in and out from the front, from
# the back, or from both ends leaving out the largest gap between adjacent stops.

_EMPTY, _ONE, _TWO, _DONE = 0, 1, 2, 3
_State = tuple[int, int, int]
_START: _State = (0, 0, _EMPTY)
_FINISHED: _State = (0, 0, _DONE)


def _degree_class(degree: int) -> int:
    return 0 if degree == 0 else 1 if degree % 2 else 2


@functools.cache
def _step(
    state: _State, f: int, g: int, da: int, db: int, joined: bool, need_a: bool, need_b: bool
) -> _State | None:
    """The state after adding f front and g back cross edges from column j to column j + 1,
    and an aisle configuration of column j + 1 adding degrees da, db (joined: it links them).

    need_a / need_b: a_j / b_j is a stop or the depot, so must be on the tour. Returns None if
    the result can no longer be part of a tour.
    """
    pa, pb, comp = state
    if (pa + f) % 2 or (pb + g) % 2:
        return None  # a_j or b_j is final now, and would have odd degree
    if (need_a and pa == 0 and f == 0) or (need_b and pb == 0 and g == 0):
        return None
    if comp == _DONE:
        return _FINISHED if f == g == da == db == 0 else None

    parent = [0, 1, 2, 3]  # a_j, b_j, a_{j+1}, b_{j+1}

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    def union(i: int, k: int) -> None:
        parent[find(i)] = find(k)

    if comp == _ONE and pa and pb:
        union(0, 1)
    if f:
        union(0, 2)
    if g:
        union(1, 3)
    if joined:
        union(2, 3)
    da2, db2 = f + da, g + db
    live = [i for i, has in enumerate((pa or f, pb or g, da2, db2)) if has]
    roots = {find(i) for i in live}
    frontier = {find(i) for i in live if i >= 2}
    if roots - frontier:  # a component that can grow no more
        return _FINISHED if len(roots) == 1 and not frontier else None
    return (_degree_class(da2), _degree_class(db2), len(frontier))


@functools.cache
def _moves(
    state: _State, crossing: bool, shapes: tuple[tuple[int, int, bool], ...], need_a: bool, need_b: bool
) -> tuple[tuple[_State, int, int, int], ...]:
    """The (new state, f, g, config index) a state may move to into a column whose configurations
    have these (da, db, joined) shapes: the DP's inner loops, once per kind of column."""
    cross = [(f, g) for f in range(3) for g in range(3)] if crossing else [(0, 0)]
    return tuple(
        (new, f, g, k)
        for f, g in cross
        for k, (da, db, joined) in enumerate(shapes)
        if (new := _step(state, f, g, da, db, joined, need_a, need_b)) is not None
    )


class _Config(msgspec.Struct, frozen=True):
    """One way to walk an aisle: how many times each segment of its chain a .. stops .. b is used."""

    uses: tuple[int, ...]
    length: float
    da: int
    db: int
    joined: bool


class _Column(msgspec.Struct):
    x: float
    is_aisle: bool
    ys: list[float]  # the chain: y_front, the stops strictly inside (sorted), y_back
    need_a: bool = False
    need_b: bool = False

    def configs(self) -> list[_Config]:
        inner = len(self.ys) - 2
        seg = [b - a for a, b in itertools.pairwise(self.ys)]
        n = len(seg)

        def make(uses: list[int], da: int, db: int, joined: bool) -> _Config:
            length = sum(u * s for u, s in zip(uses, seg, strict=True))
            return _Config(tuple(uses), length, da, db, joined)

        out: list[_Config] = []
        if inner == 0:
            out.append(make([0] * n, 0, 0, False))
        if not self.is_aisle:
            return out
        out.append(make([1] * n, 1, 1, True))
        out.append(make([2] * n, 2, 2, True))
        if inner >= 1:
            out.append(make([2] * (n - 1) + [0], 2, 0, False))  # from the front to the last stop
            out.append(make([0] + [2] * (n - 1), 0, 2, False))  # from the back to the first stop
        if inner >= 2:
            gap = max(range(1, n - 1), key=lambda s: (seg[s], -s))
            out.append(make([2] * gap + [0] + [2] * (n - gap - 1), 2, 2, False))
        return out


def _columns(
    block: _Block, layout: Layout, points: Iterable[Point]
) -> tuple[list[_Column], dict[Point, tuple]] | None:
    """The columns of the DP, and each point's node ("y", column, place in its chain); None if
    some point is off the block. The depot is the key `layout.depot`."""
    located: dict[Point, tuple[float, float, bool]] = {}
    for point in [layout.depot, *points]:
        spot = block.locate(*point)
        if spot is None:
            return None
        located[point] = spot
    columns = {x: _Column(x, True, []) for x in block.xs}
    for x, y, in_aisle in located.values():
        column = columns.setdefault(x, _Column(x, in_aisle, []))
        if y == block.y_front:
            column.need_a = True
        elif y == block.y_back:
            column.need_b = True
        else:
            column.ys.append(y)
    ordered = [columns[x] for x in sorted(columns)]
    # An empty aisle left of every point (or right of every point) is never worth walking to but
    # to cross between the cross aisles; the outermost column with a point serves for that if it
    # is an aisle, else the nearest empty aisle beyond it does, and one further out never.
    wanted = [j for j, column in enumerate(ordered) if column.ys or column.need_a or column.need_b]
    first, last = wanted[0], wanted[-1]
    first -= first > 0 and not ordered[first].is_aisle
    last += last < len(ordered) - 1 and not ordered[last].is_aisle
    ordered = ordered[first : last + 1]
    index = {column.x: j for j, column in enumerate(ordered)}
    for column in ordered:
        column.ys = [block.y_front, *sorted(set(column.ys)), block.y_back]
    nodes = {
        point: ("y", index[x], ordered[index[x]].ys.index(y)) for point, (x, y, _) in located.items()
    }
    return ordered, nodes


def _solve(columns: list[_Column]) -> tuple[float, list[tuple[int, int, _Config]]]:
    """The optimal tour length, and per column (f, g, config): cross edges from the previous
    column and the aisle configuration."""
    configs = [c.configs() for c in columns]
    if sum(c.need_a + c.need_b + len(c.ys) - 2 for c in columns) == 1:
        return 0.0, [(0, 0, c[0]) for c in configs]  # only the depot: the tour is standing still
    # layer[state] = (cost, previous state, f, g, config)
    layers: list[dict[_State, tuple[float, _State, int, int, _Config]]] = []
    prev: dict[_State, float] = {_START: 0.0}
    for j, column in enumerate(columns):
        dx = column.x - columns[j - 1].x if j else 0.0
        need_a = columns[j - 1].need_a if j else False
        need_b = columns[j - 1].need_b if j else False
        layer: dict[_State, tuple[float, _State, int, int, _Config]] = {}
        shapes = tuple((config.da, config.db, config.joined) for config in configs[j])
        for state, cost in prev.items():
            for new, f, g, k in _moves(state, bool(j), shapes, need_a, need_b):
                config = configs[j][k]
                total = cost + (f + g) * dx + config.length
                if new not in layer or total < layer[new][0] - 1e-12:
                    layer[new] = (total, state, f, g, config)
        layers.append(layer)
        prev = {state: entry[0] for state, entry in layer.items()}

    last = columns[-1]
    finals = [
        (cost, state)
        for state, cost in prev.items()
        if _step(state, 0, 0, 0, 0, False, last.need_a, last.need_b) == _FINISHED
    ]
    if not finals:
        raise AssertionError("no tour found")  # cannot happen: twice through every aisle works
    best, state = min(finals)
    plan: list[tuple[int, int, _Config]] = []
    for layer in reversed(layers):
        _, previous, f, g, config = layer[state]
        plan.append((f, g, config))
        state = previous
    plan.reverse()
    return best, plan


def _euler_order(columns: list[_Column], plan: list[tuple[int, int, _Config]], start: tuple) -> list:
    """Nodes of the tour subgraph in the order an Euler circuit from start first reaches them."""
    adjacency: dict[tuple, list[tuple[tuple, int]]] = {}
    edge_count = 0

    def add(u: tuple, v: tuple, times: int) -> None:
        nonlocal edge_count
        for _ in range(times):
            adjacency.setdefault(u, []).append((v, edge_count))
            adjacency.setdefault(v, []).append((u, edge_count))
            edge_count += 1

    for j, (f, g, config) in enumerate(plan):
        if j:
            add(("y", j - 1, 0), ("y", j, 0), f)
            top = len(columns[j - 1].ys) - 1
            add(("y", j - 1, top), ("y", j, len(columns[j].ys) - 1), g)
        for s, times in enumerate(config.uses):
            add(("y", j, s), ("y", j, s + 1), times)

    used = [False] * edge_count
    pointer: dict[tuple, int] = {}
    stack = [start]
    circuit: list[tuple] = []
    while stack:  # Hierholzer: nodes leave the stack in (reversed) circuit order
        node = stack[-1]
        edges = adjacency.get(node, [])
        i = pointer.get(node, 0)
        while i < len(edges) and used[edges[i][1]]:
            i += 1
        pointer[node] = i
        if i == len(edges):
            circuit.append(stack.pop())
        else:
            other, edge = edges[i]
            used[edge] = True
            stack.append(other)
    circuit.reverse()
    return list(dict.fromkeys(circuit))


def shortest_route(layout: Layout, stops: Sequence[Stop]) -> Route:
    """The shortest walk from the depot through every stop and back (exact).

    For stops on the block (in an aisle, or on a cross aisle) this is Ratliff and Rosenthal's
    dynamic programme, linear in the number of aisles and stops: it picks the cheapest tour
    subgraph, and an Euler circuit of it gives the visiting order, whose `route_length` equals
    the optimum. Several keys at one point are visited together, in key order.

    Fallback: if any stop is off the block (an irregular layout, a second block), the route is
    `heuristic_route` (nearest neighbour, then 2-opt), which is not guaranteed optimal; the
    returned Route says so in `method`.
    """
    _check_keys(stops)
    if not stops:
        return Route(order=(), length=0.0, method="optimal")
    block = _Block(layout)
    by_point = _group(stops)
    prepared = _columns(block, layout, by_point)
    if prepared is None:
        return heuristic_route(layout, stops)
    columns, node_of = prepared
    _, plan = _solve(columns)
    circuit = _euler_order(columns, plan, node_of[layout.depot])
    rank = {node: i for i, node in enumerate(circuit)}
    points = sorted(by_point, key=lambda p: (rank[node_of[p]], p))
    return _route(layout, by_point, points, "optimal")


def optimal_length(layout: Layout, stops: Sequence[Stop]) -> float:
    """The optimum walk as the dynamic programme computes it (for checks); stops on the block."""
    prepared = _columns(_Block(layout), layout, _group(stops))
    if prepared is None:
        raise ValueError("a stop is off the block")
    return _solve(prepared[0])[0]
