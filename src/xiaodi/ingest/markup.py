"""HTML page → plain lines (网页转文本), with the stdlib parser: no third-party HTML dependency.

Block elements become line breaks so that the boilerplate filter can judge a nav bar or a footer line by line;
script, style and form controls are dropped whole. The page ``<title>`` and first ``<h1>`` are kept as title hints.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_HTML_HINT = re.compile(r"<\s*(?:!doctype\s+html|html|head|body|div|p|table|br|span|meta|title)\b", re.I)
_SKIP = {"script", "style", "noscript", "template", "iframe", "select", "option", "button", "svg"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "section", "article", "header", "footer", "nav", "h1", "h2",
    "h3", "h4", "h5", "h6", "blockquote", "dd", "dt", "dl", "form", "hr", "aside", "main", "center", "figcaption",
}  # fmt: skip


def looks_like_html(text: str) -> bool:
    """A page, not prose: several tags near the top (an HTML 页面 saved as .html or .txt)."""
    head = text[:4000]
    return bool(_HTML_HINT.search(head)) and head.count("<") >= 3 and head.count(">") >= 3


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.in_title = False
        self.in_h1 = False
        self.title = ""
        self.h1 = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        elif tag in _SKIP:
            self.skip_depth += 1
        elif tag in _BLOCK:
            self.parts.append("\n")
        if tag == "h1":
            self.in_h1 = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag in _SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")
        if tag == "h1":
            self.in_h1 = False

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
            return
        if self.skip_depth:
            return
        if self.in_h1:
            self.h1 += data
        self.parts.append(data)


def html_to_text(page: str) -> tuple[str, str | None]:
    """Return the page's text (one block per line) and its best title hint (h1, else <title>)."""
    parser = _TextExtractor()
    parser.feed(page)
    parser.close()
    text = "".join(parser.parts)
    # Inside a block, source newlines are only layout; the block boundaries above carry the structure.
    text = re.sub(r"[ \t\r\f\v]*\n[ \t\r\f\v]*", "\n", text)
    title = (parser.h1 or parser.title).strip() or None
    if title:
        # <title> is often "文章标题_栏目_网站名"; the article title is the first part.
        title = re.split(r"\s*[_|｜]\s*|\s+-\s+", title)[0].strip() or None
    return text, title
