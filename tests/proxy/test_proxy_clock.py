"""The proxy's simulated clock: set by the operator through a file, never by an app."""

from datetime import UTC, datetime, timedelta

from miready.proxy.clock import FileClock, write_clock_file


def test__file_clock__should_follow_the_file_and_run_on_from_it(tmp_path):
    path = tmp_path / "clock.txt"
    write_clock_file(path, datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    clock = FileClock(path)
    first = clock.now()
    assert timedelta(0) <= first - datetime(2026, 3, 2, 9, 0, tzinfo=UTC) < timedelta(seconds=5)
    assert clock.now() >= first
    write_clock_file(path, datetime(2026, 3, 9, 9, 0, tzinfo=UTC))
    assert clock.now().date().isoformat() == "2026-03-09"


def test__file_clock__a_missing_or_garbage_file__should_fall_back_to_the_system_clock(tmp_path):
    path = tmp_path / "clock.txt"
    clock = FileClock(path)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    path.write_text("not a date")
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test__write_clock_file__an_offset_instant__should_be_stored_in_utc(tmp_path):
    from zoneinfo import ZoneInfo

    path = tmp_path / "clock.txt"
    write_clock_file(path, datetime(2026, 3, 2, 6, 0, tzinfo=ZoneInfo("America/Sao_Paulo")))
    assert path.read_text() == "2026-03-02T09:00:00+00:00"
