"""Whether a marketplace can reach the links built with ``SHELFCAST_BASE_URL``.

A link on ``http://127.0.0.1:8000`` or ``http://192.168.1.20`` works in the
merchant's own browser and nowhere else: a marketplace fetches from the
internet, so the window says so (and points to the README's deployment section).
"""

from __future__ import annotations

import ipaddress
from enum import StrEnum
from urllib.parse import urlsplit


class Reach(StrEnum):
    PUBLIC = "public"
    LOOPBACK = "loopback"  # this computer only
    PRIVATE = "private"  # a local network only


_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def link_reach(base_url: str) -> Reach:
    host = (urlsplit(base_url.strip()).hostname or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return Reach.LOOPBACK
    if host.endswith(_LOCAL_SUFFIXES) or ("." not in host and ":" not in host):
        return Reach.PRIVATE  # a name only a local network resolves
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return Reach.PUBLIC
    if address.is_loopback or address.is_unspecified:
        return Reach.LOOPBACK
    if address.is_private or address.is_link_local or address.is_reserved:
        return Reach.PRIVATE
    return Reach.PUBLIC
