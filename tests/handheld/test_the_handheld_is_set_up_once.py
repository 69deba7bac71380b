"""`wms handheld` is set up once: server, device name, scanner and printer given the first time
are kept in the data directory; the next start with no arguments uses them; an argument given
later changes that one setting and is kept; "none" takes the scanner or printer away."""

import pytest

from handheld.__main__ import configure
from handheld.settings import Settings


def test_settings_given_once_are_kept_and_arguments_change_them(tmp_path):
    first, data = configure(["--data", str(tmp_path), "--server", "http://wms:8000", "--scanner", "/dev/ttyACM0",
                             "--baud", "19200", "--suffix", "CRLF", "--printer", "/dev/rfcomm0", "--device", "hh-7"])
    again, _ = configure(["--data", str(tmp_path)])
    moved, _ = configure(["--data", str(tmp_path), "--printer", "tcp://10.0.0.17:9100", "--scanner", "none"])
    kept, _ = configure(["--data", str(tmp_path)])
    assert data == tmp_path and (tmp_path / "settings.json").exists()
    assert first == again == Settings(server="http://wms:8000", device="hh-7", scanner="/dev/ttyACM0", baud=19200,
                                      suffix="CRLF", printer="/dev/rfcomm0")
    assert (moved.printer, moved.scanner, moved.server, moved.baud) == ("tcp://10.0.0.17:9100", None, "http://wms:8000", 19200)
    assert kept == moved


def test_a_handheld_never_set_up_asks_for_its_server(tmp_path, capsys):
    with pytest.raises(SystemExit):
        configure(["--data", str(tmp_path)])
    assert "--server URL" in capsys.readouterr().err
    assert not (tmp_path / "settings.json").exists()


def test_a_device_not_named_takes_the_host_name(tmp_path):
    settings, _ = configure(["--data", str(tmp_path), "--server", "http://wms:8000"])
    assert settings.device and settings.scanner is None and settings.printer is None
