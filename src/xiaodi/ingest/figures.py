"""Clean text → stated figures (报道数字提取): what a report says was achieved, as numbers an office can check.

Rule-based: every number followed by a classifier (个/所/家/项/名/次/元…) is a candidate. Its metric comes from
the noun right after the classifier ("53所高校") or, when the classifier ends the phrase, from the nearest keyword
before the number ("签订合作协议96个"). Keywords only count when the classifier fits them (名 counts people, 所/家
count institutions), which is what keeps "30余名高校科研负责人" from becoming 30 universities. Numbers in short
quotations ("12大基地", "万名学子看朝阳"), ordinals (第11个), ranges (5—10万元), durations (两个季度) and vague ones
(数十亿元) are skipped.

A number with no noun of its own that is part of an earlier figure ("技术需求115项,其中71项成功揭榜", "已有27项…",
"其中技术攻关类9个") takes the metric of the nearest earlier figure in the same classifier that can contain it, in the
same sentence or the one before it in the paragraph. A figure is a plan when a plan word (计划/力争/将…) stands in its
clause, or earlier in its sentence with no result word (目前/已/累计…) in between, or when the figure is named as a
target ("1万人的目标").
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
    "events", "enterprises", "intents", "investment", "output_value", "contacts", "projects", "teams",
)  # fmt: skip

# Keyword → metric. Several keywords may end at the same place; the longest wins (项目合作协议 over 合作协议).
_KEYWORDS: dict[str, tuple[str, ...]] = {
    "universities": ("高校院所", "高等院校", "高等学校", "科研院所", "研究院所", "高职院校", "职业院校", "院所",
                     "高校", "大学", "院校", "科研机构", "学校"),
    "agreements": ("合作协议", "框架协议", "协议", "合同", "备忘录"),
    "projects_signed": ("签约项目", "签订项目", "项目合作协议", "签约合作项目"),
    "projects_landed": ("落地项目", "项目落地", "落地转化项目", "开工项目"),
    "projects": ("科研项目", "研究项目", "项目课题", "合作项目", "课题", "项目"),
    "amount_signed": ("签约金额", "签约资金", "合同金额", "协议金额", "签约额", "合同额", "签约总额", "签约总金额",
                      "合同总金额", "合同总额", "协议总金额"),
    "funds_in_place": ("到位资金", "资金到位", "引入资金", "引进资金", "到位"),
    "investment": ("总投资", "投资额", "投资", "基金", "融资", "社会资本"),
    "output_value": ("新增产值", "产值", "年产值"),
    "bases": ("基地", "工作站", "服务站", "平台", "挂牌", "研究院", "实验室", "工作室", "孵化器", "科技小院", "小院",
              "研发中心", "研究中心"),
    "tech_demand": ("技术需求", "技术难题", "技术攻关需求", "科技需求", "揭榜"),
    "talent_demand": ("人才需求", "用人需求", "用工需求"),
    "project_demand": ("项目需求",),
    "achievements": ("科技成果", "技术成果", "成果", "专利"),
    "positions": ("岗位", "职位"),
    "experts": ("专家", "院士", "教授", "学者", "专家学者", "专家教授", "科研人员", "科技特派员"),
    "talents": ("博士", "硕士", "研究生", "人才", "高层次人才", "博士后"),
    "students": ("大学生", "学生", "学子", "毕业生", "实习生", "学员", "本科生", "博士生", "硕士生", "在校生"),
    "events": ("活动", "对接会", "招聘会", "培训", "洽谈会", "座谈会", "论坛", "推介会", "交流会", "宣讲会", "双选会",
               "讲座", "研讨会", "比赛", "大赛"),
    "enterprises": ("企业", "公司", "市场主体", "用人单位", "合作社", "茶企", "酒企", "药企", "车企", "农企", "民企",
                    "国企", "外企", "央企"),
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
_MONEY = frozenset({"amount_signed", "funds_in_place", "investment", "output_value"})

# A lookahead finds overlapping keywords too (签订项目 and 项目合作协议 share 项目); at each place the longest.
_KEYWORD_RE = re.compile(
    "(?=(" + "|".join(sorted({k for ks in _KEYWORDS.values() for k in ks}, key=len, reverse=True)) + "))"
)
_METRIC_OF = {k: m for m, ks in _KEYWORDS.items() for k in ks}

_NUMBER = re.compile(
    r"(?P<approx>将近|接近|大约|超过|近|约|超|逾)?"
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+)"
    r"(?P<tail>(?:余|多)?[万亿]?(?:余|多)?)"
    r"(?P<cls>人次|场次|亿元|万元|元|个|所|家|项|名|人|位|次|场|座|期|条|件|类|处|份|户|届)"
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
    found = _best_keyword_at(segment, cls, money=money, rightmost=rightmost)
    return found[0] if found else None


def _best_keyword_at(segment: str, cls: str, *, money: bool, rightmost: bool,
                     start_from: int = 0) -> tuple[str, int, int] | None:
    """Like ``_best_keyword``, with the keyword's start and end in ``segment``."""
    best: tuple[int, int, str, int, int] | None = None
    for m in _KEYWORD_RE.finditer(segment):
        word = m.group(1)
        metric = _fits(word, cls, money=money)
        if not metric or m.start() < start_from:
            continue
        end = m.start() + len(word)
        key = (end, len(word)) if rightmost else (-m.start(), len(word))
        if best is None or key > best[:2]:
            best = (*key, metric, m.start(), end)
    return (best[2], best[3], best[4]) if best else None


def _fits(keyword: str, cls: str, *, money: bool) -> str | None:
    metric = _METRIC_OF[keyword]
    if money:
        return metric if metric in _MONEY else None
    if metric in _MONEY:
        return None
    return metric if cls in _CLASSIFIERS.get(metric, "") or (cls == "人次" and metric in {"students", "contacts"}) \
        else None


# After the classifier, words that make the figure approximate rather than name the counted noun ("50个以上").
_APPROX_AFTER = re.compile(r"^(?:以上|左右|上下|以内|之多)")
# Nouns that are counted in reports but are not programme figures; nearer to the number than a keyword, they win.
_UNCOUNTED = re.compile(r"展位|摊位|简历|房源|公寓|窗口|选手|席位|稿件|简报")
# A figure with no noun of its own that restates part of an earlier one: "其中71项成功揭榜", "已有27项找到…".
_PART_MARKER = re.compile(r"其中|已有|另有|还有|尚有|已")
_ELLIPTIC = "?"  # metric to be taken from the earlier figure the number is a part of


def _classify(text: str, m: re.Match[str], lo: int, hi: int) -> str | None:
    """Metric of one number: the noun after the classifier, else the keyword before the number.

    Returns ``_ELLIPTIC`` for a part without a noun of its own ("其中71项成功揭榜"): the caller takes the metric of
    the whole it belongs to.
    """
    cls = _fit_cls(m["cls"])
    money = cls.endswith("元")
    after = _APPROX_AFTER.sub("", _after(text, m.end(), hi))
    raw_before = _before(text, m.start(), lo)
    # keywords inside a document title (《…项目管理办法》) or before a category label (成果转化类11个) name no noun
    before = "" if raw_before.endswith("类") else re.sub(r"《[^》]*》", "", raw_before)
    noun_follows = bool(re.match(r"[\u4e00-\u9fff]", after)) and cls not in "名位人"
    if not money and not noun_follows and (metric := _keyword_ending(before, cls)):
        return _refine_project(metric, before, after)  # "专家教授45名": the noun comes right before the number
    if not money and cls in "人名位" and re.match(r"[^，,。；;]{0,16}?达成[^，,。；;]{0,8}意向", after):
        return "intents"  # "与812名高校毕业生达成就业意向": the people counted are the intents
    stop = _PREDICATE.search(after)
    # "485人、技术需求24项": a list separator right after the classifier means the noun came before the number
    noun = "" if after.startswith("、") else after[: stop.start()] if stop else after
    if noun and not money:
        if re.match(r".{0,8}?作为.{0,14}基地", after):  # "10个优质企业作为实习实训基地": they are counted as bases
            return "bases"
        metric = _best_keyword(noun, cls, money=money, rightmost=True)
        if metric:
            return _refine_project(metric, before, after[len(noun) :])
        if stop and (metric := _compound_noun(after, stop, cls)):
            return _refine_project(metric, before, after)
        if re.match(r"[\u4e00-\u9fff]", noun):
            # a noun we do not count ("7家牵头单位"): never borrow the keyword before it; but "已有27项找到…" is a part
            return _ELLIPTIC if re.search(r"(?:其中|已有|另有|还有|尚有)$", raw_before) else None
    if not money and cls in _CLASSIFIERS["intents"] and "意向" in after:
        return "intents"  # "967人达成回朝就业意向", "另有15项达成初步意向"
    if not money and cls == "次" and not noun and "对接" in after:
        return "contacts"  # "先后47次赴高校院所开展对接"
    found = _best_keyword_at(before, cls, money=money, rightmost=True)
    if found and not money and _UNCOUNTED.search(before, found[2]):
        return None  # "招聘会共设展位280个": the stall is the noun, not the 招聘会 before it
    metric = found[0] if found else None
    if money and not metric:  # "设立…基金,首期投放规模5亿元": the money's noun is in the clause before
        metric = _best_keyword(text[max(lo, m.start() - 24) : m.start()], cls, money=True, rightmost=True)
    if not metric and not money and (_PART_MARKER.search(raw_before) or raw_before.endswith("类")
                                     or "其中" in text[lo : m.start()]):
        return _ELLIPTIC
    return _refine_project(metric, before, after) if metric else None


def _fit_cls(cls: str) -> str:
    return "场" if cls == "场次" else cls


def _compound_noun(after: str, stop: re.Match[str], cls: str) -> str | None:
    """A predicate word that is part of a compound noun: 校企联合实验室, 校企对接活动 — a fitting keyword starts
    within two characters of it, before the next predicate."""
    nxt = _PREDICATE.search(after, stop.end())
    extended = after[: nxt.start()] if nxt else after
    found = _best_keyword_at(extended, cls, money=False, rightmost=False, start_from=stop.start())
    return found[0] if found and found[1] - stop.end() <= 2 else None


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


_LANDED = re.compile(r"落地|落户|投产")
_SIGNED = re.compile(r"签约|签订|签署|签下|敲定")


def _refine_project(metric: str, before: str, rest: str) -> str:
    """项目 is a landed project after 落地/落户/投产 and a signed one after 签约/签下/敲定."""
    if metric != "projects":
        return metric
    if re.match(r"(?:已|成功|顺利|均已|已经)?(?:落地|落户|投产)", rest) or _LANDED.search(before):
        return "projects_landed"
    if _SIGNED.search(before):
        return "projects_signed"
    return metric


def _refine_part(metric: str, before: str, rest: str) -> str:
    """A part of a project total may say more than its whole: "促成合作项目97个,其中已落地42个"."""
    if metric in {"projects_signed", "projects_landed"}:
        refined = _refine_project("projects", before, rest)
        return metric if refined == "projects" else refined
    return _refine_project(metric, before, rest)


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
    if m["cls"] == "个" and re.match(r"(?:多|余|半)?(?:月|季度|小时|星期|工作日|年头)", text[m.end() : m.end() + 4]):
        return True  # 两个季度, 3个月: a duration
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
    previous: list[StatedFigure] = []  # the figures of the sentence before, when it is in the same paragraph
    last_hi = 0
    for lo, hi in _sentences(text):
        if "\n" in text[last_hi:lo]:
            previous = []
        found = _sentence_figures(text, lo, hi, mentions, quoted, report_region, previous)
        figures.extend(found)
        previous, last_hi = found, hi
    return figures


def _sentence_figures(text: str, lo: int, hi: int, mentions: list[RegionMention], quoted: list[tuple[int, int]],
                      report_region: str | None, previous: list[StatedFigure]) -> list[StatedFigure]:
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
        if metric == _ELLIPTIC:
            metric = _whole_of(value, m["cls"], [*previous, *out])
            if not metric:
                continue
            metric = _refine_part(metric, _before(text, m.start(), lo), _after(text, m.end(), hi))
        head = text[lo : m.start()]
        fig = StatedFigure(
            metric=metric, value=value, unit=unit, approx=approx, quote=sentence.strip(),
            region=_region_for(mentions, lo, m.start(), report_region), period=_period_for(head),
            is_plan=_is_plan(text, lo, m.start(), m.end(), metric),
            is_total=bool(_TOTAL.search(_before(text, m.start(), lo))), start=m.start(),
        )  # fmt: skip
        _link_breakdown(fig, head, lo, total_metric)
        out.append(fig)
    return out


def _whole_of(value: Decimal, cls: str, earlier: list[StatedFigure]) -> str | None:
    """The metric of the nearest earlier figure counted in the same classifier that can contain ``value``."""
    cls = _fit_cls(cls)
    for fig in reversed(earlier):
        if fig.metric not in _MONEY and _fit_cls(fig.unit.lstrip("万亿")) == cls and fig.value >= value:
            return fig.metric
    return None


# Words that turn a sentence back from what is planned to what has been done: "计划引进博士50名，目前已引进41名".
_RESULT = re.compile(r"目前|已经|已|截至|截止|实际|累计|如今")
# "按照全年引进人才1万人的目标": the figure is the target named after it.
_TARGET_AFTER = re.compile(r"(?:以上|左右)?的?(?:目标|任务)")
# "预计总投资1.05亿元", "计划总投资12.5亿元": the planned investment of a project is its investment figure.
_PLANNED_INVESTMENT = re.compile(r"(?:预计|计划)总?投资")


def _is_plan(text: str, lo: int, start: int, end: int, metric: str) -> bool:
    """A plan or target (计划/目标), not a result: a plan word in the figure's clause, or earlier in the sentence
    with no word of a result (目前/已/累计…) after it, or the figure named as a target ("1万人的目标")."""
    if _TARGET_AFTER.match(text, end):
        return True
    clause_start = max(lo, max(text.rfind(c, lo, start) for c in "，,；;") + 1)
    plans = [p for p in _PLAN.finditer(text, lo, start)
             if not (metric == "investment" and _PLANNED_INVESTMENT.match(text, p.start()))]
    if not plans:
        return False
    last = plans[-1]
    return last.start() >= clause_start or not _RESULT.search(text, last.end(), start)


def _link_breakdown(fig: StatedFigure, head: str, lo: int, totals: dict[str, StatedFigure]) -> None:
    """A figure after 其中 belongs to the same-metric total stated before it in the sentence (总数与分项)."""
    earlier = totals.get(fig.metric)
    if earlier is not None and "其中" in head[earlier.start - lo :] and fig.value <= earlier.value:
        fig.part_of = fig.metric
        earlier.is_total = True
    elif earlier is None:
        totals[fig.metric] = fig
