"""nginx for the benchmarks: the production set-up of ``deploy/nginx/shelfcast.conf``
(nginx in front of ``shelfcast serve`` with X-Accel-Redirect) and, beside it, a bare
server sending the same built files as static files.

nginx runs in the foreground with its own prefix, pid, logs and temp folders in a
temporary directory, and is stopped by its process id.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.servers import wait_for_port

SITE_TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "shelfcast.conf"
STATIC_PREFIX = "/static/"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


def render_site(listen: str, upstream: str, data_dir: Path) -> str:
    """The deploy template with its three variables filled in (as envsubst would)."""
    text = SITE_TEMPLATE.read_text()
    for name, value in (
        ("SHELFCAST_LISTEN", listen),
        ("SHELFCAST_UPSTREAM", upstream),
        ("SHELFCAST_DATA_DIR", str(data_dir.resolve()).rstrip("/")),
    ):
        text = text.replace("${" + name + "}", value)
    return text


def main_config(prefix: Path, site: str, static_port: int | None, data_dir: Path) -> str:
    static = ""
    if static_port is not None:
        static = f"""
    server {{
        listen 127.0.0.1:{static_port};
        sendfile on;
        tcp_nopush on;
        location {STATIC_PREFIX} {{
            alias {data_dir.resolve()}/feeds/;
        }}
    }}"""
    # As root, nginx's workers would run as "nobody", who cannot enter private temp dirs.
    user = "user root;" if os.geteuid() == 0 else ""
    return f"""{user}
worker_processes auto;
daemon off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type application/octet-stream;
    types {{ text/csv csv; }}
    client_body_temp_path {prefix}/client_body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
{site}
{static}
}}
"""


@dataclass
class Nginx:
    process: subprocess.Popen[bytes]
    prefix: Path


@contextmanager
def running_nginx(
    prefix: Path,
    *,
    listen_port: int,
    upstream: str,
    data_dir: Path,
    static_port: int | None = None,
) -> Iterator[Nginx]:
    binary = nginx_binary()
    if binary is None:
        raise RuntimeError("nginx is not installed (apt-get install nginx)")
    prefix.mkdir(parents=True, exist_ok=True)
    site = render_site(f"127.0.0.1:{listen_port}", upstream, data_dir)
    config = prefix / "nginx.conf"
    config.write_text(main_config(prefix, site, static_port, data_dir))
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(config), "-e", str(prefix / "error.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for port in (listen_port, static_port):
            if port is not None and not wait_for_port(port, 10, process):
                raise RuntimeError(f"nginx did not start: {_error_log(prefix)}")
        yield Nginx(process, prefix)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()
        time.sleep(0.1)


def _error_log(prefix: Path) -> str:
    path = prefix / "error.log"
    return path.read_text()[-2000:] if path.exists() else "(no error log)"
