"""``shelfcast serve`` as a user runs it, in a subprocess on a free port of 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def wait_for_port(
    port: int, timeout: float, process: subprocess.Popen[bytes] | None = None
) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            return False
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


def shelfcast_command() -> list[str]:
    script = Path(sys.executable).parent / "shelfcast"
    if script.exists():
        return [str(script)]
    found = shutil.which("shelfcast")
    return [found] if found else [sys.executable, "-m", "shelfcast.cli.main"]


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"


@contextmanager
def running_shelfcast(
    database_url: str,
    data_dir: Path,
    log_path: Path,
    *,
    accel_redirect_prefix: str | None = None,
    port: int | None = None,
) -> Iterator[Server]:
    """``shelfcast serve`` (one worker, fetch log on) until the block ends."""
    port = port or free_port()
    env = {
        **os.environ,
        "SHELFCAST_DATABASE_URL": database_url,
        "SHELFCAST_DATA_DIR": str(data_dir),
        "SHELFCAST_BASE_URL": f"http://{HOST}:{port}",
        "SHELFCAST_SECRET_KEY": "bench-only-secret",
        "SHELFCAST_FETCH_LOG": "true",
    }
    env.pop("SHELFCAST_ACCEL_REDIRECT_PREFIX", None)
    if accel_redirect_prefix:
        env["SHELFCAST_ACCEL_REDIRECT_PREFIX"] = accel_redirect_prefix
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [*shelfcast_command(), "serve", "--host", HOST, "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        if not wait_for_port(port, 60, process):
            raise RuntimeError(f"shelfcast serve did not start; see {log_path}")
        yield Server(process, port)
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
