"""Where a new feed file starts: a marketplace preset, filled in for one account."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shelfcast.catalog.models import PriceType, Warehouse
from shelfcast.feeds import repository as repo
from shelfcast.feeds.presets import PRESETS, Preset, preset_body
from shelfcast.feeds.schemas import PresetRead


def preset_reads(session: Session, account_id: int) -> list[PresetRead]:
    """Every preset as a feed body for this account: all its warehouses, and its first
    price type in the price columns (what a merchant with one price list wants)."""
    price_type_ids = sorted(repo.owned_ids(session, PriceType, account_id))
    warehouse_ids = sorted(repo.owned_ids(session, Warehouse, account_id))
    price_type_id = price_type_ids[0] if price_type_ids else None
    return [_read(p, price_type_id, warehouse_ids) for p in PRESETS.values()]


def preset_read(session: Session, account_id: int, key: str) -> PresetRead | None:
    return next((p for p in preset_reads(session, account_id) if p.key == key), None)


def _read(preset: Preset, price_type_id: int | None, warehouse_ids: list[int]) -> PresetRead:
    return PresetRead(
        key=preset.key,
        marketplace=preset.marketplace,
        source=preset.source,
        required_columns=list(preset.required_headers),
        **preset_body(preset, price_type_id, warehouse_ids),
    )
