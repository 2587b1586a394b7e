"""People with an account, their scoped roles, API tokens and one-time email links."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from meetings.core.countries import country_name
from meetings.core.models import TimestampMixin, UTCDateTime, enum_column, utcnow
from meetings.extensions import db

if TYPE_CHECKING:
    from meetings.bodies.models import Body
    from meetings.mechanisms.models import Mechanism


class User(TimestampMixin, db.Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased: one account per address however it is typed.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    # argon2id hash; NULL until the invited person sets a password.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    # Changes with the password: signed-in sessions elsewhere end when it does.
    session_nonce: Mapped[str] = mapped_column(sa.String(64))
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # IANA zone the person reads times in (emails show them there); NULL: the venue's only.
    timezone: Mapped[str | None] = mapped_column(sa.String(64))

    roles: Mapped[list["RoleAssignment"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="RoleAssignment.id"
    )

    # Flask-Login's protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Role(StrEnum):
    ADMIN = "admin"  # site administrator
    SECRETARIAT = "secretariat"  # of one mechanism
    BODY_MANAGER = "body_manager"  # of one body
    NFP = "nfp"  # National Focal Point of one member state in one mechanism
    DELEGATE = "delegate"  # of a mechanism, optionally for one member state


ROLE_LABELS = {
    Role.ADMIN: "Site administrator",
    Role.SECRETARIAT: "Secretariat",
    Role.BODY_MANAGER: "Body manager",
    Role.NFP: "National Focal Point",
    Role.DELEGATE: "Delegate",
}


class RoleAssignment(db.Model):
    """One role of one person, with its scope; the columns a role needs are checked."""

    __tablename__ = "role_assignment"
    __table_args__ = (
        sa.CheckConstraint(
            "(role = 'admin' AND mechanism_id IS NULL AND body_id IS NULL AND country_code IS NULL)"
            " OR (role = 'secretariat' AND mechanism_id IS NOT NULL AND body_id IS NULL"
            " AND country_code IS NULL)"
            " OR (role = 'body_manager' AND mechanism_id IS NOT NULL AND body_id IS NOT NULL"
            " AND country_code IS NULL)"
            " OR (role = 'nfp' AND mechanism_id IS NOT NULL AND body_id IS NULL"
            " AND country_code IS NOT NULL)"
            " OR (role = 'delegate' AND mechanism_id IS NOT NULL AND body_id IS NULL)",
            name="scope_fits_role",
        ),
        sa.UniqueConstraint("user_id", "role", "mechanism_id", "body_id", "country_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    # The mechanism of every scoped role (a body manager's too, for fast access checks).
    mechanism_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mechanism.id", ondelete="CASCADE"), index=True
    )
    body_id: Mapped[int | None] = mapped_column(sa.ForeignKey("body.id", ondelete="CASCADE"))
    # ISO 3166-1 alpha-2 of the member state an NFP (or a delegate) represents.
    country_code: Mapped[str | None] = mapped_column(sa.String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(back_populates="roles")
    mechanism: Mapped["Mechanism | None"] = relationship()
    body: Mapped["Body | None"] = relationship()

    @property
    def label(self) -> str:
        """ "National Focal Point of Japan, NEASPEC"."""
        text = ROLE_LABELS[self.role]
        if self.country_code:
            text += f" of {country_name(self.country_code)}"
        if self.body is not None:
            text += f", {self.body.short_name} ({self.body.mechanism.short_name})"
        elif self.mechanism is not None:
            text += f", {self.mechanism.short_name}"
        return text

    def __repr__(self) -> str:
        return f"<RoleAssignment {self.role} of user {self.user_id}>"


class TokenScope(StrEnum):
    READ = "read"
    READ_WRITE = "read_write"


class ApiToken(db.Model):
    """A personal API token: only its SHA-256 is kept; the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The token's first characters, so its owner can tell tokens apart.
    prefix: Mapped[str] = mapped_column(sa.String(16))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope, "token_scope"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.name!r} of user {self.user_id}>"


class LinkPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # nosec B105  # a link purpose


class EmailLink(db.Model):
    """A single-use, expiring link sent by email: an invitation or a password reset.

    Only the SHA-256 of the link's secret is stored. An invitation carries the role to grant.
    """

    __tablename__ = "email_link"
    __table_args__ = (
        sa.CheckConstraint(
            "purpose <> 'password_reset' OR user_id IS NOT NULL", name="reset_has_user"
        ),
        sa.CheckConstraint("purpose <> 'invitation' OR role IS NOT NULL", name="invite_has_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[LinkPurpose] = mapped_column(enum_column(LinkPurpose, "link_purpose"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL")
    )
    # The role an invitation grants when accepted.
    role: Mapped[Role | None] = mapped_column(enum_column(Role, "invited_role"))
    mechanism_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("mechanism.id", ondelete="CASCADE")
    )
    body_id: Mapped[int | None] = mapped_column(sa.ForeignKey("body.id", ondelete="CASCADE"))
    country_code: Mapped[str | None] = mapped_column(sa.String(2))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    def __repr__(self) -> str:
        return f"<EmailLink {self.id} {self.purpose} for {self.email}>"


class SignInAttempt(db.Model):
    """A failed sign-in, counted per account and per address to slow password guessing."""

    __tablename__ = "sign_in_attempt"
    __table_args__ = (
        sa.Index("ix_sign_in_attempt_email_at", "email", "at"),
        sa.Index("ix_sign_in_attempt_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    address: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SignInAttempt {self.email} from {self.address}>"
