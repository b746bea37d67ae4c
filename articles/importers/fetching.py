"""Fetching a URL from a stranger: one validated GET with an overall deadline.

``fetch`` speaks http(s) only, resolves the host itself and refuses any address the one address policy
(``addresses.address_allowed``) refuses, unless ``IMPORT_ALLOW_PRIVATE_URLS``; connects to the address it
checked (no second DNS answer) and checks the peer it is connected to; checks every redirect the same way;
and stops at a size cap and at a deadline that covers the whole fetch — DNS, connect, TLS, every header
line, the body and every redirect. The deadline is enforced twice: each socket operation may wait only for
what is left of it, and a watchdog shuts the socket at the deadline whatever the fetch is blocked in (a
server that sends one header a second never sees a per-read timeout expire).
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from articles.importers.addresses import address_allowed
from articles.importers.records import FetchError

MAX_REDIRECTS = 5
USER_AGENT = "NewsroomImporter/1.0 (+https://github.com/newsroom)"

__all__ = ["MAX_REDIRECTS", "USER_AGENT", "Fetched", "address_allowed", "fetch", "fetch_resource"]


@dataclass(frozen=True)
class Fetched:
    """What a fetch got: the body, the final answer's ``Content-Type`` and the URL it came from."""

    body: bytes
    content_type: str = ""
    url: str = ""

    @property
    def charset(self) -> str:
        """The ``charset`` parameter of the Content-Type, lower case, or ""."""
        if not self.content_type:
            return ""
        message = Message()
        message["Content-Type"] = self.content_type
        return (message.get_content_charset() or "").strip()


class _Deadline:
    """The end of the whole fetch, and a watchdog that shuts the current socket when it comes."""

    def __init__(self, seconds: float, url: str) -> None:
        self.seconds = seconds
        self.url = url
        self.end = time.monotonic() + seconds
        self.expired = threading.Event()
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def error(self) -> FetchError:
        return FetchError(f"下載逾時（整體時限 {self.seconds:g} 秒）：{self.url[:100]}")

    def remaining(self) -> float:
        """Seconds left; raise the timeout once there are none."""
        left = self.end - time.monotonic()
        if left <= 0 or self.expired.is_set():
            raise self.error()
        return left

    def watch(self, sock: socket.socket) -> None:
        """From now on the watchdog shuts ``sock`` at the deadline."""
        with self._lock:
            self._sock = sock
        if self.expired.is_set():
            self._shutdown(sock)

    def _expire(self) -> None:
        self.expired.set()
        with self._lock:
            sock = self._sock
        if sock is not None:
            self._shutdown(sock)

    @staticmethod
    def _shutdown(sock: socket.socket) -> None:
        try:
            # The plain socket's shutdown, also for a TLS socket: wakes a blocked read without touching SSL state.
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        except OSError:
            pass

    def cancel(self) -> None:
        self._timer.cancel()


def _resolve(host: str, port: int, *, allow_private: bool, deadline: _Deadline) -> str:
    """The address to connect to: every address the name resolves to must be allowed.

    The lookup runs in a helper thread so that a stalled resolver costs at most what is left of the deadline.
    """
    answer: dict[str, object] = {}

    def lookup() -> None:
        try:
            answer["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            answer["error"] = exc

    worker = threading.Thread(target=lookup, daemon=True)
    worker.start()
    worker.join(deadline.remaining())
    if worker.is_alive():
        raise deadline.error()
    if "error" in answer:
        raise FetchError(f"找不到主機 {host}：{answer['error']}")
    addresses = [info[4][0] for info in answer["infos"]]  # type: ignore[union-attr]
    for address in addresses:
        if not address_allowed(address, allow_private=allow_private):
            raise FetchError(
                f"拒絕連線到內部或保留位址：{host} → {address}（需要時可設定 IMPORT_ALLOW_PRIVATE_URLS）"
            )
    if not addresses:
        raise FetchError(f"找不到主機 {host}")
    return addresses[0]


def _connect(address: tuple[str, int], timeout: float, *, allow_private: bool) -> socket.socket:
    """A socket connected to ``address``, whose peer the address policy accepts."""
    sock = socket.create_connection(address, timeout=timeout)
    try:
        peer = sock.getpeername()[0]
    except OSError:
        sock.close()
        raise
    if not address_allowed(peer, allow_private=allow_private):
        sock.close()
        raise FetchError(f"拒絕連線到內部或保留位址：{peer}（需要時可設定 IMPORT_ALLOW_PRIVATE_URLS）")
    return sock


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address we checked, whatever a second DNS lookup would say, under the deadline."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float, deadline: _Deadline,
                 allow_private: bool) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address
        self._deadline = deadline
        self._allow_private = allow_private

    def _open(self) -> socket.socket:
        timeout = min(self.timeout, self._deadline.remaining())
        sock = _connect((self._address, self.port), timeout, allow_private=self._allow_private)
        self._deadline.watch(sock)
        return sock

    def connect(self) -> None:
        self.sock = self._open()


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT

    def connect(self) -> None:
        sock = self._open()
        self.sock = ssl.create_default_context().wrap_socket(sock, server_hostname=self.host)
        self._deadline.watch(self.sock)


def _checked_url(url: str):
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise FetchError(f"只接受 http 或 https 網址：{url[:100]}")
    if not parts.hostname:
        raise FetchError(f"網址沒有主機名稱：{url[:100]}")
    if parts.username or parts.password:
        raise FetchError("網址不能含有帳號或密碼")
    try:
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise FetchError(f"網址的連接埠無效：{url[:100]}") from None
    return parts


def fetch(url: str, *, max_bytes: int | None = None, timeout: float | None = None,
          deadline: float | None = None, allow_private: bool | None = None, accept: str = "*/*") -> bytes:
    """GET ``url`` safely (see the module docstring) and return the body; raise ``FetchError`` otherwise."""
    return fetch_resource(url, max_bytes=max_bytes, timeout=timeout, deadline=deadline,
                          allow_private=allow_private, accept=accept).body


def fetch_resource(url: str, *, max_bytes: int | None = None, timeout: float | None = None,
                   deadline: float | None = None, allow_private: bool | None = None,
                   accept: str = "*/*") -> Fetched:
    """GET ``url`` safely and return the body with its Content-Type; raise ``FetchError`` otherwise.

    ``timeout`` (default ``IMPORT_FETCH_TIMEOUT``) bounds each socket operation; ``deadline`` (default three
    times ``timeout``) bounds the whole fetch, redirects included.
    """
    max_bytes = max_bytes or settings.IMPORT_FETCH_MAX_BYTES
    timeout = timeout or settings.IMPORT_FETCH_TIMEOUT
    if allow_private is None:
        allow_private = settings.IMPORT_ALLOW_PRIVATE_URLS
    clock = _Deadline(deadline or 3 * timeout, url)
    try:
        return _fetch(url, max_bytes=max_bytes, timeout=timeout, clock=clock, allow_private=allow_private,
                      accept=accept)
    finally:
        clock.cancel()


def _fetch(url: str, *, max_bytes: int, timeout: float, clock: _Deadline, allow_private: bool,
           accept: str) -> Fetched:
    for _ in range(MAX_REDIRECTS + 1):
        parts = _checked_url(url)
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        address = _resolve(parts.hostname, port, allow_private=allow_private, deadline=clock)
        connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        connection = connection_class(parts.hostname, port, address=address, timeout=timeout, deadline=clock,
                                      allow_private=allow_private)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", target, headers={
                "User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity",
            })
            response = connection.getresponse()
            clock.remaining()  # headers that arrived just as the watchdog fired
            if response.status in (301, 302, 303, 307, 308):
                location = (response.getheader("Location") or "").strip()
                if not location:
                    raise FetchError(f"HTTP {response.status} 轉址卻沒有 Location：{url[:100]}")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}：{url[:100]}")
            declared = response.getheader("Content-Length") or ""
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(f"檔案太大（{int(declared):,} bytes，上限 {max_bytes:,}）：{url[:100]}")
            body = _read_capped(response, max_bytes=max_bytes, clock=clock, url=url)
            return Fetched(body, response.getheader("Content-Type") or "", url)
        except (OSError, http.client.HTTPException) as exc:
            if clock.expired.is_set():
                raise clock.error() from None
            raise FetchError(f"下載失敗：{url[:100]}：{exc or type(exc).__name__}") from None
        finally:
            connection.close()
    raise FetchError(f"轉址超過 {MAX_REDIRECTS} 次：{url[:100]}")


def _read_capped(response: http.client.HTTPResponse, *, max_bytes: int, clock: _Deadline, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        clock.remaining()
        chunk = response.read1(64 * 1024)
        if not chunk:
            clock.remaining()  # an end of data the watchdog caused is a timeout, not a short body
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"檔案太大（超過 {max_bytes:,} bytes）：{url[:100]}")
        chunks.append(chunk)
