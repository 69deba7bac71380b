"""The comparison route in location-code order."""

from server.floor.walk import Layout, Stop, code_order_route

DEMO = Layout(aisle_xs=tuple(3.0 * i for i in range(8)), y_front=0.0, y_back=21.0, depot_x=0.0)


def test_code_order_route_visits_in_key_order_each_leg_the_shortest_way():
    picks = [Stop("A02-20-1-L", 3, 20), Stop("A01-05-2-R", 0, 5), Stop("A01-19-4-L", 0, 19)]
    route = code_order_route(DEMO, picks)
    assert route.order == ("A01-05-2-R", "A01-19-4-L", "A02-20-1-L")
    assert route.length == 5 + 14 + (2 + 3 + 1) + (20 + 3)
