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
        description="How long a link request waits for a running rebuild before it is "
        "answered with the previous complete file",
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
