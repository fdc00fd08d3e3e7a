"""The Prometheus metrics of one server process (``/metrics``).

Counters and histograms count what this process did (link fetches, builds it
ran); the gauges of the backlog are read from the database at scrape time, so
every node reports the same cluster-wide backlog. A registry per app, no
module-level globals: tests and several apps in one process stay apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shelfcast.publish import backlog_repository

log = logging.getLogger(__name__)
LINK_PREFIX = "/f/"
BUILD_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)


class Metrics:
    def __init__(self, sessions: sessionmaker[Session], queue_depth: Callable[[], int]) -> None:
        self.registry = CollectorRegistry()
        self.fetches = Counter(
            "shelfcast_link_fetches",
            "Feed link requests answered by this process, by method and status",
            ["method", "status"],
            registry=self.registry,
        )
        self.builds = Histogram(
            "shelfcast_build_seconds",
            "Feed builds run by this process: duration by outcome",
            ["outcome"],
            buckets=BUILD_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(BacklogCollector(sessions, queue_depth))

    def observe_build(self, outcome: str, seconds: float) -> None:
        self.builds.labels(outcome=outcome).observe(seconds)


class BacklogCollector(Collector):
    """Gauges read from the database when Prometheus scrapes."""

    def __init__(self, sessions: sessionmaker[Session], queue_depth: Callable[[], int]) -> None:
        self._sessions = sessions
        self._queue_depth = queue_depth

    def collect(self) -> Iterable[Metric]:
        depth = GaugeMetricFamily(
            "shelfcast_build_queue_depth", "Feed builds queued and not started yet"
        )
        depth.add_metric([], self._queue_depth())
        yield depth
        try:
            with self._sessions() as session:
                found = backlog_repository.backlog(session, failures=1000)
        except Exception as error:  # a scrape must answer even when the database does not
            log.warning("metrics: backlog not read: %s", error)
            return
        for name, help_text, value in (
            ("shelfcast_feeds", "Feed files in the database", found.feeds),
            ("shelfcast_feeds_behind", "Feeds whose served file is not current", len(found.behind)),
            (
                "shelfcast_backlog_oldest_seconds",
                "Age of the file served by the feed behind the longest (0: none behind)",
                found.oldest_seconds,
            ),
            ("shelfcast_feeds_failing", "Feeds whose latest build failed", len(found.failing)),
        ):
            gauge = GaugeMetricFamily(name, help_text)
            gauge.add_metric([], value)
            yield gauge


class FetchCounter:
    """ASGI middleware counting the answers to feed links (``/f/...``) by status."""

    def __init__(self, app: ASGIApp, metrics: Callable[[], Metrics | None]) -> None:
        self.app = app
        self._metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(LINK_PREFIX):
            await self.app(scope, receive, send)
            return

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                metrics = self._metrics()
                if metrics is not None:
                    metrics.fetches.labels(scope["method"], str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counting_send)
