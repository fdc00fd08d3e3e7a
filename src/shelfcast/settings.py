"""Settings from ``SHELFCAST_*`` environment variables (or a ``.env`` file)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="SHELFCAST_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default="sqlite:///./shelfcast.db",
        description="SQLAlchemy URL; sqlite:///... or postgresql+psycopg://...",
    )
    data_dir: Path = Field(default=Path("./data"), description="Built feed files and local data")
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="Public address feed links are built with"
    )
    secret_key: str | None = Field(
        default=None, description="Signs sessions; required outside the demo"
    )

    link_wait_seconds: float = Field(
        default=10.0,
        ge=0,
        description="How long a link request may wait for the build of the newest version "
        "when that build is expected to finish within this bound (from the last build's "
        "duration); otherwise, e.g. while a build of an older version runs under a stream "
        "of writes, it is answered at once with the newest complete file",
    )
    superseded_file_grace_seconds: float = Field(
        default=60.0,
        ge=0,
        description="How long a feed file stays on disk after a newer version replaced it, "
        "for requests (and nginx) that chose it a moment before",
    )
    rebuild_on_start: bool = Field(
        default=True,
        description="At start, queue every feed whose file is behind its data or missing "
        "(after a crash or a restore)",
    )
    sweep_seconds: float = Field(
        default=600.0,
        gt=0,
        description="How often the files of deleted feeds are looked for and removed",
    )
    shutdown_grace_seconds: float = Field(
        default=10.0,
        ge=0,
        description="serve: how long open requests may finish after SIGTERM before the "
        "server stops anyway",
    )
    first_build_wait_seconds: float = Field(
        default=300.0,
        ge=0,
        description="How long the first request of a new feed waits for its build",
    )
    fetch_log: bool = Field(default=True, description="Record every fetch of a feed link")
    accel_redirect_prefix: str | None = Field(
        default=None,
        pattern=r"^/(.*/)?$",
        description="Behind nginx (deploy/nginx/shelfcast.conf): a link's 200 answer carries "
        "no body but 'X-Accel-Redirect: <prefix><feed id>/<file>', and nginx sends the "
        "built file from its internal location aliasing <data_dir>/feeds/ (e.g. "
        "/_feedfiles/). Unset, the app sends the bytes itself",
    )

    storage_url: str | None = Field(
        default=None,
        description="Where built files live: unset for the data folder, file:///path for "
        "another folder, s3://bucket/prefix for S3-compatible object storage (credentials "
        "from AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or any way boto3 finds them)",
    )
    build_jobs: bool = Field(
        default=False,
        description="PostgreSQL only: feed builds are procrastinate jobs that `shelfcast "
        "worker` processes run; web processes only enqueue (see deploy/README.md)",
    )
    jobs_requeue_seconds: int = Field(
        default=60,
        ge=1,
        description="Build jobs: how often feeds whose file is behind are queued again",
    )
    jobs_stalled_worker_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Build jobs: a worker silent this long is taken for dead and its "
        "jobs are queued again (it beats every third of this)",
    )
    s3_endpoint_url: str | None = Field(
        default=None,
        description="The S3 endpoint of MinIO, Ceph, SeaweedFS... (unset for AWS S3)",
    )
    s3_region: str = Field(default="us-east-1", description="The S3 region")
    s3_timeout_seconds: float = Field(
        default=5.0, gt=0, description="Connect and read timeout of each S3 request"
    )
    s3_url_seconds: int = Field(
        default=300,
        ge=1,
        le=604800,
        description="How long the signed URL a link hands nginx (X-Accel-Redirect) stays valid",
    )

    @property
    def public_base_url(self) -> str:
        return self.base_url.rstrip("/")
