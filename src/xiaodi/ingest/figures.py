"""Clean text → stated figures (报道数字提取): what a report says was achieved, as numbers an office can check.

Rule-based: every number followed by a classifier (个/所/家/项/名/次/元…) is a candidate. Its metric comes from
the noun right after the classifier ("53所高校") or, when the classifier ends the phrase, from the nearest keyword
before the number ("签订合作协议96个"). Keywords only count when the classifier fits them (名 counts people, 所/家
count institutions), which is what keeps "30余名高校科研负责人" from becoming 30 universities. Numbers in short
quotations ("12大基地", "万名学子看朝阳"), ordinals (第11个), ranges (5—10万元) and vague ones (数十亿元) are skipped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from xiaodi.core.numbers import parse_stated_number
from xiaodi.ingest.regions import RegionMention, find_regions, main_region

METRICS: tuple[str, ...] = (
    "universities", "agreements", "projects_signed", "projects_landed", "amount_signed", "funds_in_place", "bases",
    "tech_demand", "talent_demand", "project_demand", "achievements", "positions", "experts", "talents", "students",
    "events", "enterprises", "intents", "investment", "contacts", "projects", "teams",
)  # fmt: skip

# Keyword → metric. Several keywords may end at the same place; the longest wins (项目合作协议 over 合作协议).
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "universities": ("高校院所", "高等院校", "高等学校", "科研院所", "研究院所", "高职院校", "职业院校", "院所",
                     "高校", "大学", "院校", "科研机构", "学校"),
    "agreements": ("合作协议", "框架协议", "协议", "合同", "备忘录"),
    "projects_signed": ("签约项目", "签订项目", "项目合作协议", "签约合作项目"),
    "projects_landed": ("落地项目", "项目落地", "落地转化项目", "开工项目"),
    "projects": ("科研项目", "研究项目", "项目课题", "合作项目", "课题", "项目"),
    "amount_signed": ("签约金额", "签约资金", "合同金额", "协议金额", "签约额", "合同额", "签约总额"),
    "funds_in_place": ("到位资金", "资金到位", "引入资金", "引进资金", "到位"),
    "investment": ("总投资", "投资额", "投资", "基金", "融资"),
    "bases": ("基地", "工作站", "服务站", "平台", "挂牌", "研究院", "实验室", "工作室", "孵化器"),
    "tech_demand": ("技术需求", "技术难题", "技术攻关需求", "科技需求"),
    "talent_demand": ("人才需求", "用人需求", "用工需求"),
    "project_demand": ("项目需求",),
    "achievements": ("科技成果", "技术成果", "成果", "专利"),
    "positions": ("岗位", "职位"),
    "experts": ("专家", "院士", "教授", "学者", "专家学者", "专家教授", "科研人员", "科技特派员"),
    "talents": ("博士", "硕士", "研究生", "人才", "高层次人才", "博士后"),
    "students": ("大学生", "学生", "学子", "毕业生", "实习生", "学员", "本科生", "博士生", "硕士生", "在校生"),
    "events": ("活动", "对接会", "招聘会", "培训", "洽谈会", "座谈会", "论坛", "推介会", "交流会", "宣讲会", "双选会",
               "讲座", "研讨会", "比赛", "大赛"),
    "enterprises": ("企业", "公司", "市场主体"),
    "intents": ("意向", "合作意向", "就业意向", "签约意向"),
    "contacts": ("对接",),
    "teams": ("团队", "科研团队", "服务团", "专家团"),
}  # fmt: skip

# Which classifiers each metric can be counted in; money metrics take 元 only.
_CLASSIFIERS: dict[str, str] = {
    "universities": "所家个", "agreements": "个项份件", "projects_signed": "个项件", "projects_landed": "个项件",
    "projects": "个项件", "bases": "个座家处所", "tech_demand": "项个条", "talent_demand": "人名个",
    "project_demand": "个项", "achievements": "项个件", "positions": "个类", "experts": "名位人",
    "talents": "名位人", "students": "名位人", "events": "次场期个届", "enterprises": "家个户",
    "intents": "人名个项份", "contacts": "次", "teams": "个支",
}  # fmt: skip
_MONEY = frozenset({"amount_signed", "funds_in_place", "investment"})

# A lookahead finds overlapping keywords too (签订项目 and 项目合作协议 share 项目); at each place the longest.
_KEYWORD_RE = re.compile(
    "(?=(" + "|".join(sorted({k for ks in _KEYWORDS.values() for k in ks}, key=len, reverse=True)) + "))"
)
_METRIC_OF = {k: m for m, ks in _KEYWORDS.items() for k in ks}

_NUMBER = re.compile(
    r"(?P<approx>将近|接近|大约|超过|近|约|超|逾)?"
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
    r"(?P<tail>(?:余|多)?[万亿]?(?:余|多)?)"
    r"(?P<cls>人次|亿元|万元|元|个|所|家|项|名|人|位|次|场|座|期|条|件|类|处|份|户|届)"
)
_CLAUSE_END = "，,。；;：:！？!?\n（()）"
# Where a noun phrase after the classifier ends: a verb or preposition starts the predicate.
_PREDICATE = re.compile(
    r"与|和|及|同|跟|签约|签订|签署|达成|作为|参加|参与|开展|走进|提供|发布|在|到|对|进行|来到|亮相|深入|集结|组建|"
    r"联合|调研|选中|被|为|向|共同|共商|入驻|落户|完成|实现|建立|建成|成立|获得|获批|列入|入选|成功|分别|已|先后|"
    r"纷纷|积极|累计|达到|组织|举办|承接|带来|吸引|实施|推动|助力|研学|结对|形成|涉及|覆盖|包括|其中|进驻|前来|"
    r"落地|开工|投产|赴|前往|来到|到场|考察"
)
_PLAN_VERBS = r"(?:建设|新建|建成|引进|实现|完成|新增|签约|签订|投资|举办|开展|培育|打造|推动|组织|达到|于|在|到|用)"
_PLAN = re.compile(
    rf"计划{_PLAN_VERBS}|拟{_PLAN_VERBS}|力争|目标是|目标为|预计|争取|确保|下一步|今后|将(?:建设|新建|打造|引进|实现|达到|完成|新增|签约|签订|培育|推动|"
    r"举办|组织|开展|建成|投入|再|陆续|继续|重点|力争|全力|着力|围绕|以)|到20\d\d年|年底前|年内"
)
_PERIOD = re.compile(
    r"(?:截至|截止|自)?20\d\d年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:以来|至今|上半年|下半年|全年|底|末|初)?"
    r"|今年以来|年初以来|去年以来|近年来|近[两三四五]年|截至目前|截止目前|一年来|目前"
)
_TOTAL = re.compile(r"(?<!公)共(?![建同享赢商筑襄])|累计|总计|合计|总数|总共")
_SHORT_QUOTE = re.compile(r"“[^”\n]{0,20}”|\"[^\"\n]{0,20}\"|‘[^’\n]{0,20}’|《[^》\n]{0,30}》")


@dataclass
class StatedFigure:
    """One stated figure (报道所述数字): ``value`` fully expanded (money in yuan), ``quote`` the sentence it is in."""

    metric: str
    value: Decimal
    unit: str
    approx: str | None
    quote: str
    region: str | None
    period: str | None = None
    is_plan: bool = False
    is_total: bool = False
    part_of: str | None = None
    start: int = 0


# --- context -------------------------------------------------------------------------------------------------


def _sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans: split after 。！？ and at line ends (the quote given for each figure)."""
    spans: list[tuple[int, int]] = []
    for m in re.finditer(r"[^。！？!?\n]+[。！？!?]*", text):
        spans.append((m.start(), m.end()))
    return spans


def _before(text: str, start: int, lo: int) -> str:
    """Text from the start of the clause (or the previous number) up to the figure."""
    i = start
    while i > lo and text[i - 1] not in _CLAUSE_END and text[i - 1] != "、" and not text[i - 1].isdigit():
        i -= 1
    return text[i:start]


def _after(text: str, end: int, hi: int) -> str:
    """Text from the classifier to the end of the clause or the next number."""
    j = end
    while j < hi and text[j] not in _CLAUSE_END and not text[j].isdigit():
        j += 1
    return text[end:j]


def _best_keyword(segment: str, cls: str, *, money: bool, rightmost: bool) -> str | None:
    """The keyword whose metric fits the classifier: rightmost (the head noun) or leftmost; ties go to the longest."""
    best: tuple[int, int, str] | None = None
    for m in _KEYWORD_RE.finditer(segment):
        word = m.group(1)
        metric = _fits(word, cls, money=money)
        if not metric:
            continue
        end = m.start() + len(word)
        key = (end, len(word)) if rightmost else (-m.start(), len(word))
        if best is None or key > best[:2]:
            best = (*key, metric)
    return best[2] if best else None


def _fits(keyword: str, cls: str, *, money: bool) -> str | None:
    metric = _METRIC_OF[keyword]
    if money:
        return metric if metric in _MONEY else None
    if metric in _MONEY:
        return None
    return metric if cls in _CLASSIFIERS.get(metric, "") or (cls == "人次" and metric in {"students", "contacts"}) \
        else None


def _classify(text: str, m: re.Match[str], lo: int, hi: int) -> str | None:
    """Metric of one number: the noun after the classifier, else the keyword before the number."""
    cls = m["cls"]
    money = cls.endswith("元")
    after = _after(text, m.end(), hi)
    before = _before(text, m.start(), lo)
    noun_follows = bool(re.match(r"[\u4e00-\u9fff]", after)) and cls not in "名位人"
    if not money and not noun_follows and (metric := _keyword_ending(before, cls)):
        return _refine_project(metric, before, after)  # "专家教授45名": the noun comes right before the number
    stop = _PREDICATE.search(after)
    # "485人、技术需求24项": a list separator right after the classifier means the noun came before the number
    noun = "" if after.startswith("、") else after[: stop.start()] if stop else after
    if noun and not money:
        if re.match(r".{0,8}?作为.{0,14}基地", after):  # "10个优质企业作为实习实训基地": they are counted as bases
            return "bases"
        metric = _best_keyword(noun, cls, money=money, rightmost=True)
        if metric:
            return _refine_project(metric, _before(text, m.start(), lo), after[len(noun) :])
        if re.match(r"[\u4e00-\u9fff]", noun):
            return None  # a noun we do not count ("7家牵头单位"): never borrow the keyword before it
    if not money and cls in "人名" and "意向" in after:
        return "intents"  # "967人达成回朝就业意向"
    metric = _best_keyword(before, cls, money=money, rightmost=True)
    if money and not metric:  # "设立…基金,首期投放规模5亿元": the money's noun is in the clause before
        metric = _best_keyword(text[max(lo, m.start() - 24) : m.start()], cls, money=True, rightmost=True)
    return _refine_project(metric, before, after) if metric else None


def _keyword_ending(before: str, cls: str) -> str | None:
    """A fitting keyword that ends exactly where the number starts (allowing 共/达/达到/为 in between)."""
    trimmed = re.sub(r"(?:共|共计|达|达到|为|总数|合计)$", "", before)
    best = None
    for m in _KEYWORD_RE.finditer(trimmed):
        word = m.group(1)
        metric = _fits(word, cls, money=False) if m.start() + len(word) == len(trimmed) else None
        if metric and (best is None or len(word) > best[0]):
            best = (len(word), metric)
    return best[1] if best else None


def _refine_project(metric: str, before: str, rest: str) -> str:
    if metric != "projects":
        return metric
    if rest.startswith(("落地", "成功落地", "顺利落地")) or "落地" in before:
        return "projects_landed"
    if re.search(r"签约|签订", before):
        return "projects_signed"
    return metric


def _skip(text: str, m: re.Match[str], quoted: list[tuple[int, int]]) -> bool:
    """Numbers that are not figures: ordinals, ranges, vague, inside names, single 一."""
    s = m.start("num")
    prev = text[s - 1] if s else ""
    if prev in "第数几前+×xX*/这那每各该" or (prev.isascii() and prev.isalnum()):
        return True
    if prev in "—－-~～至到" and s >= 2 and text[s - 2].isdigit():
        return True  # the upper end of a range: 8000—10000元
    nxt = text[m.end("num") : m.end("num") + 1]
    if nxt in "—－-~～":
        return True
    if m["num"] in {"一", "零", "〇"}:
        return True  # 一个基地、一批企业: the article's "a", not a count
    i = bisect_right(quoted, (s, len(text) + 1)) - 1  # the last quotation starting at or before s
    return i >= 0 and quoted[i][0] <= s < quoted[i][1]


def _number(m: re.Match[str]) -> tuple[Decimal, str, str | None] | None:
    written = (m["approx"] or "") + m["num"] + m["tail"] + m["cls"]
    try:
        parsed = parse_stated_number(written)
    except ValueError:
        return None
    unit = m["tail"].replace("余", "").replace("多", "") + m["cls"]
    return parsed.value, unit, parsed.approx


# --- sentence level ------------------------------------------------------------------------------------------


def _region_for(mentions: list[RegionMention], lo: int, start: int, default: str | None) -> str | None:
    inside = [r for r in mentions if lo <= r.start < start and r.level != "province"]
    return inside[-1].name if inside else default


def _period_for(sentence: str) -> str | None:
    found = _PERIOD.findall(sentence)
    return found[-1] if found else None


def extract_figures(text: str, *, default_region: str | None = None) -> list[StatedFigure]:
    """All stated figures in a cleaned report (数字提取), in text order.

    ``default_region`` is used when a sentence names no region; without it the report's most mentioned city or
    county is used. Plans and targets are returned with ``is_plan=True`` so a caller can keep them out of results.
    """
    mentions = find_regions(text)
    report_region = default_region or main_region(text, mentions)
    quoted = [(q.start(), q.end()) for q in _SHORT_QUOTE.finditer(text)]
    figures: list[StatedFigure] = []
    for lo, hi in _sentences(text):
        figures.extend(_sentence_figures(text, lo, hi, mentions, quoted, report_region))
    return figures


def _sentence_figures(text: str, lo: int, hi: int, mentions: list[RegionMention], quoted: list[tuple[int, int]],
                      report_region: str | None) -> list[StatedFigure]:
    sentence = text[lo:hi]
    out: list[StatedFigure] = []
    total_metric: dict[str, StatedFigure] = {}
    for m in _NUMBER.finditer(text, lo, hi):
        if _skip(text, m, quoted):
            continue
        metric = _classify(text, m, lo, hi)
        parsed = _number(m) if metric else None
        if not metric or not parsed:
            continue
        value, unit, approx = parsed
        head = text[lo : m.start()]
        fig = StatedFigure(
            metric=metric, value=value, unit=unit, approx=approx, quote=sentence.strip(),
            region=_region_for(mentions, lo, m.start(), report_region), period=_period_for(head),
            is_plan=_is_plan(text, lo, m.start()), is_total=bool(_TOTAL.search(_before(text, m.start(), lo))),
            start=m.start(),
        )  # fmt: skip
        _link_breakdown(fig, head, lo, total_metric)
        out.append(fig)
    return out


def _is_plan(text: str, lo: int, start: int) -> bool:
    """A plan or target (计划/目标), not a result: a plan word in the figure's clause or the sentence's opening."""
    clause_start = max(text.rfind(c, lo, start) for c in "，,；;") + 1
    opening_end = min([i for c in "，," if (i := text.find(c, lo, start)) >= 0] or [start])
    return bool(_PLAN.search(text, max(lo, clause_start), start) or _PLAN.search(text, lo, opening_end))


def _link_breakdown(fig: StatedFigure, head: str, lo: int, totals: dict[str, StatedFigure]) -> None:
    """A figure after 其中 belongs to the same-metric total stated before it in the sentence (总数与分项)."""
    earlier = totals.get(fig.metric)
    if earlier is not None and "其中" in head[earlier.start - lo :] and fig.value <= earlier.value:
        fig.part_of = fig.metric
        earlier.is_total = True
    elif earlier is None:
        totals[fig.metric] = fig
