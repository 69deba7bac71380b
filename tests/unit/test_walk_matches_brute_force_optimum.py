"""The exact router's walk equals the best of every permutation, and visits each stop once."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from server.floor.walk import Layout, Stop, brute_force_route, optimal_length, route_length, shortest_route

DEMO = Layout(aisle_xs=tuple(3.0 * i for i in range(8)), y_front=0.0, y_back=21.0, depot_x=0.0)


@st.composite
def demo_pick_lists(draw):
    n = draw(st.integers(0, 7))
    points = draw(st.lists(st.tuples(st.integers(0, 7), st.integers(1, 20)), min_size=n, max_size=n))
    return [Stop(f"k{i}", 3.0 * aisle, float(bay)) for i, (aisle, bay) in enumerate(points)]


@st.composite
def any_layout_and_stops(draw):
    """Random blocks, depots anywhere on the front cross aisle, stops in aisles (ends included)
    and on the cross aisles between and beyond the aisles. Quarter metres, so sums are exact."""
    xs = sorted(draw(st.sets(st.integers(0, 80), min_size=1, max_size=5)))
    depth = draw(st.integers(1, 60))
    aisle_xs = tuple(x / 4 for x in xs)
    depot_x = draw(st.one_of(st.sampled_from(aisle_xs), st.integers(-20, 100).map(lambda v: v / 4)))
    layout = Layout(aisle_xs=aisle_xs, y_front=1.0, y_back=1.0 + depth / 4, depot_x=depot_x)
    stops = []
    for i in range(draw(st.integers(1, 7))):
        if draw(st.booleans()) or draw(st.booleans()):
            x = draw(st.sampled_from(aisle_xs))
            y = 1.0 + draw(st.integers(0, depth)) / 4
        else:
            x = draw(st.integers(-20, 100)) / 4
            y = draw(st.sampled_from((layout.y_front, layout.y_back)))
        stops.append(Stop(f"s{i}", x, y))
    return layout, stops


def assert_optimal_and_complete(layout, stops):
    route = shortest_route(layout, stops)
    assert route.method == "optimal"
    assert sorted(route.order) == sorted(s.key for s in stops)
    assert len(set(route.order)) == len(route.order)
    by_key = {s.key: (s.x, s.y) for s in stops}
    walked = route_length(layout, [by_key[k] for k in route.order])
    assert math.isclose(route.length, walked, abs_tol=1e-9)
    assert math.isclose(route.length, brute_force_route(layout, stops).length, abs_tol=1e-9)
    assert math.isclose(route.length, optimal_length(layout, stops), abs_tol=1e-9)


@settings(max_examples=300, deadline=None)
@given(demo_pick_lists())
def test_route_in_the_demo_layout_is_as_short_as_the_best_permutation(stops):
    assert_optimal_and_complete(DEMO, stops)


@settings(max_examples=300, deadline=None)
@given(any_layout_and_stops())
def test_route_in_any_block_is_as_short_as_the_best_permutation(layout_and_stops):
    assert_optimal_and_complete(*layout_and_stops)
