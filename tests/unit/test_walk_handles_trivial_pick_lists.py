"""Empty lists, picks at the depot, shared points and duplicate keys."""

import pytest

from server.floor.walk import Layout, Stop, code_order_route, s_shape_route, shortest_route

DEMO = Layout(aisle_xs=tuple(3.0 * i for i in range(8)), y_front=0.0, y_back=21.0, depot_x=0.0)


def test_an_empty_pick_list_is_an_empty_route():
    route = shortest_route(DEMO, [])
    assert (route.order, route.length) == ((), 0)


def test_picks_at_the_depot_need_no_walk():
    route = shortest_route(DEMO, [Stop("b", 0, 0), Stop("a", 0, 0)])
    assert (route.order, route.length) == (("a", "b"), 0)


def test_keys_at_one_point_are_visited_together_in_key_order():
    picks = [Stop("z", 6, 4), Stop("m", 12, 9), Stop("a", 6, 4), Stop("k", 6, 4)]
    order = shortest_route(DEMO, picks).order
    start = order.index("a")
    assert order[start : start + 3] == ("a", "k", "z")


@pytest.mark.parametrize("router", [shortest_route, s_shape_route, code_order_route])
def test_duplicate_keys_are_refused(router):
    with pytest.raises(ValueError, match="unique"):
        router(DEMO, [Stop("a", 0, 1), Stop("a", 3, 1)])
