"""The WooCommerce order.created sample becomes exactly the order we expect.

Sample shape: WooCommerce REST API v3 docs, "Create an order", JSON response example
(woocommerce/woocommerce-rest-api-docs, source/includes/wp-api-v3/_orders.md); details in
payloads.py.
"""

from schema.orders import Address, OrderCreate, OrderLineIn
from server.orders.stores import woocommerce
from server.orders.stores.mapping import SkippedLine
from tests.unit.stores.payloads import body, woo_order


def test_the_sample_maps_to_the_exact_order():
    mapped = woocommerce.to_order(body(woo_order()))
    assert mapped.source_id == "727"
    assert mapped.order == OrderCreate(
        external_id="727",
        ship_to=Address(
            name="John Doe",
            line1="969 Market",
            line2="Suite 400",
            city="San Francisco",
            postal_code="94103",
            country="US",
            region="CA",
            phone="(555) 555-5555",
            email="john.doe@example.com",
        ),
        lines=[
            OrderLineIn(quantity=2, reference="315"),
            OrderLineIn(quantity=1, reference="316"),
            OrderLineIn(quantity=1, reference="319"),
        ],
        service_level="Flat Rate",
        notes="Please leave the parcel with the concierge.",
    )
    # the download has no SKU, but the order ships: the receiver holds the line for a person to map
    assert [(l.sku, l.product_id, l.variant_id) for l in mapped.lines] == [
        ("woo-single-1", "93", ""), ("Bar3", "22", "23"), ("", "96", ""),
    ]
    assert mapped.skipped == []


def test_a_line_without_a_sku_in_an_order_with_no_shipping_method_is_taken_for_a_download():
    order = woo_order()
    order["shipping_lines"] = []
    mapped = woocommerce.to_order(body(order))
    assert [l.line_id for l in mapped.lines] == ["315", "316"]
    assert mapped.skipped == [SkippedLine(line_id="319", sku="", title="Woo Album #4 (download)", quantity=1, reason=woocommerce.DOWNLOAD)]


def test_external_id_is_the_order_number_else_the_id():
    order = woo_order()
    order["number"] = "WC-2024-0042"  # an order-number plugin
    assert woocommerce.to_order(body(order)).order.external_id == "WC-2024-0042"
    order["number"] = 42  # some plugins send a number
    assert woocommerce.to_order(body(order)).order.external_id == "42"
    del order["number"]
    assert woocommerce.to_order(body(order)).order.external_id == "727"


def test_unknown_fields_are_ignored():
    order = woo_order()
    order["a_plugin_field"] = {"x": [1, 2]}
    order["line_items"][0]["bundled_by"] = ""
    assert woocommerce.to_order(body(order)).order == woocommerce.to_order(body(woo_order())).order


def test_shipping_phone_wins_over_billing_phone_and_country_is_upper_case():
    order = woo_order()
    order["shipping"].update(phone="+1 415 555 0100", country="us")
    ship_to = woocommerce.to_order(body(order)).order.ship_to
    assert (ship_to.phone, ship_to.country) == ("+1 415 555 0100", "US")


def test_a_company_without_a_person_is_the_name():
    order = woo_order()
    order["shipping"].update(first_name="", last_name="", company="Acme Inc.")
    ship_to = woocommerce.to_order(body(order)).order.ship_to
    assert (ship_to.name, ship_to.company) == ("Acme Inc.", "Acme Inc.")
