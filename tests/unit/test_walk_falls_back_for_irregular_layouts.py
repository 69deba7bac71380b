"""Stops off the block (between racks, a second block, a floor location) get a heuristic route:
nearest neighbour, then 2-opt; legs with such a stop are rectilinear."""

import itertools

import pytest

from server.floor.walk import Layout, Stop, brute_force_route, heuristic_route, route_length, shortest_route

DEMO = Layout(aisle_xs=tuple(3.0 * i for i in range(8)), y_front=0.0, y_back=21.0, depot_x=0.0)
MIXED = [
    Stop("A01-05", 0, 5),
    Stop("A04-12", 9, 12),
    Stop("B-1", 40, 5),  # a second block, east of the first
    Stop("B-2", 40, 15),
    Stop("B-3", 45, 10),
    Stop("floor", 1.5, 10),  # between two aisles: not on the block
]


def points(route):
    by_key = {s.key: (s.x, s.y) for s in MIXED}
    return [by_key[k] for k in route.order]


def test_route_falls_back_and_says_so_when_a_stop_is_off_the_block():
    route = shortest_route(DEMO, MIXED)
    assert route.method == "nearest-neighbour-2-opt"
    assert sorted(route.order) == sorted(s.key for s in MIXED)
    assert route.length == pytest.approx(route_length(DEMO, points(route)))


def test_fallback_route_cannot_be_shortened_by_reversing_a_stretch():
    order = points(heuristic_route(DEMO, MIXED))
    length = route_length(DEMO, order)
    for i, k in itertools.combinations(range(len(order) + 1), 2):
        reversed_stretch = order[:i] + order[i:k][::-1] + order[k:]
        assert route_length(DEMO, reversed_stretch) >= length - 1e-9


def test_fallback_route_finds_the_optimum_on_a_small_mixed_case():
    assert heuristic_route(DEMO, MIXED).length == pytest.approx(brute_force_route(DEMO, MIXED).length)


def test_off_block_legs_are_rectilinear():
    assert route_length(DEMO, [(1.5, 10)]) == pytest.approx(2 * (1.5 + 10))
    assert route_length(DEMO, [(40, 5), (45, 10)]) == pytest.approx(45 + 10 + 45 + 10)
