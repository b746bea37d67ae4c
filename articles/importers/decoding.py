"""Document bytes -> text, by the encoding the document shows or declares, before any parser sees them.

expat (under defusedxml) cannot read multi-byte legacy encodings: a feed declared as GBK or Big5 made it
raise ``ValueError: multi-byte encodings are not supported``. So feeds are decoded here and handed on as
UTF-8 with the XML declaration rewritten to say so. Which encoding, in order (XML 1.0 appendix F, RFC 7303):

1. a byte order mark (UTF-8, UTF-16 LE/BE, UTF-32 LE/BE) — it alone decides;
2. UTF-16 or UTF-32 without a mark, seen in the zero bytes around the first ASCII characters;
3. the HTTP ``charset``, then the XML declaration's ``encoding``, each tried in turn (a server that says
   ``charset=utf-8`` over a GBK file is common), and UTF-8 when neither names one.

Legacy Chinese encodings are read as their supersets: GBK and GB2312 as GB18030; Big5 as cp950 (Big5 with
the Windows additions used in Taiwan), then Big5-HKSCS (Hong Kong's additions). A document no candidate
decodes fails as a whole file, with the reason.
"""

from __future__ import annotations

import codecs
import re

from articles.importers.records import Invalid

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: FF FE 00 00 starts with FF FE
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels Python does not know, as browsers and feed generators write them.
_ALIASES = {
    "x-gbk": "gbk", "x-gb2312": "gb2312", "windows-936": "gbk", "x-euc-cn": "gb2312",
    "x-big5": "big5", "big5-hkscs": "big5hkscs", "windows-950": "cp950", "x-x-big5": "big5",
    "unicode": "utf-16", "x-unicode": "utf-16",
}

# Codecs Python calls text encodings that are no document's character encoding.
_NOT_CHARSETS = {"undefined", "idna", "punycode", "unicode-escape", "raw-unicode-escape", "charmap"}

# Python's canonical codec name -> what to decode it as, in order.
_SUPERSETS = {
    "gbk": ("gb18030",),
    "gb2312": ("gb18030",),
    "gb18030": ("gb18030",),
    "big5": ("cp950", "big5hkscs"),
    "cp950": ("cp950", "big5hkscs"),
    "big5hkscs": ("big5hkscs", "cp950"),
}

_DECLARED = re.compile(rb"""\A\s*<\?xml\b[^>]{0,200}?\bencoding\s*=\s*["']([^"'<>]{1,40})["']""")
_DECLARATION = re.compile(r"""\A\s*<\?xml\b[^>]{0,300}?\?>""")
_ENCODING_ATTRIBUTE = re.compile(r"""\bencoding\s*=\s*(["'])[^"'<>]*\1""")


def sniff(data: bytes) -> tuple[str, int] | None:
    """The encoding a document shows by its first bytes and the length of its mark, or ``None`` (ASCII-like)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    head = data[:4]
    if len(head) == 4:
        zero = [byte == 0 for byte in head]
        if zero == [True, True, True, False]:
            return "utf-32-be", 0
        if zero == [False, True, True, True]:
            return "utf-32-le", 0
        if zero == [True, False, True, False]:
            return "utf-16-be", 0
        if zero == [False, True, False, True]:
            return "utf-16-le", 0
    return None


def declared_encoding(data: bytes) -> str:
    """The ``encoding`` of an ASCII-compatible document's XML declaration, or ""."""
    match = _DECLARED.match(data[:512])
    return match.group(1).decode("ascii", "replace").strip() if match else ""


def _candidates(label: str) -> tuple[str, ...]:
    """The codecs to try for an encoding label; raise ``Invalid`` for a label that names no text encoding."""
    name = label.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        raise Invalid(f"不支援的字元編碼：{label[:40]!r}") from None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_CHARSETS:
        raise Invalid(f"不支援的字元編碼：{label[:40]!r}")
    return _SUPERSETS.get(info.name, (info.name,))


def _ascii_compatible_candidates(labels: list[str]) -> tuple[str, ...]:
    """The codecs to try for these labels in order, UTF-8 if none names one.

    A label for UTF-16 or UTF-32 is ignored here: the document's first bytes showed it is neither. An unknown
    label is skipped when another label is usable.
    """
    codecs_to_try: list[str] = []
    refusal: Invalid | None = None
    for label in filter(None, labels):
        try:
            found = _candidates(label)
        except Invalid as exc:
            refusal = refusal or exc
            continue
        codecs_to_try.extend(c for c in found if not c.startswith(("utf-16", "utf-32", "utf_16", "utf_32")))
    if not codecs_to_try:
        if refusal is not None:
            raise refusal
        codecs_to_try.append("utf-8")
    return tuple(dict.fromkeys(codecs_to_try))


def decode(data: bytes, *, charset: str = "") -> str:
    """The text of a document (without its byte order mark); raise ``Invalid`` when it cannot be decoded.

    ``charset`` is what the transport declared (HTTP ``Content-Type``), if anything.
    """
    shown = sniff(data)
    if shown is not None:
        encoding, mark = shown
        tried: tuple[str, ...] = (encoding,)
    else:
        tried, mark = _ascii_compatible_candidates([charset, declared_encoding(data)]), 0
    body = data[mark:]
    first_error: UnicodeError | None = None
    for codec in tried:
        try:
            return body.decode(codec)
        except UnicodeError as exc:
            first_error = first_error or exc
    names = "、".join(tried)
    position = mark + getattr(first_error, "start", 0) + 1
    raise Invalid(f"無法以宣告或偵測到的編碼（{names}）解碼：第 {position:,} 位元組無效")


def utf8_xml(data: bytes, *, charset: str = "") -> bytes:
    """An XML document re-encoded as UTF-8, its declaration saying so; raise ``Invalid`` when it cannot be."""
    text = decode(data, charset=charset)
    declaration = _DECLARATION.match(text)
    if declaration is not None:
        rewritten = _ENCODING_ATTRIBUTE.sub('encoding="utf-8"', declaration.group(0).lstrip(), count=1)
        text = rewritten + text[declaration.end():]
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid("含有不成對的 Unicode 代理字元") from None
