"""Readers for imports: JSON (the format in DESIGN.md), RSS 2.0 and Atom files or feeds -> plain records.

Nothing here touches the database. Each reader returns, in file order, a ``Record`` for every
record it could understand and a ``Failure`` (file, position, reason) for every one it could not,
so one bad record never hides the others. The write path is ``articles.services.imports``.

Feeds come from strangers, so:

* Feed bytes are decoded first (``decoding``: byte order mark, UTF-16/32 without one, HTTP charset, XML
  declaration; GBK as GB18030, Big5 as cp950 or Big5-HKSCS) and reach the XML parsers as UTF-8.
* Whatever goes wrong while one file or URL is read fails that document alone (``iter_documents``).
* XML is parsed by defusedxml first; a document it refuses (entity declarations: billion laughs,
  external entities / XXE) never reaches feedparser, which then only ever sees the bytes, never a
  string it might take for a URL or a file name.
* ``fetch`` speaks http(s) only, resolves the host itself and refuses private, loopback,
  link-local and other non-public addresses (unless ``IMPORT_ALLOW_PRIVATE_URLS``) by one policy
  (``addresses``: IPv6 forms that carry an IPv4 address are judged by that address), connects to the
  address it checked (no second DNS answer) and checks the peer, checks every redirect the same way,
  and stops at a size cap and at one deadline for the whole fetch.
* Image paths must stay inside the import file's folder.

Modules: ``records`` (Record, Failure, errors, field checks), ``jsonfile`` (JSON), ``feeds`` (RSS and
Atom), ``decoding`` (bytes to text), ``addresses`` (the address policy), ``fetching`` (safe http(s) GET),
``files`` (files, folders and URLs; record images). Import the public names from here.
"""

from articles.importers.addresses import address_allowed
from articles.importers.feeds import read_feed
from articles.importers.fetching import MAX_REDIRECTS, USER_AGENT, Fetched, fetch, fetch_resource
from articles.importers.files import (
    FILE_SUFFIXES,
    Document,
    image_bytes,
    import_files,
    iter_documents,
    iter_items,
    max_file_bytes,
    read_bytes,
    read_path,
    read_url,
)
from articles.importers.jsonfile import read_json
from articles.importers.records import (
    LANGUAGES,
    MAX_GUID_LENGTH,
    MAX_SOURCE_URL_LENGTH,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    MAX_URL_LENGTH,
    Failure,
    FetchError,
    ImageRef,
    Invalid,
    Item,
    Record,
    SourceRef,
    check_url,
    max_body_bytes,
    normalise_language,
    parse_datetime,
    plain_text,
)

__all__ = [
    "FILE_SUFFIXES",
    "LANGUAGES",
    "MAX_GUID_LENGTH",
    "MAX_REDIRECTS",
    "MAX_SOURCE_URL_LENGTH",
    "MAX_TAGS",
    "MAX_TAG_LENGTH",
    "MAX_URL_LENGTH",
    "USER_AGENT",
    "Document",
    "Failure",
    "FetchError",
    "Fetched",
    "ImageRef",
    "Invalid",
    "Item",
    "Record",
    "SourceRef",
    "address_allowed",
    "check_url",
    "fetch",
    "fetch_resource",
    "image_bytes",
    "import_files",
    "iter_documents",
    "iter_items",
    "max_body_bytes",
    "max_file_bytes",
    "normalise_language",
    "parse_datetime",
    "plain_text",
    "read_bytes",
    "read_feed",
    "read_json",
    "read_path",
    "read_url",
]
