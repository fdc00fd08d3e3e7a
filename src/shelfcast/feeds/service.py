"""The integration's rules: feed files, their columns, links and plan limits.

Services validate against the account's own data, write through the
repository, and flush; the edge (request or CLI command) commits.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from shelfcast.accounts.models import Plan
from shelfcast.catalog.models import PriceType, Warehouse
from shelfcast.db.base import utcnow
from shelfcast.errors import N_, FieldError, InvalidInput, NotFound, PlanLimit, shown
from shelfcast.feeds import link_changes
from shelfcast.feeds import repository as repo
from shelfcast.feeds.fields import WAREHOUSE_PREFIX, ProductField, custom_key
from shelfcast.feeds.models import FeedColumn, FeedFile, FeedLink, Integration
from shelfcast.feeds.options import option_reads, option_values, warehouse_field_message
from shelfcast.feeds.rendering import (
    FeedPlan,
    plan_columns,
    plan_feed,
    preview,
    preview_of,
    raw_rows,
    render_feed_file,
)
from shelfcast.feeds.schemas import (
    ColumnIn,
    ColumnRead,
    FeedCreate,
    FeedRead,
    FeedUpdate,
    PreviewRead,
    strip_extension,
)
from shelfcast.render.spec import (
    ColumnSource,
    CsvSeparator,
    FileType,
)

# Rendering lives in feeds/rendering.py; its entry points are the service's too.
__all__ = [
    "FeedPlan",
    "create_feed",
    "delete_feed",
    "ensure_plan_allows_another_file",
    "feed_reads",
    "feed_url",
    "find_feed",
    "get_feed",
    "get_integration",
    "hash_token",
    "links_in_grace",
    "list_feeds",
    "plan_feed",
    "plan_unsaved",
    "preview",
    "preview_of",
    "preview_unsaved",
    "raw_rows",
    "render_feed_file",
    "rotate_link",
    "set_integration_enabled",
    "update_feed",
]

XLS_MAX_COLUMNS = 256
TOKEN_BYTES = 24  # 192 bits of randomness in every link


# --- the integration ---------------------------------------------------------------------


def get_integration(session: Session, account_id: int) -> Integration:
    """The account's one integration; switched off, and not stored, until first written.

    Reading writes nothing: a read that inserted would race concurrent requests
    (a unique violation on PostgreSQL, a locked database on SQLite).
    """
    found = repo.get_integration(session, account_id)
    return found or Integration(account_id=account_id, enabled=False)


def _stored_integration(session: Session, account_id: int) -> Integration:
    """The integration row, created if missing; the caller holds the account's lock."""
    return repo.get_integration(session, account_id) or repo.add_integration(session, account_id)


def set_integration_enabled(session: Session, account_id: int, enabled: bool) -> Integration:
    if repo.lock_account(session, account_id) is None:
        raise NotFound("account not found")
    integration = _stored_integration(session, account_id)
    integration.enabled = enabled
    session.flush()
    return integration


# --- feed files ----------------------------------------------------------------------------


def create_feed(session: Session, account_id: int, data: FeedCreate) -> FeedFile:
    """Add a feed file, within the plan's limit (safe under concurrent requests:
    the account row is locked for the transaction before counting)."""
    account = repo.lock_account(session, account_id)
    if account is None:
        raise NotFound("account not found")
    _check_plan_allows_another_file(Plan(account.plan), repo.count_feeds(session, account_id))
    _stored_integration(session, account_id)

    file_type = data.file_type
    values = _settings_values(data, file_type)
    _check_against_account(session, account_id, data.warehouse_ids, data.columns, file_type)
    feed = FeedFile(account_id=account_id, file_type=file_type.value, **values)
    session.add(feed)
    session.flush()
    repo.replace_feed_warehouses(session, feed, data.warehouse_ids)
    repo.replace_feed_columns(session, feed, _column_rows(data.columns))
    _new_link(session, feed)
    return feed


def update_feed(
    session: Session,
    account_id: int,
    feed_id: int,
    data: FeedUpdate,
    *,
    old_name_grace: timedelta = timedelta(0),
) -> FeedFile:
    """Change the given settings; every change bumps the file's settings version.
    A new file name or type changes the link: the former name keeps answering for
    ``old_name_grace`` (see ``feeds/link_changes.py``)."""
    feed = get_feed(session, account_id, feed_id, "update")
    old_name = link_changes.full_name(feed.file_name, feed.file_type)
    given = data.model_fields_set
    file_type = data.file_type if data.file_type is not None else FileType(feed.file_type)
    warehouse_ids = data.warehouse_ids
    columns = data.columns
    if "file_type" in given or columns is not None or warehouse_ids is not None:
        current_columns = columns if columns is not None else _columns_in(session, feed)
        _check_against_account(
            session,
            account_id,
            warehouse_ids if warehouse_ids is not None else [],
            current_columns,
            file_type,
        )
    values = _settings_values(data, file_type, current=feed)
    for name, value in values.items():
        setattr(feed, name, value)
    feed.file_type = file_type.value
    if warehouse_ids is not None:
        repo.replace_feed_warehouses(session, feed, warehouse_ids)
    if columns is not None:
        repo.replace_feed_columns(session, feed, _column_rows(columns))
    session.flush()
    link_changes.retire_name(session, feed, old_name, old_name_grace)
    repo.bump_settings_version(session, feed)
    return feed


def delete_feed(session: Session, account_id: int, feed_id: int) -> None:
    session.delete(get_feed(session, account_id, feed_id, "update"))
    session.flush()


def get_feed(
    session: Session, account_id: int, feed_id: int, lock: repo.RowLock = None
) -> FeedFile:
    feed = repo.get_feed(session, account_id, feed_id, lock)
    if feed is None:
        raise NotFound(f"feed {feed_id} not found")
    return feed


def find_feed(session: Session, feed_id: int) -> FeedFile:
    """A feed by id whatever its account: for the administrator's command line only."""
    feed = repo.find_feed(session, feed_id)
    if feed is None:
        raise NotFound(f"feed {feed_id} not found")
    return feed


def list_feeds(session: Session, account_id: int) -> Sequence[FeedFile]:
    return repo.list_feeds(session, account_id)


def feed_reads(session: Session, feeds: Sequence[FeedFile], base_url: str) -> list[FeedRead]:
    """The API shape of several feeds, in a fixed number of queries."""
    ids = [feed.id for feed in feeds]
    columns = repo.feed_columns(session, ids)
    warehouses = repo.feed_warehouse_ids(session, ids)
    links = repo.current_links(session, ids)
    return [
        FeedRead(
            id=feed.id,
            store_name=feed.store_name,
            store_url=feed.store_url,
            warehouse_ids=warehouses[feed.id],
            file_type=FileType(feed.file_type),
            csv_separator=CsvSeparator(feed.csv_separator),
            file_name=feed.file_name,
            sheet_name=feed.sheet_name,
            header_row=feed.header_row,
            include_zero_stock=feed.include_zero_stock,
            enabled=feed.enabled,
            columns=[_column_read(c) for c in columns[feed.id]],
            **option_reads(feed),
            preset=feed.preset,
            publish_guard_percent=feed.publish_guard_percent,
            url=feed_url(base_url, links[feed.id], feed),
            status="enabled" if feed.enabled else "disabled",
            created_at=feed.created_at,
            updated_at=feed.updated_at,
        )
        for feed in feeds
        if feed.id in links  # not deleted since ``feeds`` were read (no lock held)
    ]


def ensure_plan_allows_another_file(session: Session, account_id: int, plan: Plan) -> None:
    """Raise ``PlanLimit`` (saying which plan would allow it) when the plan allows no
    more feed files: lets the UI explain before the merchant fills in a form.
    :func:`create_feed` checks again, under a lock."""
    _check_plan_allows_another_file(plan, repo.count_feeds(session, account_id))


def _check_plan_allows_another_file(plan: Plan, existing: int) -> None:
    limit = plan.feed_file_limit
    if limit is None or existing < limit:
        return
    if plan is Plan.HOBBY:
        raise PlanLimit(
            N_(
                "The Hobby plan does not include the custom integration with online stores. "
                "Startup allows up to 10 feed files and Business an unlimited number."
            )
        )
    raise PlanLimit(
        f"The {plan.value.title()} plan allows up to {limit} feed files and this account "
        f"has {existing}. The Business plan allows an unlimited number."
    )


def _settings_values(
    data: FeedCreate | FeedUpdate, file_type: FileType, current: FeedFile | None = None
) -> dict[str, Any]:
    """The columns of ``feed_files`` to write, with the rules that tie settings together."""
    given = data.model_fields_set
    errors: list[FieldError] = []
    values: dict[str, Any] = {
        name: getattr(data, name)
        for name in (
            "store_name",
            "store_url",
            "header_row",
            "include_zero_stock",
            "enabled",
            "preset",
            "publish_guard_percent",
        )
        if name in given or current is None
    }
    values |= option_values(data, creating=current is None)
    # The separator belongs to CSV files only.
    if data.csv_separator is not None and file_type is not FileType.CSV:
        errors.append(
            FieldError(("csv_separator",), N_("applies to CSV files only; leave it out for Excel"))
        )
    if file_type is FileType.CSV:
        if data.csv_separator is not None:
            values["csv_separator"] = data.csv_separator.value
        elif current is None:
            values["csv_separator"] = CsvSeparator.COMMA.value
    # The sheet name is required for Excel files (CSV has no sheets).
    if data.sheet_name is not None:
        values["sheet_name"] = data.sheet_name
    elif file_type is not FileType.CSV and (
        current is None or FileType(current.file_type) is FileType.CSV
    ):
        errors.append(FieldError(("sheet_name",), N_("is required for Excel files (XLSX, XLS)")))
    elif current is None:
        values["sheet_name"] = "Sheet1"
    file_name = data.file_name
    if file_name is None and current is not None:
        file_name = current.file_name
    if file_name is not None:
        values["file_name"] = strip_extension(file_name, file_type)
    if errors:
        raise InvalidInput(errors)
    return values


def _check_against_account(
    session: Session,
    account_id: int,
    warehouse_ids: Sequence[int],
    columns: Sequence[ColumnIn],
    file_type: FileType,
) -> None:
    errors: list[FieldError] = []
    owned = repo.owned_ids(session, Warehouse, account_id)
    if warehouse_ids:
        errors += [
            FieldError(("warehouse_ids", i), f"warehouse {wid} is not one of this account's")
            for i, wid in enumerate(warehouse_ids)
            if wid not in owned
        ]
    price_types = repo.owned_ids(session, PriceType, account_id)
    custom_types = repo.custom_field_types(session, account_id)
    for i, column in enumerate(columns):
        if column.source is ColumnSource.PRICE and column.price_type_id not in price_types:
            errors.append(
                FieldError(
                    ("columns", i, "price_type_id"),
                    f"price type {column.price_type_id} is not one of this account's",
                )
            )
        if column.source is ColumnSource.PRODUCT_FIELD and column.field is not None:
            message = _unknown_field_message(column.field, custom_types, owned)
            if message:
                errors.append(FieldError(("columns", i, "field"), message))
    if file_type is FileType.XLS and len(columns) > XLS_MAX_COLUMNS:
        errors.append(
            FieldError(
                ("columns",),
                f"an XLS file holds at most {XLS_MAX_COLUMNS} columns ({len(columns)} given); "
                "choose XLSX",
            )
        )
    if errors:
        raise InvalidInput(errors)


def _unknown_field_message(
    field: str, custom_types: dict[str, str], warehouses: set[int]
) -> str | None:
    if field.startswith(WAREHOUSE_PREFIX):
        return warehouse_field_message(field, warehouses)
    key = custom_key(field)
    if key is not None:
        if key in custom_types:
            return None
        known = ", ".join(f"custom.{k}" for k in sorted(custom_types)) or "none defined"
        return f"no custom field {shown(key)} in this account (custom fields: {known})"
    if field in ProductField.__members__.values():
        return None
    allowed = ", ".join(f.value for f in ProductField)
    return (
        f"unknown product field {shown(field)}; allowed: {allowed}, custom.<key>, "
        "or quantity.<warehouse id>"
    )


def _column_rows(columns: Sequence[ColumnIn]) -> list[dict[str, Any]]:
    return [
        {
            "header": c.header,
            "source": c.source.value,
            "field": c.field,
            "price_type_id": c.price_type_id,
            "value": c.value,
        }
        for c in columns
    ]


def _columns_in(session: Session, feed: FeedFile) -> list[ColumnIn]:
    return [
        ColumnIn.model_validate(_column_read(c).model_dump(exclude_none=True))
        for c in repo.feed_columns(session, [feed.id])[feed.id]
    ]


def _column_read(column: FeedColumn) -> ColumnRead:
    return ColumnRead(
        header=column.header,
        source=ColumnSource(column.source),
        field=column.field,
        price_type_id=column.price_type_id,
        value=column.value,
    )


# --- links ---------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _new_link(session: Session, feed: FeedFile) -> FeedLink:
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return repo.add_link(session, feed, token, hash_token(token))


def rotate_link(
    session: Session, account_id: int, feed_id: int, grace: timedelta = timedelta(0)
) -> FeedLink:
    """Issue a new link; the old one stops working now, or after ``grace``."""
    feed = get_feed(session, account_id, feed_id, "update")
    repo.expire_links(session, feed.id, utcnow() + grace)
    return _new_link(session, feed)


def links_in_grace(
    session: Session, feeds: Sequence[FeedFile], base_url: str
) -> dict[int, list[tuple[str, datetime]]]:
    """(url, works until) of each feed's old links still in their grace period."""
    by_id = {feed.id: feed for feed in feeds}
    found: dict[int, list[tuple[str, datetime]]] = {}
    for link in repo.links_in_grace(session, list(by_id), utcnow()):
        if link.expires_at is not None:
            url = feed_url(base_url, link, by_id[link.feed_id])
            found.setdefault(link.feed_id, []).append((url, link.expires_at))
    return found


def feed_url(base_url: str, link: FeedLink, feed: FeedFile) -> str:
    return f"{base_url.rstrip('/')}/f/{link.token}/{feed.file_name}.{feed.file_type}"


# --- rendering (feeds/rendering.py) --------------------------------------------------------


def preview_unsaved(session: Session, account_id: int, data: FeedCreate, limit: int) -> PreviewRead:
    """The preview of a feed file as :func:`preview` shows it, from settings not saved
    yet (the UI's live preview while the form is edited). The settings are checked
    as :func:`create_feed` checks them (``InvalidInput``); nothing is written."""
    return preview_of(session, plan_unsaved(session, account_id, data), limit)


def plan_unsaved(session: Session, account_id: int, data: FeedCreate) -> FeedPlan:
    """The plan of settings not saved yet, checked as :func:`create_feed` checks them."""
    values = _settings_values(data, data.file_type)
    _check_against_account(session, account_id, data.warehouse_ids, data.columns, data.file_type)
    unsaved = FeedFile(
        account_id=account_id,
        file_type=data.file_type.value,
        **{"csv_separator": CsvSeparator.COMMA.value, **values},
    )
    return plan_columns(session, unsaved, data.columns, data.warehouse_ids)
