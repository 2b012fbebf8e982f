"""Decode the raw bytes of an input: UTF-8 (with or without BOM), else a legacy encoding.

Private helper of :mod:`thematiek.corpus`. Reading and write-back share it, so a file is
written back in exactly the encoding it was read with.
"""

from __future__ import annotations

import codecs
import contextlib
import re
from dataclasses import dataclass

from thematiek.errors import CorpusFormatError

# Signatures of common binary formats that people rename to .md or .txt by accident.
_BINARY_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"%PDF-",
    b"PK\x03\x04",
    b"\x1f\x8b\x08",
    b"\x7fELF",
    b"RIFF",
)
_UTF16_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)

# One well-formed UTF-8 multibyte sequence (RFC 3629).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# C0 control characters other than tab, line feed, vertical tab, form feed, carriage return.
_CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")
_LEGACY_CANDIDATES = ("cp1252", "iso8859_15", "latin_1", "mac_roman", "cp850")


@dataclass(frozen=True)
class Decoded:
    """Text decoded from bytes, with the codec that reproduces those bytes."""

    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def decode_bytes(data: bytes, source: str, *, declared: str | None = None) -> Decoded:
    """Decode an input file's bytes.

    UTF-8 first (a BOM gives the codec ``utf-8-sig``); when the bytes are not UTF-8 at all,
    a legacy encoding: ``declared`` (an HTML ``<meta charset>``), else cp1252, the
    Windows superset of latin-1 that Dutch text in the wild uses, else what
    charset-normalizer guesses. Either way a warning says so.

    Args:
        data: The raw bytes.
        source: The path, for messages.
        declared: An encoding the document itself declares, if any.

    Returns:
        The text, the codec name and any warnings.

    Raises:
        CorpusFormatError: Binary data, UTF-16, invalid UTF-8 in a UTF-8 file, or no text.
    """
    if data.startswith(_UTF16_BOMS):
        raise CorpusFormatError(source, "file is UTF-16 or UTF-32 text; save it as UTF-8")
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data:
        raise CorpusFormatError(source, "binary file, not text")
    if data.startswith(codecs.BOM_UTF8):
        decoded = Decoded(_decode_utf8(data, source, offset=3), "utf-8-sig")
    else:
        try:
            decoded = Decoded(data.decode("utf-8"), "utf-8")
        except UnicodeDecodeError:
            if _UTF8_MULTIBYTE.search(data):
                _decode_utf8(data, source, offset=0)  # raises with line and byte
            decoded = _decode_legacy(data, declared)
    sample = decoded.text[:65536]
    if len(_CONTROL.findall(sample)) > max(2, len(sample) // 100):
        raise CorpusFormatError(source, "binary file, not text (many control characters)")
    if not decoded.text.strip():
        what = "is empty" if not decoded.text else "contains only whitespace"
        raise CorpusFormatError(source, f"file {what}; there is no text to read")
    return decoded


def _decode_utf8(data: bytes, source: str, *, offset: int) -> str:
    try:
        return data[offset:].decode("utf-8")
    except UnicodeDecodeError as exc:
        pos = offset + exc.start
        line = data.count(b"\n", 0, pos) + 1
        problem = (
            f"invalid UTF-8 at byte {pos} (0x{data[pos]:02x}) in an otherwise UTF-8 file; "
            "fix or retype that character and save the file as UTF-8"
        )
        raise CorpusFormatError(source, problem, line) from None


def _decode_legacy(data: bytes, declared: str | None) -> Decoded:
    candidates: list[str] = []
    if declared:
        with contextlib.suppress(LookupError):
            candidates.append(codecs.lookup(declared).name)
    candidates.append("cp1252")
    guess = _guess_with_charset_normalizer(data)
    if guess:
        candidates.append(guess)
    candidates.extend(_LEGACY_CANDIDATES)
    for name in candidates:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if text.encode(name) != data:  # write-back must reproduce the bytes exactly
            continue
        warning = (
            f"not UTF-8; read as {name} (a guess): check letters such as ë, é and ’ "
            "and save the file as UTF-8"
        )
        return Decoded(text, name, (warning,))
    # latin_1 decodes and re-encodes every byte string, so this is unreachable.
    raise AssertionError("latin_1 failed to decode")  # pragma: no cover


def _guess_with_charset_normalizer(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:65536]).best()
    if best is None or best.encoding.startswith(("utf_16", "utf_32")):
        return None
    return str(best.encoding)
