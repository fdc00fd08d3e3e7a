"""S3-compatible object storage (AWS S3, MinIO, Ceph, SeaweedFS) through boto3.

Settings: ``SHELFCAST_STORAGE_URL=s3://bucket/prefix``, ``SHELFCAST_S3_ENDPOINT_URL``
(unset for AWS), ``SHELFCAST_S3_REGION``; credentials the way every AWS tool
finds them (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, a profile, an
instance role). Write-once is the store's own conditional write
(``If-None-Match: *``), so two workers finishing the same version never
replace each other's object.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from shelfcast.publish.storage.base import StorageKind, StorageUnavailable, StoredObject
from shelfcast.publish.storage.location import StorageLocation
from shelfcast.settings import Settings

_MISSING = {"404", "NoSuchKey", "NotFound"}
_TAKEN = {"412", "PreconditionFailed", "ConditionalRequestConflict"}
SPOOL_BYTES = 8 << 20  # objects up to this size are read into memory, bigger ones spill to disk


class S3Storage:
    kind = StorageKind.S3

    def __init__(self, client: Any, bucket: str, prefix: str, url_seconds: int) -> None:
        self._client = client
        self.bucket = bucket
        self.prefix = prefix
        self.url_seconds = url_seconds

    @classmethod
    def from_settings(cls, location: StorageLocation, settings: Settings) -> S3Storage:
        config = Config(
            # Path-style URLs: what MinIO and SeaweedFS answer, and what nginx proxies.
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            connect_timeout=settings.s3_timeout_seconds,
            read_timeout=settings.s3_timeout_seconds,
            retries={"max_attempts": 2, "mode": "standard"},
        )
        client = boto3.session.Session().client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            config=config,
        )
        return cls(client, location.bucket, location.prefix, settings.s3_url_seconds)

    def _key(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def put(self, name: str, source: Path) -> bool:
        try:
            with open(source, "rb") as body:
                self._client.put_object(
                    Bucket=self.bucket, Key=self._key(name), Body=body, IfNoneMatch="*"
                )
        except ClientError as error:
            if _code(error) in _TAKEN:
                return False
            raise _unavailable("store", name, error) from error
        except BotoCoreError as error:
            raise _unavailable("store", name, error) from error
        return True

    def stat(self, name: str) -> StoredObject | None:
        try:
            head = self._client.head_object(Bucket=self.bucket, Key=self._key(name))
        except ClientError as error:
            if _code(error) in _MISSING:
                return None
            raise _unavailable("look up", name, error) from error
        except BotoCoreError as error:
            raise _unavailable("look up", name, error) from error
        return StoredObject(name, int(head["ContentLength"]), head["LastModified"])

    def open(self, name: str) -> BinaryIO:
        spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115  (returned)
        try:
            self._client.download_fileobj(self.bucket, self._key(name), spool)
        except ClientError as error:
            spool.close()
            if _code(error) in _MISSING:
                raise FileNotFoundError(name) from error
            raise _unavailable("read", name, error) from error
        except BotoCoreError as error:
            spool.close()
            raise _unavailable("read", name, error) from error
        spool.seek(0)
        return cast(BinaryIO, spool)

    def delete(self, name: str) -> None:
        try:
            self._client.delete_object(Bucket=self.bucket, Key=self._key(name))
        except (ClientError, BotoCoreError) as error:
            if isinstance(error, ClientError) and _code(error) in _MISSING:
                return
            raise _unavailable("delete", name, error) from error

    def list(self, prefix: str) -> list[StoredObject]:
        found = []
        try:
            pages = self._client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self._key(prefix)
            )
            for page in pages:
                for item in page.get("Contents", []):
                    name = str(item["Key"]).removeprefix(self.prefix)
                    found.append(StoredObject(name, int(item["Size"]), item["LastModified"]))
        except (ClientError, BotoCoreError) as error:
            raise _unavailable("list", prefix, error) from error
        return found

    def check(self) -> None:
        try:
            self._client.head_bucket(Bucket=self.bucket)
        except (ClientError, BotoCoreError) as error:
            raise StorageUnavailable(
                f"object storage bucket {self.bucket!r} is not reachable: {error}"
            ) from error

    def proxy_url(self, name: str) -> str:
        """A presigned GET of the object, valid ``s3_url_seconds``: nginx fetches it."""
        return str(
            self._client.generate_presigned_url(
                "get_object",
                Params={"Bucket": self.bucket, "Key": self._key(name)},
                ExpiresIn=self.url_seconds,
            )
        )


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def _unavailable(action: str, name: str, error: Exception) -> StorageUnavailable:
    return StorageUnavailable(f"object storage: could not {action} {name}: {error}")
