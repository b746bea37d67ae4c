"""The one address policy for outgoing fetches: may the importer connect to this IP address?

An IPv6 address can carry an IPv4 address that the network delivers to: IPv4-mapped (``::ffff:a.b.c.d``),
IPv4-translated (``::ffff:0:a.b.c.d``, SIIT), IPv4-compatible (``::a.b.c.d``), NAT64 (``64:ff9b::a.b.c.d``),
6to4 (``2002:AABB:CCDD::/48``) and Teredo (``2001:0::/32``, server and XOR-ed client). Python's
``is_global`` looks at the IPv6 form only (``64:ff9b::a00:1`` is "global" although it reaches 10.0.0.1), so
the embedded IPv4 address is unwrapped first and judged by the IPv4 rules. Site-local ``fec0::/10``
(deprecated, still routed inside some networks) and the local-use NAT64 prefix ``64:ff9b:1::/48`` (its
mapping is the operator's choice) are never public.
"""

from __future__ import annotations

import ipaddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_IPV4_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_TEREDO = ipaddress.IPv6Network("2001::/32")
_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")
_LOW_32 = 0xFFFFFFFF


def embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address delivers to (both ends of a Teredo address), or ``[]``."""
    if ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]
    if ip in _IPV4_TRANSLATED or ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        # ::/96 less :: (unspecified) and ::1 (loopback), which are IPv6's own.
        return [ipaddress.IPv4Address(int(ip) & _LOW_32)]
    if ip in _SIX_TO_FOUR:
        return [ip.sixtofour]
    if ip in _TEREDO:
        server, client = ip.teredo
        return [server, client]
    return []


def _ipv4_allowed(ip: ipaddress.IPv4Address, *, allow_private: bool) -> bool:
    if ip.is_unspecified or ip.is_multicast or ip.is_reserved:  # 240/4 holds the broadcast
        return False
    if int(ip) >> 24 == 0:  # 0.0.0.0/8, "this network": reaches the local host on Linux
        return False
    return allow_private or ip.is_global


def address_allowed(address: str | IPAddress, *, allow_private: bool) -> bool:
    """May we connect to this IP address? Only public ones, unless private ones are allowed.

    Unspecified, multicast and reserved addresses are refused even when private ones are allowed.
    Anything that is not an IP address is refused.
    """
    try:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_allowed(ip, allow_private=allow_private)
    embedded = embedded_ipv4(ip)
    if embedded:
        return all(_ipv4_allowed(v4, allow_private=allow_private) for v4 in embedded)
    if ip.is_unspecified or ip.is_multicast:
        return False
    if allow_private:
        return True
    if ip in _SITE_LOCAL or ip in _NAT64_LOCAL:
        return False
    return ip.is_global
