"""Template filters and globals shared by every page."""

from flask import Flask

from meetings.core.countries import country_name, country_names
from meetings.core.dates import format_date_range
from meetings.core.reader import reader_timezone
from meetings.core.timezones import in_zone, timezone_names, utc_offset_label


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        country=country_name,
        date_range=format_date_range,
        in_zone=in_zone,
        hm=lambda moment: f"{moment:%H:%M}",
        day=lambda moment: f"{moment:%a} {moment.day} {moment:%b %Y}",
        offset=utc_offset_label,
    )
    app.jinja_env.globals.update(
        reader_timezone=reader_timezone,
        timezone_names=timezone_names,
        country_names=country_names,
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
