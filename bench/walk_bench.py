"""Benchmark of picker walks in the demo layout (server/floor/walk.py).

    .venv/bin/python bench/walk_bench.py [--lists 1000] [--seed 2024] [--workers 2]

Draws random pick lists of 5 to 40 lines (distinct locations) and totals the walk of
(a) location-code order, (b) S-shape, (c) ours (`shortest_route`), (d) an independent exact
solver, printed as ratios to (d).

The independent solver shares no code with server/floor/walk.py: it builds the aisle graph itself,
takes shortest paths with Dijkstra, and solves the travelling-salesman problem on the distinct
pick points plus the depot with OR-Tools CP-SAT: degree-2 constraints, and subtour-elimination
cuts added until the solution is one tour. Each CP-SAT solve must end OPTIMAL (proved), so a
single-tour answer is a proved optimum. Lists it does not prove within --time-limit seconds
are left out of every total, and counted.

Needs ortools (bench only).
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from server.floor.walk import (  # noqa: E402
    Layout,
    Stop,
    code_order_route,
    route_length,
    s_shape_route,
    shortest_route,
)

AISLES = 8
BAYS = 20
LEVELS = 4
SIDES = ("L", "R")
AISLE_PITCH = 3.0


def demo_layout() -> Layout:
    """8 aisles 3 m apart, bays at y = 1..20, cross aisles at y = 0 and 21, depot front left."""
    return Layout(
        aisle_xs=tuple(AISLE_PITCH * i for i in range(AISLES)),
        y_front=0.0,
        y_back=float(BAYS + 1),
        depot_x=0.0,
    )


def demo_stop(code: str) -> Stop:
    """The stop of a demo location code such as A01-05-2-L (aisle 01, bay 05, level 2, left)."""
    aisle, bay, level, side = code.split("-")
    if not (aisle[0] == "A" and 1 <= int(aisle[1:]) <= AISLES and 1 <= int(bay) <= BAYS):
        raise ValueError(f"not a demo location: {code}")
    if not (1 <= int(level) <= LEVELS and side in SIDES):
        raise ValueError(f"not a demo location: {code}")
    return Stop(code, AISLE_PITCH * (int(aisle[1:]) - 1), float(int(bay)))


def demo_codes() -> list[str]:
    return [
        f"A{a:02d}-{b:02d}-{lv}-{s}"
        for a in range(1, AISLES + 1)
        for b in range(1, BAYS + 1)
        for lv in range(1, LEVELS + 1)
        for s in SIDES
    ]


# --- Independent exact solver ------------------------------------------------------------------


def _graph_distances(layout: Layout, points: list[tuple[float, float]]) -> list[list[float]]:
    """Shortest-path distances between points over an explicit aisle graph (Dijkstra)."""
    nodes: set[tuple[float, float]] = set(points)
    for x in layout.aisle_xs:
        nodes.add((x, layout.y_front))
        nodes.add((x, layout.y_back))
    nodes.add((layout.depot_x, layout.y_front))
    adjacency: dict[tuple[float, float], list[tuple[tuple[float, float], float]]] = {n: [] for n in nodes}

    def chain(line: list[tuple[float, float]]) -> None:
        for p, q in zip(line, line[1:]):
            d = abs(p[0] - q[0]) + abs(p[1] - q[1])
            adjacency[p].append((q, d))
            adjacency[q].append((p, d))

    for x in layout.aisle_xs:
        chain(sorted((n for n in nodes if n[0] == x), key=lambda n: n[1]))
    for y in (layout.y_front, layout.y_back):
        chain(sorted((n for n in nodes if n[1] == y), key=lambda n: n[0]))

    matrix = []
    for source in points:
        best = {source: 0.0}
        heap = [(0.0, source)]
        while heap:
            d, node = heapq.heappop(heap)
            if d > best[node]:
                continue
            for other, w in adjacency[node]:
                if d + w < best.get(other, float("inf")):
                    best[other] = d + w
                    heapq.heappush(heap, (d + w, other))
        matrix.append([best[p] for p in points])
    return matrix


def exact_length(layout: Layout, stops: list[Stop], time_limit: float) -> float | None:
    """Proved-optimal walk by CP-SAT with subtour cuts, or None if not proved in time."""
    from ortools.sat.python import cp_model

    points = [(layout.depot_x, layout.y_front)]
    points += sorted({(s.x, s.y) for s in stops} - {points[0]})
    n = len(points)
    dist = _graph_distances(layout, points)
    if n == 1:
        return 0.0
    if n == 2:
        return 2 * dist[0][1]
    scale = [[round(d) for d in row] for row in dist]
    assert all(abs(d - s) < 1e-9 for row, srow in zip(dist, scale) for d, s in zip(row, srow))

    model = cp_model.CpModel()
    x = {(i, j): model.NewBoolVar(f"x{i}_{j}") for i in range(n) for j in range(i + 1, n)}
    for i in range(n):
        model.Add(sum(x[min(i, j), max(i, j)] for j in range(n) if j != i) == 2)
    model.Minimize(sum(scale[i][j] * var for (i, j), var in x.items()))
    deadline = time.perf_counter() + time_limit
    while True:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = max(0.01, deadline - time.perf_counter())
        if solver.Solve(model) != cp_model.OPTIMAL:
            return None
        parts = _components(n, [e for e, var in x.items() if solver.Value(var)])
        if len(parts) == 1:
            return float(solver.ObjectiveValue())
        for part in parts:
            model.Add(sum(var for (i, j), var in x.items() if (i in part) != (j in part)) >= 2)


def _components(n: int, edges: list[tuple[int, int]]) -> list[set[int]]:
    adjacency: dict[int, list[int]] = {i: [] for i in range(n)}
    for i, j in edges:
        adjacency[i].append(j)
        adjacency[j].append(i)
    seen: set[int] = set()
    parts = []
    for start in range(n):
        if start in seen:
            continue
        part, todo = set(), [start]
        seen.add(start)
        while todo:
            node = todo.pop()
            part.add(node)
            for other in adjacency[node]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        parts.append(part)
    return parts


def _exact_job(args: tuple[list[str], float]) -> float | None:
    codes, time_limit = args
    return exact_length(demo_layout(), [demo_stop(c) for c in codes], time_limit)


# --- Bench ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--time-limit", type=float, default=30.0, help="seconds per exact solve")
    args = parser.parse_args()

    layout = demo_layout()
    rng = random.Random(args.seed)
    codes = demo_codes()
    lists = [rng.sample(codes, rng.randint(5, 40)) for _ in range(args.lists)]

    started = time.perf_counter()
    results = []
    times = []
    for pick_list in lists:
        stops = [demo_stop(c) for c in pick_list]
        code = code_order_route(layout, stops).length
        s_shape = s_shape_route(layout, stops).length
        t0 = time.perf_counter()
        ours = shortest_route(layout, stops)
        times.append(time.perf_counter() - t0)
        assert sorted(ours.order) == sorted(pick_list)
        walked = route_length(layout, [(s.x, s.y) for s in map(demo_stop, ours.order)])
        assert abs(ours.length - walked) < 1e-9
        results.append((code, s_shape, ours.length))
    with ProcessPoolExecutor(args.workers) as pool:
        exact = list(pool.map(_exact_job, [(c, args.time_limit) for c in lists], chunksize=8))
    elapsed = time.perf_counter() - started

    solved = [(r, e) for r, e in zip(results, exact) if e is not None]
    totals = [sum(r[i] for r, _ in solved) for i in range(3)]
    total_exact = sum(e for _, e in solved)
    above = sum(1 for r, e in solved if r[2] > e + 1e-6)
    below = sum(1 for r, e in solved if r[2] < e - 1e-6)
    mean_gap = statistics.fmean(r[2] / e - 1 for r, e in solved) if solved else float("nan")

    print(f"walk bench: {args.lists} random pick lists of 5-40 distinct locations, seed {args.seed},")
    print("demo layout (8 aisles x 20 bays, depot front left); walks in metres")
    print(f"exact (d): CP-SAT + subtour cuts, proved optimal on {len(solved)} of {args.lists} lists;")
    print(f"           totals below are over those {len(solved)} lists")
    print()
    print(f"{'method':<28}{'total m':>12}{'ratio to (d)':>14}")
    for name, total in zip(("(a) location-code order", "(b) S-shape", "(c) ours (Ratliff-Rosenthal)"), totals):
        print(f"{name:<28}{total:>12.0f}{total / total_exact:>14.4f}")
    print(f"{'(d) exact, independent':<28}{total_exact:>12.0f}{1:>14.4f}")
    print()
    print(f"ours vs (d): mean per-list excess {mean_gap:.2%}; longer on {above} lists, shorter on {below}")
    print(f"ours: median {statistics.median(times) * 1000:.2f} ms per route, max {max(times) * 1000:.2f} ms")
    print(f"wall time {elapsed:.0f} s")


if __name__ == "__main__":
    main()
