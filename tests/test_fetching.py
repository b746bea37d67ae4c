"""The one validated fetch: the address policy (IPv6 transition forms), the peer check, and the overall deadline.

Every server here listens on 127.0.0.1 and stops by itself; nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import pytest

from articles import importers
from articles.importers import FetchError, addresses, fetching
from tests.test_importers import FeedServer, fake_dns, route_all_connections_to

# --- the address policy --------------------------------------------------------------


@pytest.mark.parametrize(("address", "allowed"), [
    # Plain public addresses.
    ("93.184.216.34", True),
    ("2606:2800:220:1:248:1893:25c8:1946", True),
    # NAT64 (64:ff9b::/96) carries its IPv4 address in the low 32 bits.
    ("64:ff9b::a00:1", False),  # 10.0.0.1
    ("64:ff9b::7f00:1", False),  # 127.0.0.1
    ("64:ff9b::a9fe:a9fe", False),  # 169.254.169.254, the cloud metadata service
    ("64:ff9b::5db8:d822", True),  # 93.184.216.34
    # The local-use NAT64 prefix maps as its operator chooses: never public.
    ("64:ff9b:1::a00:1", False),
    ("64:ff9b:1::5db8:d822", False),
    # 6to4 (2002::/16) carries it in bits 16-47.
    ("2002:a00:1::1", False),
    ("2002:7f00:1::", False),
    ("2002:a9fe:a9fe::1", False),
    ("2002:5db8:d822::1", True),
    # Teredo (2001::/32): server in bits 32-63, client XOR-ed in the low 32 bits; both must be public.
    ("2001:0:4136:e378:8000:63bf:f5ff:fffe", False),  # client 10.0.0.1
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # client 127.0.0.1
    ("2001:0:a00:1:8000:63bf:a247:2ddd", False),  # server 10.0.0.1
    ("2001:0:4136:e378:8000:63bf:a247:2ddd", True),  # server 65.54.227.120, client 93.184.216.34
    # IPv4-compatible (::a.b.c.d), IPv4-mapped (::ffff:a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d).
    ("::127.0.0.1", False),
    ("::10.0.0.1", False),
    ("::93.184.216.34", True),
    ("::ffff:127.0.0.1", False),
    ("::ffff:169.254.169.254", False),
    ("::ffff:93.184.216.34", True),
    ("::ffff:0:a00:1", False),
    ("::ffff:0:5db8:d822", True),
    # Site-local (deprecated, still routed inside networks), unique-local, link-local, loopback, unspecified.
    ("fec0::1", False),
    ("feff:ffff::1", False),
    ("fc00::1", False),
    ("fd12:3456::1", False),
    ("fe80::1%eth0", False),
    ("::1", False),
    ("::", False),
    # IPv4 ranges that are not public.
    ("0.1.2.3", False),
    ("100.64.0.1", False),
    ("192.0.2.1", False),
    ("198.18.0.1", False),
    ("240.0.0.1", False),
    ("255.255.255.255", False),
    ("ff02::1", False),
    ("not an address", False),
])
def test_the_address_policy_unwraps_every_ipv6_form_of_an_ipv4_address(address, allowed):
    assert addresses.address_allowed(address, allow_private=False) is allowed
    assert importers.address_allowed is addresses.address_allowed  # one policy, one name


@pytest.mark.parametrize(("address", "allowed"), [
    ("64:ff9b::a00:1", True),
    ("2002:a00:1::1", True),
    ("fec0::1", True),
    ("::1", True),
    ("127.0.0.1", True),
    ("::", False),
    ("0.0.0.0", False),  # noqa: S104 - the address under test, not a bind
    ("::ffff:0.0.0.0", False),
    ("64:ff9b::e000:1", False),  # 224.0.0.1, multicast
    ("ff02::1", False),
])
def test_allowing_private_addresses_still_refuses_unspecified_and_multicast(address, allowed):
    assert addresses.address_allowed(address, allow_private=True) is allowed


@pytest.mark.parametrize("address", ["64:ff9b::a9fe:a9fe", "2002:a00:1::1", "::127.0.0.1", "fec0::1"])
def test_a_name_resolving_to_a_transition_form_is_refused_before_connecting(monkeypatch, settings, address):
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    fake_dns(monkeypatch, {"sneaky.example": [address]})

    def connect(*args, **kwargs):
        raise AssertionError("connected")

    monkeypatch.setattr(fetching, "_connect", connect)
    with pytest.raises(FetchError, match=f"拒絕連線到內部或保留位址：sneaky.example → {address}"):
        importers.fetch("http://sneaky.example/feed.xml")


def test_a_redirect_to_a_nat64_form_of_the_metadata_service_is_refused(monkeypatch, settings):
    settings.IMPORT_ALLOW_PRIVATE_URLS = False
    with FeedServer() as server:
        server.route("/feed.xml", status=302, headers={"Location": "http://[64:ff9b::a9fe:a9fe]/latest/"})
        fake_dns(monkeypatch, {"news.example": ["93.184.216.34"], "64:ff9b::a9fe:a9fe": ["64:ff9b::a9fe:a9fe"]})
        asked = route_all_connections_to(monkeypatch, server)
        with pytest.raises(FetchError, match="64:ff9b::a9fe:a9fe"):
            importers.fetch("http://news.example/feed.xml")
    assert asked == [("93.184.216.34", 80)]


def test_the_connected_peer_is_checked_too():
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        address = ("127.0.0.1", listener.getsockname()[1])
        with pytest.raises(FetchError, match="拒絕連線到內部或保留位址：127.0.0.1"):
            fetching._connect(address, 1, allow_private=False)
        fetching._connect(address, 1, allow_private=True).close()
    finally:
        listener.close()


# --- the overall deadline ------------------------------------------------------------


class TricklingServer:
    """A loopback server that answers slowly: ``mode`` "headers" sends one header line per ``interval``,
    "body" one body byte per ``interval``. It sends at most ``limit`` pieces, then ends on its own."""

    def __init__(self, *, mode: str, interval: float, limit: int = 40) -> None:
        self.mode, self.interval, self.limit = mode, interval, limit
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.sent = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            conn, _ = self.listener.accept()
            with conn:
                conn.settimeout(10)
                conn.recv(65536)
                if self.mode == "headers":
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                    pieces = (f"X-Slow-{n}: y\r\n".encode() for n in range(self.limit))
                else:
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % self.limit)
                    pieces = (b"x" for _ in range(self.limit))
                for piece in pieces:
                    conn.sendall(piece)
                    self.sent += 1
                    time.sleep(self.interval)

    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/feed.xml"

    def __enter__(self) -> TricklingServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.listener.close()
        self.thread.join(15)


@pytest.mark.parametrize("mode", ["headers", "body"])
def test_a_server_trickling_within_every_read_timeout_is_cut_at_the_overall_deadline(mode):
    # Each piece comes well within the 2 s per-read timeout; the whole fetch gets 2.5 s.
    with TricklingServer(mode=mode, interval=0.5) as server:
        started = time.monotonic()
        with pytest.raises(FetchError, match="下載逾時（整體時限 2.5 秒）"):
            importers.fetch(server.url(), timeout=2, deadline=2.5, allow_private=True)
        elapsed = time.monotonic() - started
    assert 2.4 <= elapsed < 3.5
    assert server.sent < 10


def test_one_header_a_second_no_longer_holds_a_fetch_past_its_budget(settings):
    # The reported case: one header per second held a fetch for 30 s against a 6 s budget.
    settings.IMPORT_FETCH_TIMEOUT = 2  # per read; the whole fetch gets three times that
    settings.IMPORT_ALLOW_PRIVATE_URLS = True  # the server is on loopback
    with TricklingServer(mode="headers", interval=1, limit=30) as server:
        started = time.monotonic()
        [failure] = importers.read_url(server.url())
        elapsed = time.monotonic() - started
    assert failure.position == "url" and "下載逾時（整體時限 6 秒）" in failure.reason
    assert elapsed < 7


def test_a_stalled_name_lookup_costs_only_the_deadline(monkeypatch):
    release = threading.Event()

    def getaddrinfo(*args, **kwargs):
        release.wait(10)
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match="下載逾時"):
            importers.fetch("http://slow-dns.example/feed.xml", timeout=1, deadline=0.5)
    finally:
        release.set()
    assert time.monotonic() - started < 1.5


def test_a_fast_server_is_unaffected_by_the_watchdog():
    body = b"<rss/>" * 1000
    with FeedServer() as server:
        url = server.route("/feed.xml", body, headers={"Content-Type": "application/rss+xml; charset=GBK"})
        fetched = fetching.fetch_resource(url, timeout=1, deadline=2, allow_private=True)
    assert fetched.body == body and fetched.charset == "gbk" and fetched.url == url


def test_a_tls_handshake_that_never_ends_is_cut_at_the_deadline():
    listener = socket.create_server(("127.0.0.1", 0))  # accepts, never says a word of TLS
    try:
        url = f"https://127.0.0.1:{listener.getsockname()[1]}/feed.xml"
        started = time.monotonic()
        with pytest.raises(FetchError, match="下載逾時（整體時限 1 秒）"):
            importers.fetch(url, timeout=5, deadline=1, allow_private=True)
        assert time.monotonic() - started < 2
    finally:
        listener.close()
