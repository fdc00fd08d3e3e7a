"""Accounts (one merchant each), their plan, and API keys."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shelfcast.db.base import Base, utcnow


class Plan(StrEnum):
    HOBBY = "hobby"
    STARTUP = "startup"
    BUSINESS = "business"

    @property
    def feed_file_limit(self) -> int | None:
        """How many feed files the plan allows; None means unlimited."""
        return {Plan.HOBBY: 0, Plan.STARTUP: 10, Plan.BUSINESS: None}[self]


class Language(StrEnum):
    """The languages of the web UI (English is the source of every message)."""

    EN = "en"
    FR = "fr"
    UK = "uk"


def _language_type(name: str) -> Enum:
    """A language stored by its code (``fr``) in a VARCHAR with a CHECK of the codes."""
    return Enum(
        Language,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=8,
        values_callable=lambda kind: [member.value for member in kind],
    )


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("plan IN ('hobby', 'startup', 'business')", name="plan"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    plan: Mapped[str] = mapped_column(String(20))
    # Bumped in the same transaction as every change of the account's catalog
    # (products, stock, prices, images, custom fields, categories, warehouses):
    # a built feed file is current while this and its own settings version are.
    catalog_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The web UI's language for the account's users who chose none and whose
    # browser asks for none of ours.
    default_language: Mapped[Language] = mapped_column(
        _language_type("default_language"),
        default=Language.EN,
        server_default=Language.EN.value,
    )


class ApiKey(Base):
    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_account_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200), default="")
    # The first characters of the key, kept in clear so the merchant can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class User(Base):
    """A person who signs in to the web UI; belongs to one account."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_account_id", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"))
    # Stored lower-cased, so sign-in ignores the case people type addresses in.
    email: Mapped[str] = mapped_column(String(320), unique=True)
    # An argon2id PHC string ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Sessions carry the epoch they began in; bumping it (sign-out, a new password)
    # ends every session of the user server-side, copied cookies included.
    session_epoch: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    # Chosen in the language menu; None follows the browser, then the account.
    language: Mapped[Language | None] = mapped_column(_language_type("language"), default=None)


class LoginFailure(Base):
    """One failed sign-in, counted against a key (a hash of "email + address" or of
    the address alone). Kept in the database, not in a process's memory, so the
    sign-in limit holds across worker processes and restarts; rows older than the
    limit's window are pruned as new failures arrive."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_key_hash_failed_at", "key_hash", "failed_at"),
        Index("ix_login_failures_failed_at", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # sha256 hex: the email and address themselves are not kept for this.
    key_hash: Mapped[str] = mapped_column(String(64))
    failed_at: Mapped[datetime] = mapped_column()
