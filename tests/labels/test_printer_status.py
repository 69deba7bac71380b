"""~HS replies parse into a PrinterStatus whose faults are words a person understands."""

import pytest

from labels.status import PrinterStatus, StatusError, host_status_reply, parse_host_status

# A real-looking reply from a ZT410: paper out and paused, 1218-dot labels, 3 labels left.
PAPER_OUT_PAUSED = (b"\x02030,1,1,1218,000,0,0,0,000,0,0,0\x03\r\n"
                    b"\x02001,0,0,0,1,2,6,0,00000003,1,000\x03\r\n"
                    b"\x021234,0\x03\r\n")


def test_paper_out_and_paused_are_read_from_the_first_line():
    status = parse_host_status(PAPER_OUT_PAUSED)
    assert status.paper_out and status.paused
    assert not status.head_open and not status.ribbon_out and not status.buffer_full
    assert status.label_length_dots == 1218
    assert status.labels_remaining == 3
    assert status.faults == ["paper out", "paused"]


def test_head_open_and_ribbon_out_are_read_from_the_second_line():
    raw = (b"\x02030,0,0,0812,002,1,0,0,000,0,0,0\x03\r\n"
           b"\x02001,0,1,1,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n")
    status = parse_host_status(raw)
    assert status.head_open and status.ribbon_out and status.buffer_full
    assert status.formats_in_buffer == 2
    assert status.faults == ["head open", "ribbon out", "buffer full"]


def test_a_ready_printer_has_no_faults():
    status = parse_host_status(host_status_reply(PrinterStatus(label_length_dots=406)))
    assert status.ready and status.faults == []


@pytest.mark.parametrize("flag", ["paper_out", "paused", "head_open", "ribbon_out",
                                  "buffer_full", "corrupt_ram", "under_temperature",
                                  "over_temperature"])
def test_every_flag_survives_a_reply_round_trip(flag):
    status = PrinterStatus(**{flag: True}, labels_remaining=12)
    assert parse_host_status(host_status_reply(status)) == status


def test_a_truncated_reply_is_an_error():
    with pytest.raises(StatusError):
        parse_host_status(PAPER_OUT_PAUSED[:40])
