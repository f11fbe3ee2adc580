"""Raw column values (as SQLite or PostgreSQL drivers return them) become the text the API sends."""
import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from inspection.core.rawsql import raw_day_text, raw_moment, raw_moment_text, raw_uuid, raw_uuid_text

CST = timezone(timedelta(hours=8))


def test_a_stored_time_reads_as_aware_utc_from_either_database():
    moment = datetime(2026, 11, 20, 1, 2, 3, tzinfo=UTC)
    assert raw_moment("2026-11-20 01:02:03.000000") == moment  # SQLite: naive UTC text
    assert raw_moment(datetime(2026, 11, 20, 9, 2, 3, tzinfo=CST)) == moment  # PostgreSQL, session zone +08:00
    assert raw_moment(datetime(2026, 11, 20, 9, 2, 3, tzinfo=CST)).utcoffset() == timedelta(0)
    assert raw_moment("2026-11-20T09:02:03+08:00") == moment
    assert raw_moment(None) is None


def test_a_stored_time_is_sent_as_marshmallow_would_dump_it():
    assert raw_moment_text("2026-11-20 01:02:03.000000") == "2026-11-20T01:02:03+00:00"
    assert raw_moment_text("2026-11-20 01:02:03.250000") == "2026-11-20T01:02:03.250000+00:00"
    assert raw_moment_text(datetime(2026, 11, 20, 9, 2, 3, tzinfo=CST)) == "2026-11-20T01:02:03+00:00"
    assert raw_moment_text(None) is None


def test_ids_and_days_read_the_same_from_either_database():
    ident = uuid.UUID("f8c13285-c087-4d31-98fd-444022f2e576")
    assert raw_uuid_text(ident.hex) == str(ident) == raw_uuid_text(ident)
    assert raw_uuid(ident.hex) == ident == raw_uuid(ident)
    assert raw_day_text("2026-12-16") == "2026-12-16" == raw_day_text(date(2026, 12, 16))
    assert raw_day_text(None) is None
