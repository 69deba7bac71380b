"""A payload that cannot become an order raises MappingError with the store's field path (Unreadable
when it is not the store's JSON at all)."""

import pytest

from server.orders.stores import shopify, woocommerce
from server.orders.stores.mapping import MappingError, Unreadable
from tests.unit.stores.payloads import body, shopify_order, woo_order


def refused(store, order) -> MappingError:
    with pytest.raises(MappingError) as caught:
        store.to_order(body(order) if isinstance(order, dict) else order)
    return caught.value


def test_a_value_our_contract_refuses_names_the_store_field():
    order = shopify_order()
    order["line_items"][1]["quantity"] = 10**13  # more than an order line may hold
    error = refused(shopify, order)
    assert error.field == "line_items[1].quantity"
    assert "<=" in error.reason


def test_a_wrong_type_in_the_store_payload_names_its_path():
    order = shopify_order()
    order["line_items"][2]["quantity"] = "1"
    error = refused(shopify, order)
    assert error.field == "line_items[2].quantity"
    assert error.reason == "Expected `int`, got `str`"


@pytest.mark.parametrize("store", [shopify, woocommerce])
@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"webhook_id=12"])
def test_a_body_that_is_not_an_order_is_refused(store, raw):
    error = refused(store, raw)
    assert isinstance(error, Unreadable) and error.field == "body"


def test_a_nul_in_a_store_text_is_unreadable_and_names_the_store_field():
    order = shopify_order()
    order["shipping_address"]["first_name"] = "Bo\u0000b"
    error = refused(shopify, order)
    assert isinstance(error, Unreadable) and error.field == "shipping_address.first_name"


def test_the_error_converts_to_a_field_error_for_problem_details():
    error = MappingError("shipping_address.zip", "missing or empty")
    assert (error.as_field_error().field, str(error)) == ("shipping_address.zip", "shipping_address.zip: missing or empty")
