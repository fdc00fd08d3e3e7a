"""``shelfcast serve`` (one worker) on a free port for a test, with an account's API key."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.web.test_links_serve import START_S, _command, _free_port, _stop, _wait_until_up


@contextmanager
def running_serve(
    database_url: str, tmp_path: Path, **settings: str
) -> Iterator[tuple[subprocess.Popen[bytes], str, str]]:
    """(the process, its base URL, an API key); ``settings`` are ``SHELFCAST_*`` values."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SHELFCAST_DATABASE_URL": database_url,
        "SHELFCAST_DATA_DIR": str(tmp_path / "data"),
        "SHELFCAST_BASE_URL": base_url,
        "SHELFCAST_SECRET_KEY": secrets.token_urlsafe(32),
        # A PostgreSQL test schema holds every test's feeds: no start-up check of them all.
        "SHELFCAST_REBUILD_ON_START": "false",
        **{f"SHELFCAST_{name.upper()}": value for name, value in settings.items()},
    }
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            _command("serve", "--host", "127.0.0.1", "--port", str(port)),
            env=env,
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        created = subprocess.run(
            _command("accounts", "create", "--name", "Served", "--plan", "business"),
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=START_S,
            check=True,
        )
        _wait_until_up(process, base_url, log)
        yield process, base_url, json.loads(created.stdout)["api_key"]
    finally:
        _stop(process)
