"""The ``X-Accel-Redirect`` of a link whose file is in object storage.

nginx (deploy/nginx/shelfcast-s3.conf) fetches the object with the presigned
URL and sends it with the app's ETag and encoding, carried in the path because
nginx cannot read the app's answer's headers once it fetches from the store:

    <prefix><ETag without quotes>/<gzip|identity>/<bucket>/<key>?<signature>
"""

from __future__ import annotations

from urllib.parse import urlsplit


def object_redirect(prefix: str, signed_url: str, etag: str, *, gzipped: bool) -> str:
    tag = etag.strip('"')
    if not tag or "/" in tag:
        raise ValueError(f"not an ETag nginx can carry: {etag!r}")
    parts = urlsplit(signed_url)
    encoding = "gzip" if gzipped else "identity"
    return f"{prefix}{tag}/{encoding}{parts.path}?{parts.query}"
