"""Store ids beyond 2^53 (where a float loses digits) come through exact, as strings."""

import pytest

from server.orders.stores import shopify, woocommerce
from server.orders.stores.mapping import MappingError
from tests.unit.stores.payloads import body, shopify_order, woo_order

BIG = 9007199254740993  # 2^53 + 1: a float would make it ...992
assert float(BIG) != BIG


@pytest.mark.parametrize(("store", "sample"), [(shopify, shopify_order), (woocommerce, woo_order)])
def test_order_and_line_ids_stay_exact(store, sample):
    order = sample()
    order["id"] = BIG
    order["line_items"][0]["id"] = BIG + 2
    order["line_items"][1]["id"] = BIG + 4
    order["line_items"][1]["sku"] = None
    mapped = store.to_order(body(order))
    assert mapped.source_id == "9007199254740993"
    assert mapped.order.lines[0].reference == "9007199254740995"
    assert [line.line_id for line in mapped.lines[:2]] == ["9007199254740995", "9007199254740997"]


def test_a_float_id_is_refused_rather_than_rounded():
    raw = body(shopify_order()).replace(b'"id": 450789469', b'"id": 9.007199254740993e15', 1)
    with pytest.raises(MappingError, match="Expected `int`, got `float`"):
        shopify.to_order(raw)
