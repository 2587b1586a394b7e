from datetime import UTC, date, datetime, time

import pytest

from meetings.core.countries import country_name, parse_country_codes
from meetings.core.timezones import (
    WallClockError,
    is_timezone,
    local_to_utc,
    utc_offset_label,
)


def test_local_to_utc_langkawi_is_eight_hours_ahead():
    assert local_to_utc(date(2025, 9, 4), time(9, 0), "Asia/Kuala_Lumpur") == datetime(
        2025, 9, 4, 1, 0, tzinfo=UTC
    )


def test_local_to_utc_refuses_skipped_time():
    with pytest.raises(WallClockError, match="does not exist"):
        local_to_utc(date(2026, 3, 29), time(2, 30), "Europe/Paris")


def test_local_to_utc_refuses_repeated_time():
    with pytest.raises(WallClockError, match="occurs twice"):
        local_to_utc(date(2026, 10, 25), time(2, 30), "Europe/Paris")


def test_is_timezone():
    assert is_timezone("Asia/Ulaanbaatar")
    assert not is_timezone("Asia/Atlantis")
    assert not is_timezone("")


def test_utc_offset_label():
    moment = datetime(2025, 9, 4, 1, tzinfo=UTC)
    assert [utc_offset_label(moment, z) for z in ("Asia/Seoul", "Asia/Kolkata", "UTC")] == [
        "UTC+9",
        "UTC+5:30",
        "UTC",
    ]


def test_country_names_are_as_documents_write_them():
    assert [country_name(c) for c in ("KR", "KP", "LA", "VN", "RU")] == [
        "Republic of Korea",
        "Democratic People's Republic of Korea",
        "Lao People's Democratic Republic",
        "Viet Nam",
        "Russian Federation",
    ]


def test_parse_country_codes_reports_unknown():
    assert parse_country_codes("jp, CN kr XX") == (["CN", "JP", "KR"], ["XX"])


def test_an_empty_reader_zone_forgets_the_cookie(client):
    client.set_cookie("tz", "Asia/Tokyo")
    response = client.post("/timezone", data={"next": "/"})
    assert response.status_code == 302
    assert "tz=;" in response.headers["Set-Cookie"]
