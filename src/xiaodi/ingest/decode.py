"""Bytes → text for reports of unknown origin (编码识别): UTF-8, UTF-8 with BOM, UTF-16, GBK/GB18030.

A report arrives as whatever a web page or an office PC saved. Binary files (PDF, Word, images, archives) are refused
with a message that says what they look like, so an office knows to save the report as text first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xiaodi.core.errors import XiaodiError

MAX_BYTES = 5 * 1024 * 1024
"""A news report is a few KB; 5 MB is far beyond any real one, so a larger file is a wrong upload or an archive."""


class IngestError(XiaodiError):
    """A report that cannot be read at all (报道无法读取): empty, binary, too large, undecodable."""

    status = 422
    code = "ingest_failed"


# Magic numbers of the binary formats offices actually upload by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF 文档"),
    (b"PK\x03\x04", "压缩包或 Word/Excel（docx/xlsx）文档"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word/Excel（doc/xls）文档"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
    (b"\x1f\x8b", "gzip 压缩包"),
    (b"{\\rtf", "RTF 文档"),
)


_CONTROL_BYTES = [bytes([b]) for b in range(32) if b not in (9, 10, 12, 13)]


@dataclass
class Decoded:
    """Text and how it was read; ``warnings`` are Chinese notes for the reviewer."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    lossy: bool = False


def check_size(size: int) -> None:
    """Refuse empty and oversized files before reading them (文件大小检查)."""
    if size == 0:
        raise IngestError("文件为空（0 字节），没有可读取的报道内容。", code="empty")
    if size > MAX_BYTES:
        raise IngestError(
            f"文件过大（{size / 1024 / 1024:.1f} MB），超过报道导入上限 {MAX_BYTES // 1024 // 1024} MB；"
            "请只导入报道正文。",
            code="too_large",
        )


def decode_report(data: bytes) -> Decoded:
    """Decode report bytes (解码): BOMs first, then strict UTF-8, then GB18030; binary is refused."""
    check_size(len(data))
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8", "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16", "utf-16")
    utf16 = _sniff_utf16(data)
    if utf16:
        return _strict(data, utf16, utf16)
    _refuse_binary(data)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # GB18030 is a superset of GBK and GB2312: one codec covers all three.
        return Decoded(data.decode("gb18030"), "gb18030", ["文件为 GBK/GB18030 编码，已转换为 UTF-8。"])
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
        return Decoded(text, "utf-8", ["文件编码无法完全识别，部分字符已替换为 �，请核对原文。"], lossy=True)


def _strict(data: bytes, codec: str, name: str) -> Decoded:
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise IngestError(f"文件声明为 {name} 编码，但内容无法按该编码读取（第 {exc.start} 字节）。",
                          code="bad_encoding") from exc
    if name == "utf-8-sig":
        return Decoded(text, name)
    return Decoded(text.lstrip("\ufeff"), name, [f"文件为 {name.upper()} 编码，已转换为 UTF-8。"])


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: ASCII and CJK text leave zero bytes in every other position."""
    sample = data[:4000]
    if len(sample) < 8 or sample.count(0) < len(sample) // 8:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    for codec, zeros, other in (("utf-16-le", odd, even), ("utf-16-be", even, odd)):
        if zeros > len(sample) // 8 and other < zeros // 4:
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                continue
            return codec
    return None


def _refuse_binary(data: bytes) -> None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise IngestError(f"文件是{kind}，不是文本报道；请另存为 .txt 或 .html 后再导入。", code="binary")
    sample = data[:8000]
    controls = sum(sample.count(b) for b in _CONTROL_BYTES)
    # Text has no NUL and almost no control bytes; a few percent means a binary format we do not know by name.
    if b"\x00" in sample or controls > len(sample) * 0.02:
        raise IngestError("文件是二进制格式，不是文本报道；请另存为 .txt 或 .html 后再导入。", code="binary")
