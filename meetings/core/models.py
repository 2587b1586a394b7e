"""Column types and mixins shared by every domain's models."""

from datetime import UTC, date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


def utc_today() -> date:
    """The site's today: the UTC date, whatever the server's own zone (overdue, listings and
    feeds agree; reminders go by each reader's zone instead)."""
    return utcnow().date()


class UTCDateTime(sa.types.TypeDecorator):
    """A point in time stored as naive UTC; only aware datetimes go in, aware UTC comes out."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given for a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def enum_column(enum_cls: type[StrEnum], name: str) -> sa.Enum:
    """A string column limited to the enum's values by a CHECK constraint (no native types)."""
    return sa.Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda cls: [m.value for m in cls],
        validate_strings=True,
    )


class TimestampMixin:
    """created_at / updated_at in UTC, set by the database session, never by hand."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
