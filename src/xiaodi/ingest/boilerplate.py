"""Line filters for web copies of reports: site boilerplate (网站模板文字), injected spam (垃圾信息), repeated bodies.

Each filter judges one line (or one sentence) at a time, because a copied page is a stack of lines: the nav bar,
the breadcrumb, the article, the share bar, related links, the footer. Patterns are anchored or length-limited so
that a body paragraph that merely mentions 注册 or 版权 is never dropped.
"""

from __future__ import annotations

import re

# Whole-line boilerplate: anchored at the start, or words no article paragraph uses.
_BOILERPLATE = re.compile(
    "|".join(
        (
            r"^欢迎(?:访问|光临|来到|您)",
            r"站内搜索|全站搜索|^搜索[:：]?$|^请输入关键[字词]",
            r"^(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|所在位置|位置)\s*[:：]",
            r"^分享到|^分享\s*[:：]|一键分享|^扫一扫|^扫描二维码|^扫码",
            r"点击率\s*[:：]|点击数\s*[:：]|浏览次数|阅读次数|阅读量\s*[:：]|浏览量\s*[:：]|^访问量",
            r"上一篇\s*[:：]?|下一篇\s*[:：]?|^上一条|^下一条",
            r"^【?(?:相关链接|相关新闻|相关阅读|相关文章|相关报道|推荐阅读|延伸阅读|热点推荐|猜你喜欢|热门文章|精彩推荐)",
            r"ICP\s*[备证]|公网安备|备案号|经营许可证|广告经营许可|视听节目许可证|新闻信息服务许可|不良信息举报",
            r"版权所有|Copyright|©|All Rights Reserved",
            r"设为首页|加入收藏|收藏本站",
            r"^(?:登录|注册|登录\s*[|｜/]\s*注册|免费注册|退出登录)$",
            r"责任编辑|责编\s*[:：]|^\[?\s*编辑\s*[:：/]|^本[栏版]编辑|^(?:审核|校对|终审|初审|监制|编审|值班编辑)\s*[:：/]",
            r"^【?(?:打印|关闭|打印本页|关闭窗口|打印此文|返回顶部|我要纠错|纠错)】?$",
            r"^(?:字体|字号)\s*[:：]?\s*[【\[]?[大中小]",
            r"^【?(?:关于我们|联系我们|网站地图|网站声明|免责声明|投稿邮箱|广告服务|法律声明|网站简介|隐私政策)",
            r"未经(?:允许|授权|书面授权|许可).{0,12}(?:转载|镜像|使用|复制)|转载目的在于|不代表本网|授权转载",
            r"^原标题\s*[:：]",
            r"^(?:首页|返回首页|网站首页)\s*[>›»]",
            r"^(?:微信|微博|QQ空间|人人网|腾讯微博|新浪微博|豆瓣)(?:\s*[|｜/、]?\s*(?:微信|微博|QQ空间|人人网|腾讯微博|新浪微博|豆瓣))+$",
        )
    ),
    re.I,
)
# A breadcrumb: short segments joined by > with no sentence punctuation ("网站 > 频道 > 正文").
_BREADCRUMB = re.compile(r"^[^。，,；!！?？]{1,24}(?:\s*[>›»]\s*[^。，,；>›»]{0,24}){1,6}$")
# A nav bar: three or more short items separated by | (首页 | 新闻 | 政务 | 登录).
_NAV = re.compile(r"^[^。，,；]{1,8}(?:\s*[|｜]\s*[^。，,；|｜]{1,8}){2,}$")
_RELATED_ITEM = re.compile(r"^[·•●◆▪■□\-*]\s*\S")
_BYLINE = re.compile(
    r"^[(（]?\s*(?:本报记者|本报通讯员|记者|通讯员|作者|撰稿|实习生|文\s*/|文/|摄影|图/|图文)\s*[:：/]?"
)
_META = re.compile(r"^(?:来源|发布时间|发布日期|发表时间|更新时间|时间|日期|作者|发布者|发布人|信息来源)\s*[:：]")
_RELATED_HEADING = re.compile(
    r"^【?(?:相关链接|相关新闻|相关阅读|相关文章|相关报道|推荐阅读|延伸阅读|热点推荐|猜你喜欢)"
)
_LINE_MAX = 160  # boilerplate lines are short; a longer line is a paragraph and is judged by spam rules only


def is_boilerplate(line: str) -> bool:
    """Site furniture (网站模板): nav, breadcrumb, share bar, prev/next, footer, editor credits."""
    if len(line) > _LINE_MAX:
        return False
    if _BOILERPLATE.search(line):
        return True
    if _NAV.match(line):
        return True
    return bool(_BREADCRUMB.match(line)) and not line.startswith(("“", "\""))


_CELL_SEP = re.compile(r"\s*[|｜]\s*")
_NUMBER_CELL = re.compile(r"^\d+(?:\.\d+)?$")


def is_table_header(line: str, next_line: str) -> bool:
    """A table's header row (序号 | 项目名称 | 金额（万元）) looks like a nav bar; the rows under it, with as many
    cells and some of them numbers, show it is a table."""
    cells = _CELL_SEP.split(line)
    if len(cells) < 3:
        return False
    row = _CELL_SEP.split(next_line)
    return len(row) == len(cells) and sum(bool(_NUMBER_CELL.match(c)) for c in row) >= 2


def is_related_heading(line: str) -> bool:
    """相关链接 / 推荐阅读 headings start a list of other articles' titles."""
    return bool(_RELATED_HEADING.match(line))


def is_related_item(line: str) -> bool:
    """An item of a related-links list: bulleted, or a short headline without sentence punctuation."""
    return bool(_RELATED_ITEM.match(line)) or (len(line) <= 36 and not re.search(r"[。；]", line))


def is_byline(line: str) -> bool:
    """记者/通讯员 line: short, starts with the role word, no sentence inside."""
    return len(line) <= 48 and bool(_BYLINE.match(line)) and "。" not in line


def is_meta_line(line: str) -> bool:
    """来源/发布时间 line of the page header."""
    return len(line) <= 120 and (bool(_META.match(line)) or (bool(re.search(r"(?:来源|发布时间)\s*[:：]", line))
                                 and "。" not in line))


# --- spam (垃圾信息) -------------------------------------------------------------------------------------------

# Words no cooperation report uses: gambling, porn, fake invoices, grey services. Weight 2.
_SPAM_STRONG = re.compile(
    r"无码|一区二区|二区三区|在线观看|国产精品|国产高清|久久久|成人视频|成人网站|色情|黄色网站|裸聊|约炮|AV女优|"
    r"博彩|百家乐|娱乐城|真人娱乐|六合彩|时时彩|北京赛车|网上赌场|赌场|棋牌游戏|彩票平台|送彩金|首存|开户即送|"
    r"代开(?:各类|各种)?发票|代开增值税|真票|办证|代孕|私服|外挂|威尼斯人|葡京|金沙娱乐|老虎机|捕鱼游戏|刷单|网赚|日赚|信用卡套现|"
    r"贷款秒批|无抵押贷款|迷药|高仿|澳门(?:赌|娱乐|彩)",
    re.I,
)
# Words that are innocent alone but pile up in ads. Weight 1.
_SPAM_WEAK = re.compile(
    r"国产|高清|亚洲|露脸|天天|加微信|微信号|加QQ|QQ\s*[:：号]?\s*\d{5,}|微信\s*[:：]\s*[A-Za-z0-9_-]{5,}|"
    r"\bvx\b|V信|威信|1[3-9]\d{9}|免费领取|点击进入|官网|注册送|兼职|日结|优惠|https?://|www\.[a-z0-9]",
    re.I,
)
_URL_ONLY = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.I | re.M)


def _with_first_chars(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """Prefix a lookahead of the alternatives' first characters: most positions fail at once instead of trying
    every alternative (Python's re has no multi-literal search)."""
    firsts = {alt[0] for alt in pattern.pattern.split("|") if alt and alt[0] not in "\\(["}
    firsts |= {"w", "W", "h", "H", "Q", "q", "v", "V", "1", "A", "a"}
    cls = "".join(sorted(re.escape(c) for c in firsts))
    return re.compile(f"(?=[{cls}])(?:{pattern.pattern})", pattern.flags)


_SPAM_STRONG = _with_first_chars(_SPAM_STRONG)
_SPAM_WEAK = _with_first_chars(_SPAM_WEAK)


def spam_score(text: str) -> int:
    """Heuristic spam score: strong words count 2, weak words 1; 3 or more is spam."""
    return 2 * len(_SPAM_STRONG.findall(text)) + len(_SPAM_WEAK.findall(text))


def may_contain_spam(text: str) -> bool:
    """One pass over the whole report: without enough spam words anywhere, no line needs judging."""
    return bool(_URL_ONLY.search(text) or _SPAM_STRONG.search(text)) or len(_SPAM_WEAK.findall(text)) >= 3


_BRACKETED = re.compile(r"【[^】\n]{1,80}】|\[[^\]\n]{1,80}\]|[(（][^)）\n]{1,80}[)）]")


def strip_spam(line: str) -> tuple[str, int]:
    """Drop spam from a line: an ad in brackets inside a sentence (…35份【澳门… 注册即送38元】，…) alone, else the
    spam sentences; return what is left and how many pieces were dropped."""
    if _URL_ONLY.match(line):
        return "", 1
    if not (_SPAM_STRONG.search(line) or _SPAM_WEAK.search(line)) or spam_score(line) < 3:
        return line, 0
    dropped = 0

    def cut(m: re.Match[str]) -> str:
        nonlocal dropped
        if spam_score(m.group()) >= 3:
            dropped += 1
            return ""
        return m.group()

    line = _BRACKETED.sub(cut, line)
    if spam_score(line) < 3:
        return line.strip(), dropped
    sentences = re.findall(r"[^。！？!?]+[。！？!?]?", line)
    kept = [s for s in sentences if spam_score(s) < 3]
    return "".join(kept).strip(), dropped + len(sentences) - len(kept)


# --- repeated body (正文重复) ----------------------------------------------------------------------------------

_DUP_MIN = 20  # a line this long repeated word for word is a copy, not a refrain


# The second copy of a body is often re-typeset: half-width punctuation, paragraphs merged or split.
_FULL_WIDTH = ((",", "，"), (";", "；"), (":", "："), ("!", "！"), ("?", "？"), ("(", "（"), (")", "）"))
_DUP_SENTENCE = re.compile(r"[^。！？；]{8,}[。！？；]?")


def _dup_key(line: str) -> str:
    key = "".join(line.split())
    for half, full in _FULL_WIDTH:
        if half in key:
            key = key.replace(half, full)
    return key


def drop_repeated(lines: list[str]) -> tuple[list[str], int]:
    """Collapse a body that appears twice: drop long lines seen before (also when only the punctuation's width
    differs, or when every sentence of the line was seen before in other lines), and short lines (the repeated
    title, subheadings) that sit next to a dropped line and were also seen before. Returns kept lines and the count
    dropped.
    """
    seen: set[str] = set()
    seen_sentences: set[str] = set()
    dup = [False] * len(lines)
    for i, line in enumerate(lines):
        key = _dup_key(line)
        sentences = _DUP_SENTENCE.findall(key) if len(key) >= _DUP_MIN else []
        if len(key) >= _DUP_MIN and (key in seen or (sentences and seen_sentences.issuperset(sentences))):
            dup[i] = True
        seen.add(key)
        seen_sentences.update(sentences)
    short_seen: set[str] = set()
    for i, line in enumerate(lines):
        key = re.sub(r"\s+", "", line)
        if dup[i] or len(key) >= _DUP_MIN:
            continue
        near = (i > 0 and dup[i - 1]) or (i + 1 < len(lines) and dup[i + 1])
        if key in short_seen and near:
            dup[i] = True
        short_seen.add(key)
    kept = [line for line, d in zip(lines, dup, strict=True) if not d]
    return kept, sum(dup)
