"""The overview after sign-in, and the live build status of the integration window."""

from __future__ import annotations

from typing import Any

from fastapi import Request, Response
from sqlalchemy.orm import Session

from shelfcast.feeds import link_changes
from shelfcast.feeds import service as feeds
from shelfcast.feeds.schemas import FeedRead
from shelfcast.overview import service as overview
from shelfcast.publish import status as publish_status
from shelfcast.publish.reachability import Reach, link_reach
from shelfcast.web.deps import SessionDep, SettingsDep
from shelfcast.web.ui.rendering import HOME, page
from shelfcast.web.ui.routes._router import page_router
from shelfcast.web.ui.session import SignedIn, SignedInDep

router = page_router()
BUILDS = "/settings/integrations/custom/builds"
# htmx stops polling when a poll is answered with this status (its convention).
STOP_POLLING = 286


@router.get(HOME)
def overview_page(
    request: Request, signed: SignedInDep, session: SessionDep, settings: SettingsDep
) -> Response:
    found = overview.account_overview(session, signed.account_id, signed.plan, settings.base_url)
    return page(
        request,
        "overview.html",
        {"nav": "overview", "overview": found, "Attention": overview.Attention},
        signed=signed,
    )


def window_extras(
    session: Session, signed: SignedIn, reads: list[FeedRead], base_url: str
) -> dict[str, Any]:
    """What the integration window shows beyond the files' settings: which files are
    still building (polled), former names still answering, and whether a
    marketplace can reach the links at all."""
    return {
        "building": publish_status.building_ids(session, signed.account_id),
        "retired": link_changes.retired_names(session, reads),
        "reach": link_reach(base_url),
        "base_url": base_url,
        "Reach": Reach,
    }


@router.get(BUILDS)
def build_status(
    request: Request, signed: SignedInDep, session: SessionDep, settings: SettingsDep
) -> Response:
    """The "Last build" cells of the window's file list, polled while a file builds;
    answered with htmx's stop-polling status once none is."""
    reads = feeds.feed_reads(
        session, feeds.list_feeds(session, signed.account_id), settings.base_url
    )
    reads = publish_status.with_builds(session, reads)
    building = publish_status.building_ids(session, signed.account_id)
    return page(
        request,
        "_build_cells.html",
        {"files": reads, "building": building},
        signed=signed,
        fragment=True,
        status_code=200 if building else STOP_POLLING,
    )
