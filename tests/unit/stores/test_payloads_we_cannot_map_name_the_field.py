"""A payload that cannot become an order raises MappingError with the store's field path."""

import pytest

from server.orders.stores import shopify, woocommerce
from server.orders.stores.mapping import MappingError
from tests.unit.stores.payloads import body, shopify_order, woo_order


def refused(store, order) -> MappingError:
    with pytest.raises(MappingError) as caught:
        store.to_order(body(order) if isinstance(order, dict) else order)
    return caught.value


@pytest.mark.parametrize("absent", ["missing", "null"])
def test_shopify_without_shipping_address(absent):
    order = shopify_order()
    if absent == "missing":
        del order["shipping_address"]
    else:
        order["shipping_address"] = None
    assert refused(shopify, order).field == "shipping_address"


@pytest.mark.parametrize(
    ("field", "value"), [("zip", None), ("zip", "  "), ("address1", ""), ("city", None), ("country_code", None)]
)
def test_shopify_without_a_required_address_field(field, value):
    order = shopify_order()
    order["shipping_address"][field] = value
    error = refused(shopify, order)
    assert (error.field, error.reason) == (f"shipping_address.{field}", "missing or empty")


def test_shopify_without_any_name():
    order = shopify_order()
    order["shipping_address"].update(first_name=None, last_name="", name=None, company=None)
    assert refused(shopify, order).field == "shipping_address.name"


def test_woocommerce_without_shipping_address():
    order = woo_order()
    order["shipping"] = {k: "" for k in order["shipping"]}
    assert refused(woocommerce, order).field == "shipping"
    del order["shipping"]
    assert refused(woocommerce, order).field == "shipping"


def test_woocommerce_without_postcode():
    order = woo_order()
    order["shipping"]["postcode"] = ""
    assert refused(woocommerce, order).field == "shipping.postcode"


def test_a_value_our_contract_refuses_names_the_store_field():
    order = shopify_order()
    order["line_items"][1]["quantity"] = 10**13  # more than an order line may hold
    error = refused(shopify, order)
    assert error.field == "line_items[1].quantity"
    assert "<=" in error.reason
    order = woo_order()
    order["shipping"]["country"] = "United States"
    assert refused(woocommerce, order).field == "shipping.country"


def test_a_wrong_type_in_the_store_payload_names_its_path():
    order = shopify_order()
    order["line_items"][2]["quantity"] = "1"
    error = refused(shopify, order)
    assert error.field == "line_items[2].quantity"
    assert error.reason == "Expected `int`, got `str`"


@pytest.mark.parametrize("store", [shopify, woocommerce])
@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"webhook_id=12"])
def test_a_body_that_is_not_an_order_is_refused(store, raw):
    assert refused(store, raw).field == "body"


def test_the_error_converts_to_a_field_error_for_problem_details():
    error = MappingError("shipping_address.zip", "missing or empty")
    assert (error.as_field_error().field, str(error)) == ("shipping_address.zip", "shipping_address.zip: missing or empty")
