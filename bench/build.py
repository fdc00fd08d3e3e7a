"""One feed build in a process of its own, so its peak memory is the build's own.

    python -m bench.build --database-url URL --data-dir DIR --feed-id 1 [--limit 65535]

Prints one JSON object: ``seconds``, ``rows``, ``bytes`` (of the plain file),
``peak_rss_mb`` (the peak RSS of this process: imports, database connection
and the build; see :func:`peak_rss_mb`) and ``baseline_rss_mb`` (the same just
before the build starts).

Without ``--limit`` the build is the one a link triggers: ``FeedBuilder.build``
(rows streamed from one snapshot, rendered to a temporary file, fsynced, for CSV
a pre-compressed copy too, renamed into place, recorded as published). The data
folder must hold no file of the feed yet, or the builder finds it current.

With ``--render-only``, only ``feeds.render_feed_file`` into a plain file (where
a build's time goes: the rest is fsync, the .gz copy and bookkeeping).

With ``--limit`` (the XLS case: a sheet holds 65,535 data rows under its header)
the same pieces run with the row count capped: ``FileStore.write`` around
``render_feed`` of the feed's plan and its first ``limit`` rows, which is what
``feeds.render_feed_file`` does without the cap.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path
from typing import Any

from shelfcast.db.database import open_database
from shelfcast.db.session import transaction
from shelfcast.feeds import service as feeds
from shelfcast.publish import repository as publish_repo
from shelfcast.publish.builder import FeedBuilder, Outcome
from shelfcast.publish.store import FileStore
from shelfcast.render import render_feed
from shelfcast.render.spec import FileType
from shelfcast.settings import Settings


def peak_rss_mb() -> float:
    """This process's peak resident set size, in MiB.

    ``VmHWM`` of ``/proc/self/status``: the high-water mark of this process's own
    memory. ``getrusage(RUSAGE_SELF).ru_maxrss`` is not that on Linux: it keeps
    the peak of the image the process was forked from across ``exec``, so a build
    started by a 200 MB parent would report at least 200 MB.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def build(
    database_url: str,
    data_dir: Path,
    feed_id: int,
    limit: int | None,
    *,
    render_only: bool = False,
) -> dict[str, Any]:
    database = open_database(Settings(database_url=database_url, data_dir=data_dir))
    store = FileStore(data_dir)
    try:
        baseline = peak_rss_mb()
        started = time.perf_counter()
        if render_only:
            # Where the build's time goes: the render alone, to a plain file.
            path = data_dir / "render-only"
            data_dir.mkdir(parents=True, exist_ok=True)
            with transaction(database.sessions) as session, open(path, "wb") as out:
                feed = feeds.find_feed(session, feed_id)
                rendered = feeds.render_feed_file(session, feed, out)
            return {
                "seconds": time.perf_counter() - started,
                "rows": rendered.rows,
                "bytes": path.stat().st_size,
                "peak_rss_mb": peak_rss_mb(),
                "baseline_rss_mb": baseline,
                "file": str(path),
            }
        if limit is None:
            builder = FeedBuilder(database.engine, database.sessions, database.writes, store)
            result = builder.build(feed_id)
            seconds = time.perf_counter() - started
            if result.outcome is not Outcome.BUILT or result.key is None:
                raise SystemExit(f"build of feed {feed_id}: {result.outcome} {result.error or ''}")
            with database.sessions() as session:
                found = publish_repo.get_build(session, feed_id)
                assert found is not None
                rows = found.published_rows or 0
                file_type = FileType(feeds.find_feed(session, feed_id).file_type)
            key = result.key
        else:
            with transaction(database.sessions) as session:
                feed = feeds.find_feed(session, feed_id)
                found_versions = publish_repo.versions(session, feed_id)
                assert found_versions is not None
                key = found_versions[1]
                file_type = FileType(feed.file_type)
                plan = feeds.plan_feed(session, feed)
                rendered = store.write(
                    feed_id,
                    key,
                    file_type.value,
                    lambda out: render_feed(plan.spec, feeds.raw_rows(session, plan, limit), out),
                    gzipped=file_type is FileType.CSV,
                )
            seconds = time.perf_counter() - started
            rows = rendered.rows
        path = store.path(feed_id, key, file_type.value)
        return {
            "seconds": seconds,
            "rows": rows,
            "bytes": path.stat().st_size,
            "peak_rss_mb": peak_rss_mb(),
            "baseline_rss_mb": baseline,
            "file": str(path),
        }
    finally:
        database.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build one feed; print seconds and peak RSS.")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--feed-id", type=int, required=True)
    parser.add_argument("--limit", type=int, default=None, help="cap the rows (the XLS case)")
    parser.add_argument(
        "--render-only",
        action="store_true",
        help="only feeds.render_feed_file into a file: no fsync, no .gz copy, no publishing",
    )
    args = parser.parse_args(argv)
    result = build(
        args.database_url, args.data_dir, args.feed_id, args.limit, render_only=args.render_only
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
