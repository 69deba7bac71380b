"""route_length: legs straight within an aisle, round the nearer cross aisle between aisles."""

import pytest

from server.floor.walk import Layout, route_length

DEMO = Layout(aisle_xs=tuple(3.0 * i for i in range(8)), y_front=0.0, y_back=21.0, depot_x=0.0)


def test_a_pick_in_the_depot_aisle_is_in_and_out():
    assert route_length(DEMO, [(0, 5)]) == 10


def test_leg_between_shallow_picks_goes_round_the_front():
    assert route_length(DEMO, [(0, 5), (3, 5)]) == 5 + (5 + 3 + 5) + (5 + 3)


def test_leg_between_deep_picks_goes_round_the_back():
    assert route_length(DEMO, [(0, 20), (3, 20)]) == 20 + (1 + 3 + 1) + (20 + 3)


def test_leg_within_an_aisle_is_straight():
    assert route_length(DEMO, [(6, 2), (6, 19)]) == (6 + 2) + 17 + (19 + 6)


def test_points_on_opposite_cross_aisles_past_the_aisles_go_through_the_nearest_aisle():
    layout = Layout(aisle_xs=(0.0, 3.0), y_front=0.0, y_back=21.0, depot_x=0.0)
    # (5, 0) on the front, (5, 21) on the back: over to aisle 3 and back, 2 + 21 + 2.
    assert route_length(layout, [(5, 0), (5, 21)]) == pytest.approx(5 + 25 + 26)


def test_no_points_is_no_walk():
    assert route_length(DEMO, []) == 0
