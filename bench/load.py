"""Load from Debian's ``wrk`` against 127.0.0.1 only, bounded in time (it stops by itself)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

CONNECTIONS = 32
THREADS = 2
SECONDS = 5

# wrk's own summary is rounded for people; this prints the exact counters.
_SUMMARY_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH-SUMMARY %d %d %d %d %d %d %d %d\\n",
    summary.duration, summary.requests, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


@dataclass(frozen=True)
class LoadResult:
    seconds: float
    requests: int
    bytes: int
    errors: int  # connect, read, write and timeout errors
    bad_status: int  # responses with a status of 400 or more

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def mb_per_s(self) -> float:
        """Megabytes (10^6 bytes) a second, headers included."""
        return self.bytes / self.seconds / 1e6 if self.seconds else 0.0


def wrk_binary() -> str | None:
    return shutil.which("wrk")


def run_wrk(
    url: str,
    *,
    headers: dict[str, str] | None = None,
    connections: int = CONNECTIONS,
    threads: int = THREADS,
    seconds: int = SECONDS,
) -> LoadResult:
    host = urlsplit(url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError(f"load is only ever sent to this machine, not {host}")
    binary = wrk_binary()
    if binary is None:
        raise RuntimeError("wrk is not installed (apt-get install wrk)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_SUMMARY_SCRIPT)
    try:
        command = [
            binary,
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
        ]
        for name, value in (headers or {}).items():
            command += ["-H", f"{name}: {value}"]
        done = subprocess.run(
            [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
        )
    finally:
        Path(script.name).unlink()
    for line in done.stdout.splitlines():
        if line.startswith("BENCH-SUMMARY "):
            duration_us, requests, size, connect, read, write, status, timeout = (
                int(part) for part in line.split()[1:]
            )
            return LoadResult(
                seconds=duration_us / 1e6,
                requests=requests,
                bytes=size,
                errors=connect + read + write + timeout,
                bad_status=status,
            )
    raise RuntimeError(f"wrk printed no summary:\n{done.stdout}\n{done.stderr}")
