"""The carton suggestion keeps what the README promises, for any catalogue and any units: each
proposed carton takes its units by their dimensions, weight and volume; every unit is in exactly
one carton or reported unfit, and an unfit unit fits no carton type; no carton could be swapped
for a smaller type."""

from hypothesis import given, settings
from hypothesis import strategies as st

from schema.shipping import CartonType
from server.shipping.cartons import Unit, holds, plan

sizes = st.integers(min_value=10, max_value=800)
carton_types = st.lists(
    st.builds(lambda n, l, w, h, tare, most: CartonType(code=f"C{n}", length_mm=l, width_mm=w, height_mm=h, tare_g=tare,
                                                        max_weight_g=tare + most),
              st.integers(0, 999), sizes, sizes, sizes, st.integers(0, 2000), st.integers(1, 40_000)),
    min_size=1, max_size=5, unique_by=lambda t: t.code,
)
units = st.lists(
    st.builds(lambda n, dims, weight: Unit(f"SKU{n}", tuple(sorted(dims, reverse=True)), weight),
              st.integers(0, 5), st.tuples(sizes, sizes, sizes), st.integers(1, 20_000)),
    max_size=40,
)


@given(carton_types, units)
@settings(max_examples=300, deadline=None)
def test_every_planned_carton_takes_its_units_and_every_unit_is_placed_once(types, wanted):
    cartons, unfit = plan(types, wanted)
    for carton_type, content in cartons:
        assert holds(carton_type, content)
        smaller = [t for t in types if t.length_mm * t.width_mm * t.height_mm < carton_type.length_mm * carton_type.width_mm * carton_type.height_mm]
        assert not any(holds(t, content) for t in smaller)
    placed = sorted([u for _, content in cartons for u in content] + unfit, key=repr)
    assert placed == sorted(wanted, key=repr)
    assert not any(holds(t, [u]) for u in unfit for t in types)


def test_units_that_fill_one_box_go_into_one_box_of_the_smallest_type():
    small = CartonType(code="S", length_mm=300, width_mm=200, height_mm=150, tare_g=150, max_weight_g=10_000)
    large = CartonType(code="L", length_mm=600, width_mm=400, height_mm=400, tare_g=600, max_weight_g=30_000)
    bottle = Unit("APPLE", (250, 70, 70), 1050)
    assert [t.code for t, _ in plan([large, small], [bottle] * 3)[0]] == ["S"]
    assert [t.code for t, _ in plan([large, small], [bottle] * 20)[0]] == ["L"]
    assert [t.code for t, _ in plan([large, small], [bottle] * 40)[0]] == ["L", "L"]
