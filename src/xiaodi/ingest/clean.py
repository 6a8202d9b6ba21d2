"""Noisy report → clean text (报道清洗).

A report reaches the office as a web copy: traditional characters with pinyin after each one (報(bào)), entity
residue (1+1gt;2), the site's nav bar and footer, the body pasted twice, spam lines injected by a hacked page, and
sometimes mojibake. ``clean_report`` returns the body as simplified text, one paragraph per line, with the title,
date, source and author it states, and a Chinese warning for everything it changed or could not trust.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field

from xiaodi.ingest import boilerplate as bp
from xiaodi.ingest.decode import MAX_BYTES, IngestError, check_size, decode_report
from xiaodi.ingest.markup import html_to_text, looks_like_html
from xiaodi.ingest.t2s import to_simplified

HAN = "\u4e00-\u9fff\u3400-\u4dbf"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"


@dataclass
class CleanedReport:
    """A cleaned report (清洗后的报道): body ``text`` (one paragraph per line) and what the page stated about it."""

    title: str | None
    date: dt.date | None
    source: str | None
    author: str | None
    text: str
    warnings: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    encoding: str = "utf-8"


# --- character level -----------------------------------------------------------------------------------------

# 報(bào): lower-case latin with at least one tone mark, in ASCII or full-width brackets, right after a Han char.
_PINYIN_TONED = re.compile(rf"(?<=[{HAN}])[(（][a-z{_TONED}]{{0,6}}[{_TONED}][a-z{_TONED}]{{0,6}}[)）]")
# A word glossed as a whole: 产学研（chǎn xué yán）— syllables split by spaces, at least one with a tone mark.
_PINYIN_WORD = re.compile(
    rf"(?<=[{HAN}])[(（](?=[^)）\n]{{0,60}}[{_TONED}])[a-z{_TONED}]{{1,7}}(?: [a-z{_TONED}]{{1,7}}){{1,7}}[)）]"
)
# Neutral-tone syllables (的(de)) carry no mark; removed only in a report that is visibly annotated.
_PINYIN_PLAIN = re.compile(rf"(?<=[{HAN}])[(（][a-z]{{1,6}}[)）]")
# An annotation whose "(" was swallowed by mojibake: 胸?fù)
_PINYIN_BROKEN = re.compile(rf"(?<=\?)[a-z{_TONED}]{{1,6}}[)）]")
_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,7}|#x[0-9a-fA-F]{2,6});")
# Residue of an entity whose "&" was lost: 1+1gt;2, AT amp;T, nbsp;
_ENTITY_RESIDUE = re.compile(
    r"(?<![A-Za-z&])(gt|lt|amp|nbsp|quot|apos|ldquo|rdquo|lsquo|rsquo|mdash|ndash|hellip|middot|emsp|ensp|bull);"
)
_RESIDUE_CHARS = {
    "gt": ">", "lt": "<", "amp": "&", "nbsp": " ", "quot": "\"", "apos": "'", "ldquo": "“", "rdquo": "”",
    "lsquo": "‘", "rsquo": "’", "mdash": "—", "ndash": "–", "hellip": "…", "middot": "·", "emsp": " ", "ensp": " ",
    "bull": "•",
}  # fmt: skip
_NUMERIC_RESIDUE = re.compile(r"(?<![&\w])#(\d{2,6});")
# Full-width digits and letters to ASCII so that figures parse; Chinese punctuation is kept as written.
_HALF_WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
               **{0xFF41 + i: 0x61 + i for i in range(26)}, 0xFF05: 0x25, 0x3000: 0x20, 0xA0: 0x20,
               0x200B: None, 0xFEFF: None}  # fmt: skip


def repair_entities(text: str) -> str:
    """Undo HTML escaping, including residue without its ``&`` (实体残留修复): ``1+1gt;2`` → ``1+1>2``."""
    for _ in range(2):  # twice: pages that escaped once too often (&amp;gt;)
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if ";" in text:
        text = _ENTITY_RESIDUE.sub(lambda m: _RESIDUE_CHARS[m.group(1)], text)
        text = _NUMERIC_RESIDUE.sub(lambda m: chr(int(m.group(1))) if int(m.group(1)) < 0x110000 else m.group(), text)
    return text


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove pinyin annotations after Han characters (拼音注音): 報(bào) → 報. Returns text and count removed."""
    text, toned = _PINYIN_TONED.subn("", text)
    if "(" in text or "（" in text:
        text, words = _PINYIN_WORD.subn("", text)
        toned += words
    plain = broken = 0
    if toned >= 3:
        text, plain = _PINYIN_PLAIN.subn("", text)
        text, broken = _PINYIN_BROKEN.subn("", text)
    return text, toned + plain + broken


_NEEDS_HALF_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff05\u3000\xa0\u200b\ufeff]")
_SPACES = re.compile(r"[ \t]+")


def _normalise_chars(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _NEEDS_HALF_WIDTH.search(text):  # translate() is slow; most reports need nothing here
        text = text.translate(_HALF_WIDTH)
    # 237．3亿元: a full-width point between digits is a decimal point
    return re.sub(r"(?<=\d)．(?=\d)", ".", text)


# --- mojibake (乱码) --------------------------------------------------------------------------------------------

_LATIN1_MOJIBAKE = re.compile(r"[\u00c2-\u00ef][\u0080-\u00bf]")  # UTF-8 read as latin-1: æ\x9c\x9d
# UTF-8 read as GBK leaves these rare characters everywhere (、。，“ become 銆 锛 鈥); 锟斤拷 is the classic.
_GBK_MOJIBAKE = re.compile(r"锟斤拷|烫烫烫|屯屯屯|[銆锛鈥鍙鐨浠鏈鍦涓骞]{2}")
_QUESTION_MARKS = re.compile(rf"[{HAN}]\?+(?=[{HAN}“”!])|\?{{2,}}")
_QUESTION_CONTEXT = re.compile(r"[吗呢么嘛吧啊呀谁哪]\?|什么|怎么|如何|为何|为什么|是否|多少")


def detect_mojibake(text: str) -> list[str]:
    """Flag mojibake instead of guessing a repair (乱码检测): each finding is a Chinese warning."""
    found: list[str] = []
    if "\ufffd" in text:
        found.append(f"疑似乱码：含 {text.count(chr(0xFFFD))} 个无法识别的字符（�），原文编码可能有误。")
    if len(_LATIN1_MOJIBAKE.findall(text)) >= 3:
        found.append("疑似乱码：UTF-8 文字被当作 Latin-1 读取（如 æ\\x9c…），请用正确编码重新导出。")
    if len(_GBK_MOJIBAKE.findall(text)) >= 3:
        found.append("疑似乱码：UTF-8 文字被当作 GBK 读取（如 锟斤拷、銆、鈥），请用正确编码重新导出。")
    marks = [m for m in _QUESTION_MARKS.finditer(text) if not _QUESTION_CONTEXT.search(text, max(0, m.start() - 12),
                                                                                        m.end() + 1)]
    if len(marks) >= 2:
        found.append(f"疑似乱码：汉字之间有 {len(marks)} 处问号（?），原文部分字符已损坏，相关数字请核对原文。")
    return found


# --- metadata (标题、日期、来源、作者) ---------------------------------------------------------------------------

_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_SOURCE = re.compile(r"(?:来源|信息来源)\s*[:：]\s*([^\s|｜:：,，]{2,30}+)(?![:：])")
_ROLE = re.compile(r"(本报记者|本报通讯员|记者|通讯员|作者|撰稿|实习生|文\s*/|摄影|图/)\s*[:：/]?")
_LABELS = {"发布者", "时间", "作者", "发布时间", "点击率", "编辑", "日期"}
_TAIL_AUTHORS = re.compile(rf"[(（]\s*([{HAN}]{{2,4}}(?:[、,，\s][{HAN}]{{2,4}}){{0,4}})\s*[)）]$")
_TAIL_SOURCE = re.compile(rf"[(（]\s*([{HAN}]{{2,20}})供稿\s*[)）]$")
_TITLE_END = tuple("。！？；!?;:：,，")


def _parse_date(text: str) -> dt.date | None:
    m = _DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _author_from_byline(line: str) -> str | None:
    """记者 李 鹏 通讯员 曹 飞 → 李鹏 (the reporter, not the correspondent); 本报记者 邢智轩 → 邢智轩."""
    parts = _ROLE.split(line)
    for i in range(1, len(parts) - 1, 2):
        if parts[i].endswith("通讯员") and i + 2 < len(parts):
            continue
        names = parts[i + 1].strip().rstrip("）)").strip()  # "（记者 韦 宁）": the closing bracket is no name
        if not names:
            continue
        tokens = names.split()
        # "李 鹏" is one name spaced for layout; "张三 李四" are two names
        name = "".join(tokens) if all(len(t) == 1 for t in tokens) else "、".join(tokens)
        return name or None
    return None


@dataclass
class _Meta:
    title: str | None = None
    date: dt.date | None = None
    source: str | None = None
    author: str | None = None


def _take_meta(line: str, meta: _Meta) -> bool:
    """Read metadata from a header line; True when the line is metadata only and leaves the body."""
    if bp.is_meta_line(line):
        meta.date = meta.date or _parse_date(line)
        m = _SOURCE.search(line)
        if m and m.group(1) not in _LABELS and not meta.source:
            meta.source = m.group(1)
        return True
    if bp.is_byline(line):
        meta.author = meta.author or _author_from_byline(line)
        return True
    return False


def _take_tail(lines: list[str], meta: _Meta) -> None:
    """Credits at the end: (李家鸣、崔笛洋) names the authors; (某某部供稿) names the source."""
    for line in lines[-3:]:
        if not meta.source and (m := _TAIL_SOURCE.search(line)):
            meta.source = m.group(1)
        elif not meta.author and (m := _TAIL_AUTHORS.search(line)) and len(line) > len(m.group(0)) + 10:
            meta.author = m.group(1)


def _is_title_line(line: str) -> bool:
    return 4 <= len(line) <= 48 and not line.endswith(_TITLE_END) and not line.startswith(("“", "\"", "——", "("))


# --- the whole report ------------------------------------------------------------------------------------------


def _decode(raw: bytes | str, report: CleanedReport) -> str:
    if isinstance(raw, bytes):
        decoded = decode_report(raw)
        report.encoding = decoded.encoding
        report.warnings.extend(decoded.warnings)
        if decoded.lossy:
            report.flags.add("mojibake")
        return decoded.text
    check_size(len(raw.encode("utf-8", errors="replace")) if len(raw) * 3 > MAX_BYTES else len(raw))
    return raw.lstrip("\ufeff")


def _clean_lines(lines: list[str], report: CleanedReport, meta: _Meta) -> list[str]:
    body: list[str] = []
    in_related = False
    dropped_boiler = dropped_spam = 0
    spam_possible = bp.may_contain_spam("\n".join(lines))
    for i, raw_line in enumerate(lines):
        line = _SPACES.sub(" ", raw_line).strip()
        if not line:
            continue
        if bp.is_related_heading(line):
            in_related = True
            dropped_boiler += 1
            continue
        if in_related and bp.is_related_item(line):
            dropped_boiler += 1
            continue
        in_related = False
        if len(body) < 12 and _take_meta(line, meta):
            continue
        if bp.is_boilerplate(line) and not bp.is_table_header(line, _next_line(lines, i)):
            dropped_boiler += 1
            continue
        if spam_possible:
            line, spam = bp.strip_spam(line)
            dropped_spam += spam
        if line:
            body.append(line)
    if dropped_boiler:
        report.flags.add("boilerplate")
    if dropped_spam:
        report.flags.add("spam")
        report.warnings.append(f"已删除 {dropped_spam} 处与报道无关的垃圾信息（广告、赌博、色情等）。")
    return body


def _next_line(lines: list[str], i: int) -> str:
    for line in lines[i + 1 : i + 4]:
        if line.strip():
            return line.strip()
    return ""


# A document number (文号) under the title of an official paper: 皖教秘〔2024〕15号.
_DOC_NUMBER = re.compile(r"^\S{1,12}[〔\[［(（]\d{4}[〕\]］)）]\s*\d{1,4}\s*号$")


def _split_title(body: list[str], meta: _Meta) -> list[str]:
    """The title is the first short line without sentence punctuation, followed by a paragraph."""
    if not body:
        return body
    if meta.title:
        stripped = re.sub(r"\s+", "", meta.title)
        return [line for line in body if re.sub(r"\s+", "", line) != stripped] or body
    if len(body) > 2 and _DOC_NUMBER.match(body[2]) and body[1].startswith("关于") and _is_title_line(body[1]):
        meta.title = body[1]  # 发文机关 / 关于…的通报 / 文号: the second line is the title
        return [body[0], *body[2:]]
    if _is_title_line(body[0]) and (len(body) == 1 or len(body[1]) > len(body[0]) or body[1].startswith("——")
                                    or _DOC_NUMBER.match(body[1])):
        title = body[0]
        rest = body[1:]
        if rest and rest[0].startswith("——") and len(rest[0]) <= 48:
            title += rest[0]
            rest = rest[1:]
        meta.title = title
        return rest
    return body


_HAN = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")


def clean_report(raw: bytes | str, *, filename: str | None = None) -> CleanedReport:
    """Clean one report (报道清洗): decode, de-HTML, repair entities, strip pinyin, 繁→简, drop boilerplate,
    spam and a repeated body, keep title/date/source/author, and flag mojibake in ``warnings``.

    Raises ``IngestError`` when the file cannot be read at all (empty, binary, too large).
    """
    report = CleanedReport(title=None, date=None, source=None, author=None, text="")
    text = _decode(raw, report)
    if not text.strip():
        raise IngestError("文件没有文字内容（只有空白）。", code="empty")
    if not _HAN.search(text):  # a number, a word list or a log file: nothing a reviewer could check figures in
        raise IngestError("文件中没有汉字，不是中文工作报道或新闻；请上传报道正文（.txt 或 .html）。",
                          code="no_chinese")
    meta = _Meta()
    if looks_like_html(text):
        text, meta.title = html_to_text(text)
        report.flags.add("html")
        report.warnings.append("文件是 HTML 网页，已去除标签、只保留文字。")
    text = repair_entities(_normalise_chars(text))
    text, pinyin = strip_pinyin(text)
    if pinyin:
        report.flags.add("pinyin")
        report.warnings.append(f"已去除 {pinyin} 处汉字后的拼音注音。")
    simplified = to_simplified(text)
    if simplified != text:
        report.flags.add("traditional")
        report.warnings.append("原文含繁体字，已转换为简体。")
    body = _clean_lines(simplified.split("\n"), report, meta)
    body, repeated = bp.drop_repeated(body)
    if repeated:
        report.flags.add("duplicate_body")
        report.warnings.append(f"正文重复出现，已去除重复的 {repeated} 段。")
    body = _split_title(body, meta)
    _take_tail(body, meta)
    report.text = "\n".join(body)
    problems = detect_mojibake((meta.title or "") + "\n" + report.text)
    if problems:
        report.flags.add("mojibake")
        report.warnings.extend(problems)
    if not report.text:
        report.warnings.append("清洗后没有正文。")
    report.title, report.date, report.source, report.author = meta.title, meta.date, meta.source, meta.author
    if filename and report.title is None:
        report.warnings.append("未识别到标题。")
    return report
