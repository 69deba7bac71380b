"""The real Shopify orders/create sample becomes exactly the order we expect."""

from schema.orders import Address, OrderCreate, OrderLineIn
from server.orders.stores import shopify
from tests.unit.stores.payloads import body, shopify_order


def test_the_sample_maps_to_the_exact_order():
    mapped = shopify.to_order(body(shopify_order()))
    assert mapped.source_id == "450789469"
    assert mapped.skipped == []
    assert mapped.order == OrderCreate(
        external_id="#1001",
        ship_to=Address(
            name="Bob Norman",
            line1="Chestnut Street 92",
            city="Louisville",
            postal_code="40202",
            country="US",
            region="KY",
            phone="555-625-1199",
            email="bob.norman@hostmail.com",
        ),
        lines=[
            OrderLineIn(quantity=1, reference="466157049"),
            OrderLineIn(quantity=1, reference="518995019"),
            OrderLineIn(quantity=1, reference="703073504"),
        ],
        service_level="Free Shipping",
    )
    assert [(l.source, l.sku, l.product_id, l.variant_id, l.title) for l in mapped.lines] == [
        ("line_items[0]", "IPOD2008GREEN", "632910392", "39072856", "IPod Nano - 8gb - green"),
        ("line_items[1]", "IPOD2008RED", "632910392", "49148385", "IPod Nano - 8gb - red"),
        ("line_items[2]", "IPOD2008BLACK", "632910392", "457924702", "IPod Nano - 8gb - black"),
    ]


def test_unknown_fields_are_ignored():
    order = shopify_order()
    order["a_field_from_a_future_api_version"] = {"nested": [1, 2, 3]}
    order["line_items"][0]["another_new_field"] = True
    order["shipping_address"]["what3words"] = "filled.count.soap"
    assert shopify.to_order(body(order)).order == shopify.to_order(body(shopify_order())).order


def test_name_falls_back_to_the_address_name_and_province_to_its_name():
    order = shopify_order()
    address = order["shipping_address"]
    address.update(first_name=None, last_name=None, name="Bob Norman", province_code=None)
    ship_to = shopify.to_order(body(order)).order.ship_to
    assert (ship_to.name, ship_to.region) == ("Bob Norman", "Kentucky")


def test_contact_email_is_used_when_email_is_empty():
    order = shopify_order()
    order.update(email=None, contact_email="bob@example.com")
    assert shopify.to_order(body(order)).order.ship_to.email == "bob@example.com"


def test_note_and_shipping_code_and_trimming():
    order = shopify_order()
    order["note"] = "  Ring twice.  "
    order["shipping_lines"] = [{"title": None, "code": "X" * 80}]
    created = shopify.to_order(body(order)).order
    assert created.notes == "Ring twice."
    assert len(created.service_level) == 50 and created.service_level.startswith("XXX")


def test_no_shipping_lines_keeps_our_default_service_level():
    order = shopify_order()
    order["shipping_lines"] = []
    assert shopify.to_order(body(order)).order.service_level == "standard"
