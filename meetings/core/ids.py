"""Record ids as the database stores them: 32-bit integers on every backend."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # PostgreSQL's INTEGER; a larger number names no record


def as_id(text: str) -> int | None:
    """The id a string of digits names, or None when it is not one a record can have."""
    if not (text.isascii() and text.isdigit()):  # "²" is a digit to isdigit(), not to int()
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class RecordIdConverter(IntegerConverter):
    """`<int:...>` in routes: a number beyond any id is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    """Register the converter before any blueprint builds its rules."""
    app.url_map.converters["int"] = RecordIdConverter
