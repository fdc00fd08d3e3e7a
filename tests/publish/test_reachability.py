from __future__ import annotations

import pytest

from shelfcast.publish.reachability import Reach, link_reach


@pytest.mark.parametrize(
    ("base_url", "reach"),
    [
        ("http://127.0.0.1:8000", Reach.LOOPBACK),
        ("http://localhost:8000/", Reach.LOOPBACK),
        ("http://[::1]:8000", Reach.LOOPBACK),
        ("http://0.0.0.0", Reach.LOOPBACK),
        ("http://192.168.1.20", Reach.PRIVATE),
        ("http://10.0.0.5:8080", Reach.PRIVATE),
        ("http://172.20.1.1", Reach.PRIVATE),
        ("http://[fd00::1]", Reach.PRIVATE),
        ("http://shelfcast:8000", Reach.PRIVATE),
        ("http://nas.local", Reach.PRIVATE),
        ("https://feeds.example.com", Reach.PUBLIC),
        ("https://93.184.216.34", Reach.PUBLIC),
    ],
)
def test_links_on_a_local_address_are_not_reachable(base_url: str, reach: Reach) -> None:
    assert link_reach(base_url) is reach
