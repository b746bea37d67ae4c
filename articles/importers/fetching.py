"""Fetching a URL from a stranger.

``fetch`` speaks http(s) only, resolves the host itself and refuses private, loopback,
link-local and other non-public addresses (unless ``IMPORT_ALLOW_PRIVATE_URLS``), connects to the
address it checked (no second DNS answer), checks every redirect the same way, and stops at a
size cap and a deadline.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from articles.importers.records import FetchError

MAX_REDIRECTS = 5
USER_AGENT = "NewsroomImporter/1.0 (+https://github.com/newsroom)"


def address_allowed(address: str, *, allow_private: bool) -> bool:
    """May we connect to this IP address? Only public ones, unless private ones are allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_unspecified or ip.is_multicast:
        return False
    return allow_private or ip.is_global


def _resolve(host: str, port: int, *, allow_private: bool) -> str:
    """The address to connect to: every address the name resolves to must be allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"找不到主機 {host}：{exc}") from None
    addresses = [info[4][0] for info in infos]
    for address in addresses:
        if not address_allowed(address, allow_private=allow_private):
            raise FetchError(
                f"拒絕連線到內部或保留位址：{host} → {address}（需要時可設定 IMPORT_ALLOW_PRIVATE_URLS）"
            )
    if not addresses:
        raise FetchError(f"找不到主機 {host}")
    return addresses[0]


def _connect(address: tuple[str, int], timeout: float) -> socket.socket:
    return socket.create_connection(address, timeout=timeout)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the address we checked, whatever a second DNS lookup would say."""

    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = _connect((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self) -> None:
        sock = _connect((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


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
          allow_private: bool | None = None, accept: str = "*/*") -> bytes:
    """GET ``url`` safely (see the module docstring) and return the body; raise ``FetchError`` otherwise.

    ``timeout`` bounds the connect and each read; the whole download gets three times that.
    """
    max_bytes = max_bytes or settings.IMPORT_FETCH_MAX_BYTES
    timeout = timeout or settings.IMPORT_FETCH_TIMEOUT
    if allow_private is None:
        allow_private = settings.IMPORT_ALLOW_PRIVATE_URLS
    deadline = time.monotonic() + 3 * timeout
    for _ in range(MAX_REDIRECTS + 1):
        parts = _checked_url(url)
        https = parts.scheme == "https"
        port = parts.port or (443 if https else 80)
        address = _resolve(parts.hostname, port, allow_private=allow_private)
        connection_class = _PinnedHTTPSConnection if https else _PinnedHTTPConnection
        connection = connection_class(parts.hostname, port, address=address, timeout=timeout)
        try:
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            connection.request("GET", target, headers={
                "User-Agent": USER_AGENT, "Accept": accept, "Accept-Encoding": "identity",
            })
            response = connection.getresponse()
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
            return _read_capped(response, max_bytes=max_bytes, deadline=deadline, url=url)
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"下載失敗：{url[:100]}：{exc or type(exc).__name__}") from None
        finally:
            connection.close()
    raise FetchError(f"轉址超過 {MAX_REDIRECTS} 次：{url[:100]}")


def _read_capped(response: http.client.HTTPResponse, *, max_bytes: int, deadline: float, url: str) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError(f"下載逾時：{url[:100]}")
        chunk = response.read1(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"檔案太大（超過 {max_bytes:,} bytes）：{url[:100]}")
        chunks.append(chunk)
