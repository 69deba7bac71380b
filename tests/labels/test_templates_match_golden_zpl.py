"""Every template renders to exactly the ZPL in its golden file.

To accept an intended change: UPDATE_GOLDEN=1 pytest tests/labels, then review the diff.
"""

import os
from pathlib import Path

import pytest
from samples import SAMPLES

from labels import to_zpl

GOLDEN = Path(__file__).parent / "golden"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_template_renders_to_the_golden_zpl(name):
    zpl = to_zpl(SAMPLES[name])
    path = GOLDEN / f"{name}.zpl"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(zpl, encoding="utf-8")
    assert zpl == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_zpl_is_one_utf8_label_sized_from_the_layout(name):
    label = SAMPLES[name]
    lines = to_zpl(label).splitlines()
    assert lines[0] == "^XA" and lines[-1] == "^XZ"
    assert "^CI28" in lines
    assert f"^PW{label.width}" in lines and f"^LL{label.height}" in lines
    assert all(line.endswith("^FS") for line in lines if line.startswith("^FO"))


def test_non_ascii_names_are_sent_as_utf8_text():
    zpl = to_zpl(SAMPLES["shipping"])
    assert "Zoë Ångström-Müller" in zpl
    assert "Zoë".encode("utf-8") in zpl.encode("utf-8")


def test_reserved_zpl_characters_in_text_are_hex_escaped():
    from labels import Label, Text

    label = Label(width=800, height=200, elements=(
        Text(name="note", x=10, y=10, text="a^b~c_d", height=30),))
    assert "^FH^FDa_5Eb_7Ec_5Fd^FS" in to_zpl(label)
