"""The exact route is never longer than S-shape's, and clearly shorter over many pick lists."""

import random

import pytest

from server.floor.walk import Layout, Stop, s_shape_route, shortest_route

DEMO = Layout(aisle_xs=tuple(3.0 * i for i in range(8)), y_front=0.0, y_back=21.0, depot_x=0.0)


def test_s_shape_sweeps_the_aisles_up_and_down_and_is_beaten_on_a_hand_case():
    picks = [Stop("a", 0, 1), Stop("b", 0, 20), Stop("c", 3, 10), Stop("d", 6, 1), Stop("e", 6, 20)]
    s_shape = s_shape_route(DEMO, picks)
    assert s_shape.order == ("a", "b", "c", "d", "e")  # up aisle 0, down aisle 3, up aisle 6
    assert s_shape.length == pytest.approx(94)
    assert shortest_route(DEMO, picks).length == pytest.approx(64)


def test_route_is_never_longer_than_s_shape_and_much_shorter_in_total():
    rng = random.Random(7)
    ours_total = s_shape_total = 0.0
    for _ in range(200):
        picks = [
            Stop(f"k{i}", 3.0 * rng.randrange(8), float(rng.randint(1, 20))) for i in range(rng.randint(5, 40))
        ]
        ours = shortest_route(DEMO, picks).length
        s_shape = s_shape_route(DEMO, picks).length
        assert ours <= s_shape + 1e-9
        ours_total += ours
        s_shape_total += s_shape
    assert ours_total < 0.95 * s_shape_total
