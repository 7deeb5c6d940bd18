"""Which text encoding a source file uses: UTF-8 (with or without BOM) or GB18030/GBK.

Regulators' exports are UTF-8 or GBK (Excel's "CSV" on a Chinese Windows). The sample is tried as
UTF-8 first (strict); otherwise charset-normalizer decides, preferring the GB family whenever it
is among the candidates, because a short Chinese GBK sample is also plausible Big5 or EUC.
"""

from __future__ import annotations

import codecs
import contextlib
from pathlib import Path

import charset_normalizer

from linkrisk.errors import SourceFileError

SAMPLE_BYTES = 1 << 20  # enough lines to see non-ASCII text in the first rows of any export
DETECT_BYTES = 1 << 16  # charset-normalizer's cost grows with the sample; 64 KiB decides well
GB_FAMILY = frozenset({"gb18030", "gbk", "gb2312", "cp936", "hz"})
BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_sample(path: Path) -> bytes:
    """The first MiB of the file, cut after its last complete line."""
    try:
        with path.open("rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
            more = bool(fh.read(1))
    except FileNotFoundError:
        raise SourceFileError(f"{path}: the file does not exist") from None
    except IsADirectoryError:
        raise SourceFileError(f"{path}: is a directory, not a data file") from None
    except OSError as exc:
        raise SourceFileError(f"{path}: the file cannot be read ({exc.strerror})") from None
    if not sample.strip():
        raise SourceFileError(f"{path}: the file is empty")
    if more and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]
    return sample


def canonical_name(encoding: str) -> str:
    """Python's name for an encoding ("GBK" → "gbk", "UTF8" → "utf-8"); unknown → error."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise SourceFileError(
            f"unknown text encoding {encoding!r} (try utf-8 or gb18030)"
        ) from None
    return "utf-8" if name == "utf-8-sig" else name


def _decodes(sample: bytes, encoding: str) -> UnicodeDecodeError | None:
    try:
        codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
    except UnicodeDecodeError as exc:
        return exc
    return None


def _mostly_decodes(sample: bytes, encoding: str) -> bool:
    """All but a few lines decode (one, or one in a hundred): a file with a damaged line or a
    line pasted from another encoding, whose other rows can still load (the loader rejects
    the damaged ones)."""
    if encoding.startswith("utf-16"):
        return False  # lines cannot be split on a byte
    lines = [line for line in sample.split(b"\n") if line.strip()]
    bad = sum(not _whole(line, encoding) for line in lines[:-1])
    bad += _decodes(lines[-1], encoding) is not None if lines else 0  # may end mid-character
    return bad <= max(1, len(lines) // 100) and bad < len(lines) / 2


def _whole(line: bytes, encoding: str) -> bool:
    try:
        line.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(path: Path, sample: bytes) -> str:
    """The encoding of a text file, from its sample (see the module docstring)."""
    for bom, name in BOMS:
        if sample.startswith(bom):
            return name
    if _decodes(sample, "utf-8") is None:
        return "utf-8"
    results = charset_normalizer.from_bytes(sample[:DETECT_BYTES])
    names = [canonical_name(r.encoding) for r in results]
    if any(n in GB_FAMILY for n in names) and _decodes(sample, "gb18030") is None:
        return "gb18030"
    for name in names:
        if _decodes(sample, name) is None:
            return name
    if _mostly_decodes(sample, "utf-8"):
        return "utf-8"
    raise SourceFileError(
        f"{path}: cannot tell the file's text encoding (it is neither UTF-8 nor GBK/GB18030); "
        "pass the encoding explicitly (--encoding)"
    )


def check_encoding(path: Path, sample: bytes, encoding: str) -> str:
    """A forced encoding, verified on the sample; the error says where it fails."""
    name = canonical_name(encoding)
    problem = _decodes(sample, name)
    if problem is not None and not _mostly_decodes(sample, name):
        guess = ""
        with contextlib.suppress(SourceFileError):
            guess = f"; it looks like {detect_encoding(path, sample)}"
        raise SourceFileError(
            f"{path}: the file is not valid {name} (byte 0x{sample[problem.start]:02x} at offset "
            f"{problem.start} cannot be decoded){guess}"
        )
    return name
