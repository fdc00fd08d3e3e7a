"""When a link request waits for the newest version and when it is answered at once
(``shelfcast.publish.links.wait_bound``), decided from the feed's build state."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from shelfcast.publish.links import ABOUT_TO_FINISH_S, retry_after, wait_bound
from shelfcast.publish.repository import LinkTarget

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
BORN = datetime(2026, 1, 1, tzinfo=UTC)
LINK_WAIT_S = 10.0
FIRST_BUILD_WAIT_S = 300.0


def _target(**build: object) -> LinkTarget:
    target = LinkTarget(
        feed_id=1,
        account_id=1,
        file_name="stock",
        file_type="csv",
        feed_enabled=True,
        integration_enabled=True,
        plan="business",
        link_expires_at=None,
        catalog_version=10,
        settings_version=1,
        feed_created_at=BORN,
        published_key=None,
        published_at=None,
        held_key=None,
        building_key=None,
        building_since=None,
        last_key=None,
        last_status="ok",
        last_seconds=0.2,
        retry_at=None,
    )
    return replace(target, **build)  # type: ignore[arg-type]


def _key(catalog_version: int) -> str:
    return replace(_target(), catalog_version=catalog_version).key


def _bound(target: LinkTarget, *, has_file: bool = True, queue_clear: bool = True) -> float:
    return wait_bound(
        target,
        has_file=has_file,
        queue_clear=queue_clear,
        now=NOW,
        link_wait_s=LINK_WAIT_S,
        first_build_wait_s=FIRST_BUILD_WAIT_S,
    )


def test_a_build_of_an_older_version_under_way_means_no_wait_for_a_slow_feed() -> None:
    running = {"building_key": _key(8), "building_since": NOW - timedelta(seconds=1)}
    assert _bound(_target(last_seconds=5.0, **running)) == 0
    # A feed that builds in a blink: the next file is a moment away, worth waiting for.
    assert 0 < _bound(_target(last_seconds=0.05, **running)) <= LINK_WAIT_S


@pytest.mark.parametrize(
    ("last_seconds", "running_for", "waits"),
    [
        (0.2, 0.1, True),  # about to finish
        (5.0, 4.5, True),  # a slow build, nearly done
        (5.0, 1.0, False),  # seconds to go: serve the newest complete file now
    ],
)
def test_the_build_of_the_newest_version_is_waited_for_only_when_about_to_finish(
    last_seconds: float, running_for: float, waits: bool
) -> None:
    target = _target(
        last_seconds=last_seconds,
        building_key=_key(10),
        building_since=NOW - timedelta(seconds=running_for),
    )
    bound = _bound(target)
    assert (bound > 0) is waits
    assert bound <= min(LINK_WAIT_S, 3 * ABOUT_TO_FINISH_S)


def test_nothing_under_way_waits_for_one_quick_build_only() -> None:
    assert 0 < _bound(_target(last_seconds=0.1)) <= LINK_WAIT_S
    assert _bound(_target(last_seconds=30.0)) == 0


def test_builds_of_other_feeds_queued_ahead_mean_no_wait_unless_ours_is_running() -> None:
    quick = _target(last_seconds=0.1)
    assert _bound(quick, queue_clear=False) == 0
    ours = replace(quick, building_key=_key(10), building_since=NOW)
    assert _bound(ours, queue_clear=False) > 0


def test_a_build_marked_long_ago_is_taken_for_one_a_crash_ended() -> None:
    stale = {"building_key": _key(8), "building_since": NOW - timedelta(hours=1)}
    assert _bound(_target(last_seconds=0.1, **stale)) > 0


def test_a_feed_without_a_file_waits_for_its_first_build_unless_it_failed() -> None:
    assert _bound(_target(last_status=None, last_seconds=None), has_file=False) == 300
    failed = _target(last_status="failed", last_key=_key(10), retry_at=NOW + timedelta(seconds=30))
    assert _bound(failed, has_file=False) == 0
    assert retry_after(failed, NOW) == 30
    retry_due = replace(failed, retry_at=NOW - timedelta(seconds=1))
    assert _bound(retry_due, has_file=False) == 300
