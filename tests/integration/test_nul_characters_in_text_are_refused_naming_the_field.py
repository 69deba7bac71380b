"""A NUL character cannot be stored in PostgreSQL text: a text field holding one is refused when
the body is decoded, with a 400 naming the field, before anything is written."""

import pytest

from tests.channels import ADDRESS, key, make_channel, order


@pytest.mark.parametrize(
    "body, field",
    [
        (order(ship_to=ADDRESS | {"name": "Ada\u0000Lovelace"}), "ship_to.name"),
        (order(notes="leave at the door\u0000"), "notes"),
        (order(lines=[{"sku": "APPLE", "quantity": 1, "reference": "\u0000"}]), "lines[0].reference"),
        (order(external_id="W\u0000-1"), "external_id"),
    ],
)
async def test_a_nul_in_an_order_is_a_400_naming_the_field(client, conn, body, field):
    shop = await make_channel(conn)

    response = await client.post("/api/v1/orders", json=body, headers=key(shop))

    assert response.status_code == 400, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert "NUL" in response.json()["errors"][0]["reason"]
    assert await conn.fetchval("select count(*) from orders") == 0


async def test_a_nul_in_a_query_parameter_is_a_400_naming_it(client, conn):
    shop = await make_channel(conn)
    response = await client.get("/api/v1/orders", params={"external_id": "W\u00001"}, headers=key(shop))
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "external_id"


async def test_a_text_that_only_mentions_backslash_u0000_is_kept(client, conn):
    shop = await make_channel(conn)
    response = await client.post("/api/v1/orders", json=order(notes="the label said \\u0000"), headers=key(shop))
    assert response.status_code == 201
    assert response.json()["notes"] == "the label said \\u0000"
