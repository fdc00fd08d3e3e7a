"""The API's shapes of a feed's health: its fetches, its builds, and whether it is held."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from shelfcast.feeds.schemas import BuildRead


class _Read(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Listening(StrEnum):
    """Whether marketplaces are fetching the file."""

    FETCHED = "fetched"  # a fetch came within the usual interval
    SILENT = "silent"  # none for longer than the usual interval (at least 24 hours)
    NEVER = "never"  # no fetch in the kept log (90 days)


class FetchDay(_Read):
    day: date
    ok: int = Field(description="Answered with the file (2xx)")
    not_modified: int = Field(description="Answered 304: the client had the current file")
    failed: int = Field(description="Answered 4xx or 5xx")


class FetchClient(_Read):
    user_agent: str | None
    address: str | None
    count: int
    last_at: datetime


class FetchesRead(_Read):
    last_at: datetime | None = Field(description="The last fetch answered with the file or 304")
    state: Listening
    silent_after_hours: float = Field(
        description="How long without a fetch makes the file silent: twice the usual "
        "interval between fetches, at least 24 hours"
    )
    by_day: list[FetchDay] = Field(description="The last 30 days, oldest first, every day")
    clients: list[FetchClient] = Field(description="Who fetched it in the last 30 days")


class HeldRead(_Read):
    at: datetime
    rows: int | None
    reason: str | None


class BuildRecordRead(_Read):
    at: datetime
    seconds: float
    rows: int | None
    bytes: int | None
    result: str = Field(description="published, held or failed")
    reason: str | None


class HealthRead(_Read):
    build: BuildRead | None
    held: HeldRead | None = Field(description="The build the publish guard holds, if any")
    fetches: FetchesRead
    builds: list[BuildRecordRead] = Field(description="The last 20 builds, newest first")


class PublishRead(_Read):
    key: str
    rows: int
    published_at: datetime
