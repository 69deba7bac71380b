"""Lines we will not ship are reported with a reason a person understands, never dropped; a line
to ship is kept whether or not it has a SKU (the receiver holds what it cannot map)."""

from server.orders.stores import shopify, woocommerce
from server.orders.stores.mapping import SkippedLine
from tests.unit.stores.payloads import body, shopify_order, woo_order


def test_shopify_gift_cards_are_skipped_and_a_line_to_ship_without_a_sku_is_kept():
    order = shopify_order()
    green, red, black = order["line_items"]
    red["requires_shipping"] = False
    red.update(sku="", title="Gift Card", name="Gift Card - $25", gift_card=True)
    black["sku"] = None
    mapped = shopify.to_order(body(order))
    assert [(line.line_id, line.sku) for line in mapped.lines] == [("466157049", "IPOD2008GREEN"), ("703073504", "")]
    assert mapped.skipped == [
        SkippedLine(
            line_id="518995019",
            sku="",
            title="Gift Card - $25",
            quantity=1,
            reason="needs no shipping (gift card / digital)",
        ),
    ]


def test_a_digital_line_with_a_sku_is_skipped_for_needing_no_shipping():
    order = shopify_order()
    order["line_items"][2]["requires_shipping"] = False
    skipped = shopify.to_order(body(order)).skipped
    assert [(s.sku, s.reason) for s in skipped] == [("IPOD2008BLACK", "needs no shipping (gift card / digital)")]


def test_an_order_with_nothing_to_ship_maps_to_no_order_and_needs_no_address():
    order = shopify_order()
    for line in order["line_items"]:
        line["requires_shipping"] = False
    order["shipping_address"] = None
    mapped = shopify.to_order(body(order))
    assert mapped.order is None
    assert mapped.source_id == "450789469"
    assert len(mapped.skipped) == 3


def test_woocommerce_lines_to_ship_are_kept_with_their_ids_and_titles_unescaped():
    order = woo_order()
    order["line_items"][1]["sku"] = None
    mapped = woocommerce.to_order(body(order))
    assert [(line.sku, line.title) for line in mapped.lines] == [
        ("woo-single-1", "Woo Single #1"), ("", "Ship Your Idea – Color: Black, Size: M Test"), ("", "Woo Album #4 (download)"),
    ]
    assert mapped.skipped == []


def test_a_woocommerce_order_of_downloads_only_maps_to_no_order():
    order = woo_order()
    order["line_items"] = order["line_items"][2:]
    order["shipping"] = {k: "" for k in order["shipping"]}
    order["shipping_lines"] = []
    mapped = woocommerce.to_order(body(order))
    assert (mapped.order, [s.line_id for s in mapped.skipped]) == (None, ["319"])
