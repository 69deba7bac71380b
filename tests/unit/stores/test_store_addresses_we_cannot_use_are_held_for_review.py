"""A store order whose address cannot be used is still an order: it ships to the billing address
when the store sent no shipping address, or goes without one when the shipping address is
incomplete; either way `review` says what a person must check, and the receiver holds it."""

import pytest

from server.orders.stores import shopify, woocommerce
from tests.unit.stores.payloads import body, shopify_order, woo_order


@pytest.mark.parametrize("absent", ["missing", "null"])
def test_shopify_without_a_shipping_address_ships_to_the_billing_address_for_review(absent):
    order = shopify_order()
    if absent == "missing":
        del order["shipping_address"]
    else:
        order["shipping_address"] = None
    mapped = shopify.to_order(body(order))
    assert mapped.order.ship_to.line1 == order["billing_address"]["address1"]
    assert "billing address is used" in mapped.review


@pytest.mark.parametrize(
    ("field", "value"), [("zip", None), ("zip", "  "), ("address1", ""), ("city", None), ("country_code", None)]
)
def test_shopify_without_a_required_address_field_has_no_address_and_names_the_field(field, value):
    order = shopify_order()
    order["shipping_address"][field] = value
    mapped = shopify.to_order(body(order))
    assert mapped.order.ship_to is None
    assert f"shipping_address.{field}: missing or empty" in mapped.review


def test_shopify_without_any_name_names_the_name_field():
    order = shopify_order()
    order["shipping_address"].update(first_name=None, last_name="", name=None, company=None)
    assert "shipping_address.name" in shopify.to_order(body(order)).review


def test_shopify_without_any_address_at_all_is_held_without_one():
    order = shopify_order()
    order["shipping_address"] = order["billing_address"] = None
    mapped = shopify.to_order(body(order))
    assert mapped.order.ship_to is None and "no shipping address" in mapped.review


def test_woocommerce_with_an_empty_shipping_block_ships_to_billing_for_review():
    order = woo_order()
    order["shipping"] = {k: "" for k in order["shipping"]}
    mapped = woocommerce.to_order(body(order))
    assert (mapped.order.ship_to.name, mapped.order.ship_to.line1) == ("John Doe", "969 Market")
    assert "billing address is used" in mapped.review
    del order["shipping"]
    assert "billing address is used" in woocommerce.to_order(body(order)).review


def test_woocommerce_without_postcode_or_with_a_country_name_is_held_without_an_address():
    order = woo_order()
    order["shipping"]["postcode"] = ""
    assert "shipping.postcode: missing or empty" in woocommerce.to_order(body(order)).review
    order = woo_order()
    order["shipping"]["country"] = "United States"
    mapped = woocommerce.to_order(body(order))
    assert mapped.order.ship_to is None and "shipping.country" in mapped.review


def test_a_usable_address_needs_no_review():
    assert shopify.to_order(body(shopify_order())).review == ""
    assert woocommerce.to_order(body(woo_order())).review == ""
