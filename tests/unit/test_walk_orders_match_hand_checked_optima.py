"""Small cases worked out by hand: the route is one of the optimal orders, with the hand length.

Demo layout: aisles at x = 0, 3, ..., 21; cross aisles at y = 0 and 21; depot at (0, 0).
"""

import pytest

from server.floor.walk import Layout, Stop, shortest_route

DEMO = Layout(aisle_xs=tuple(3.0 * i for i in range(8)), y_front=0.0, y_back=21.0, depot_x=0.0)


def stops(*points):
    return [Stop(key, x, y) for key, (x, y) in points]


CASES = [
    # One pick 5 m into the first aisle: in and out.
    ("single pick", DEMO, stops(("a", (0, 5))), 10, {("a",)}),
    # Two picks near the front of adjacent aisles: dip into each from the front.
    # 5 + (5 + 3 + 5) + (5 + 3) = 26, either way round.
    ("two shallow picks", DEMO, stops(("a", (0, 5)), ("b", (3, 5))), 26, {("a", "b"), ("b", "a")}),
    # Two picks near the back: up aisle 0, across the back, down aisle 3: 21 + 3 + 21 + 3 = 48.
    ("two deep picks", DEMO, stops(("a", (0, 20)), ("b", (3, 20))), 48, {("a", "b"), ("b", "a")}),
    # Up aisle 0 (21), along the back to aisle 6 (6), into it to y = 20 and out (2), back to
    # aisle 3 (3), down aisle 3 (21), along the front to aisle 6 (3), into it to y = 1 and out
    # (2), home (6): 64. Aisle 6 is walked from both ends, leaving out its largest gap.
    # S-shape's order (a b c d e) walks 94.
    (
        "through, a gap left out, through",
        DEMO,
        stops(("a", (0, 1)), ("b", (0, 20)), ("c", (3, 10)), ("d", (6, 1)), ("e", (6, 20))),
        64,
        {
            ("a", "b", "e", "c", "d"),
            ("a", "c", "b", "e", "d"),
            ("a", "d", "e", "b", "c"),
            ("c", "b", "e", "d", "a"),
            ("d", "c", "e", "b", "a"),
            ("d", "e", "b", "c", "a"),
        },
    ),
    # Depot between aisles 9 and 12: 1.5 + 5, 5 + 3 + 5, 5 + 1.5 = 26.
    (
        "depot between aisles",
        Layout(aisle_xs=DEMO.aisle_xs, y_front=0.0, y_back=21.0, depot_x=10.5),
        stops(("a", (9, 5)), ("b", (12, 5))),
        26,
        {("a", "b"), ("b", "a")},
    ),
    # A pick on the back cross aisle past the last aisle (x = 25), one deep in aisle 21:
    # along the front to aisle 21 (21), up it (21), across to 25 and back (8), down (21),
    # home (21): 92; the pick at (21, 20) is on the way either way round.
    ("pick on the back cross aisle", DEMO, stops(("a", (21, 20)), ("b", (25, 21))), 92, {("a", "b"), ("b", "a")}),
    # Same bay, several levels: one point, keys in key order.
    ("one point, three keys", DEMO, stops(("c", (6, 4)), ("a", (6, 4)), ("b", (6, 4))), 20, {("a", "b", "c")}),
]


@pytest.mark.parametrize(("layout", "picks", "length", "optimal_orders"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_route_is_a_hand_checked_optimum(layout, picks, length, optimal_orders):
    route = shortest_route(layout, picks)
    assert route.length == pytest.approx(length)
    assert route.order in optimal_orders
