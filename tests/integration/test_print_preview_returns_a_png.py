import io

from PIL import Image

from tests.conftest import bearer
from tests.printers import LOCATION, SHIPPING


async def test_a_preview_of_a_shipping_label_is_a_4x6_inch_png(client):
    response = await client.post("/api/v1/labels/preview", json=SHIPPING, headers=bearer("packer"))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (812, 1218)


async def test_a_preview_at_300_dpi_has_more_dots(client):
    response = await client.post("/api/v1/labels/preview", params={"dpi": 300}, json=LOCATION, headers=bearer("packer"))

    assert response.status_code == 200, response.text
    assert Image.open(io.BytesIO(response.content)).size == (1200, 600)
