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

A breakdown after 其中 counts what its total counts ("引进人才2146人，其中…本科毕业生1120人" are talents); a number
with no noun beside an earlier one ("分别为64个、51个", "累计达到1126个") takes its metric. Caps, thresholds and
changes against last year (最高不超过300万元, 10亿元以上项目, 同比增加12个) are not figures. A table copied as text
gives the bare numbers of a column the noun and unit of its header (揭榜金额（万元）).
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
    # research institutes count with universities (高校院所), 研究所 (中科院16家研究所) among them
    "universities": ("高校院所", "大院大所", "高等院校", "高等学校", "科研院所", "研究院所", "高职院校", "职业院校",
                     "院所", "高校", "大学", "院校", "科研机构", "科研单位", "学校", "研究所"),
    "agreements": ("合作协议", "框架协议", "协议", "合同", "备忘录"),
    # a 项目合作协议 is an agreement, as the labelling of real reports has it (签署人才项目合作协议15个: agreements)
    "projects_signed": ("签约项目", "签订项目", "签约合作项目"),
    "projects_landed": ("落地项目", "项目落地", "落地转化项目", "开工项目"),
    "projects": ("科研项目", "研究项目", "项目课题", "合作项目", "课题", "项目"),
    "amount_signed": ("签约金额", "签约资金", "合同金额", "协议金额", "签约额", "合同额", "签约总额", "签约总金额",
                      "合同总金额", "合同总额", "协议总金额", "成交额", "成交金额", "交易额", "交易金额", "登记额",
                      "揭榜金额", "协议投资", "协议投资额", "协议投资总额",
                      "合同投资", "合同投资额", "合作金额", "技术合同成交额", "成交价", "总成交价", "成交总额"),
    "funds_in_place": ("到位资金", "资金到位", "引入资金", "引进资金", "到位", "落地资金", "省外资金", "实际利用"),
    "investment": ("总投资", "投资额", "投资", "基金", "融资", "社会资本"),
    "output_value": ("新增产值", "产值", "年产值"),
    "bases": ("基地", "工作站", "服务站", "平台", "挂牌", "研究院", "实验室", "工作室", "孵化器", "科技小院", "小院",
              "研发中心", "研究中心", "研发机构", "转移机构", "示范机构", "转移中心", "智库", "示范站", "试验站",
              "创新中心"),
    # 技术需求项目 (a need filed as a project, as 揭榜挂帅 lists have them) is a need: longer than 项目, it wins
    "tech_demand": ("技术需求", "技术难题", "技术攻关需求", "科技需求", "创新需求", "揭榜", "技术问题", "难题", "榜单",
                    "技术需求项目", "科技需求项目", "研发需求", "企业需求", "合作需求"),
    # the people a fair or its employers seek (招聘总人数超过4300人) are its talent demand, as 需求人数 is
    "talent_demand": ("人才需求", "用人需求", "用工需求", "需求人数", "招聘人数", "招聘总人数", "职位需求"),
    "project_demand": ("项目需求",),
    "achievements": ("科技成果", "技术成果", "成果", "成果项目", "专利", "新技术", "新品种", "新工艺", "新装备",
                     "新模式", "实用技术", "先进技术", "适用技术"),
    "positions": ("岗位", "职位", "供岗", "优岗"),
    "experts": ("专家", "院士", "教授", "学者", "专家学者", "专家教授", "科研人员", "科技特派员"),
    "talents": ("博士", "硕士", "研究生", "人才", "高层次人才", "博士后"),
    "students": ("大学生", "学生", "学子", "毕业生", "实习生", "学员", "本科生", "博士生", "硕士生"),
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
    "universities": "所家个", "agreements": "个项份件", "projects_signed": "个项件宗", "projects_landed": "个项件宗",
    "projects": "个项件宗", "bases": "个座家处所", "tech_demand": "项个条", "talent_demand": "人名个项",
    "project_demand": "个项", "achievements": "项个件条", "positions": "个类", "experts": "名位人",
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
    r"(?P<approx>将近|接近|大约|超过|近|(?<![签合预节制契公条邀相协履])约|超|逾)?"
    r"(?P<num>\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+万?|万)"
    r"(?:(?<=\d)[ \u3000])?"  # typesetting: a space between digits and their classifier ("技术难题80 个")
    r"(?P<tail>(?:余|多)?[万亿]?(?:余|多)?)"
    r"(?P<cls>人次|场次|亿元|万元|元|个|所|家|项|名|人|位|次|场|座|期|条|件|类|处|份|户|届|宗)"
)
_CLAUSE_END = "，,。；;：:！？!?\n（()）"
# Where a noun phrase after the classifier ends: a verb or preposition starts the predicate.
_PREDICATE = re.compile(
    r"与|和|及|同|跟|签约|签订|签署|达成|作为|参加|参与|开展|走进|提供|发布|在|到|对(?!接)|进行|来到|亮相|深入|集结|组建|"
    r"联合|调研|选中|被|为|向|共同|共商|入驻|落户|完成|实现|建立|建成|成立|获得|获批|列入|入选|成功|分别|已|先后|"
    r"纷纷|积极|累计|达到|组织|举办|承接|带来|吸引|实施|推动|助力|研学|结对|形成|涉及|覆盖|包括|其中|进驻|前来|"
    r"落地|开工|投产|赴|前往|来到|到场|考察|共建|建设|孵化|报名|当年|当天|当场"
)
_PLAN_VERBS = r"(?:建设|新建|建成|引进|实现|完成|新增|签约|签订|投资|举办|开展|培育|打造|推动|组织|达到|于|在|到|用)"
# 计划/拟 with a time to come or 再 before the verb is a plan too ("计划明年再建设实习基地5个").
_PLAN_WHEN = r"(?:明年|后年|今年|年内|下半年|近期|20\d\d年)?再?"
_PLAN = re.compile(
    rf"计划{_PLAN_WHEN}{_PLAN_VERBS}|拟{_PLAN_WHEN}(?:现场|集中)?{_PLAN_VERBS}|有望|力争|目标是|目标为|预计|争取|确保|下一步|今后|将(?:建设|新建|打造|引进|实现|达到|完成|新增|签约|签订|培育|推动|"
    r"举办|组织|开展|建成|投入|再|陆续|继续|重点|力争|全力|着力|围绕|以|在|与|于|共建|联合|发挥|支持|加强|推进|"
    r"促进|助力)|到20\d\d年|年底前|年内|"
    r"要(?:新签|新建|实施|完成|确保|实现|突破|达到|引进|力争)|(?:达产|建成|投产)后|"
    r"(?:利用|用|花)\d+年(?:左右)?(?:时间|时)"  # "提出利用5年时间,推动1000所以上高校…": a goal over years to come
)
_PERIOD = re.compile(
    r"(?:截至|截止|自)?20\d\d年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:以来|至今|上半年|下半年|全年|底|末|初)?"
    r"|今年以来|年初以来|去年以来|近年来|近[两三四五]年|截至目前|截止目前|一年来|目前"
)
_TOTAL = re.compile(r"(?<!公)共(?![建同享赢商筑襄])|累计|总计|合计|总数|总共")
# Corner brackets (「三个一百」, 『…』) quote a name as “…” does, in traditional-script and overseas reports.
_SHORT_QUOTE = re.compile(r"“[^”\n]{0,20}”|\"[^\"\n]{0,20}\"|‘[^’\n]{0,20}’|《[^》\n]{0,30}》|「[^」\n]{0,20}」|"
                          r"『[^』\n]{0,20}』")


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


def _clause_start(text: str, start: int, lo: int) -> int:
    """Where the figure's clause begins: after the last comma or semicolon before it, within its sentence."""
    return max(lo, max(text.rfind(c, lo, start) for c in "，,；;") + 1)


def _clause_end(text: str, end: int, hi: int) -> int:
    """Where the figure's clause ends: the next comma, semicolon or full stop, within its sentence."""
    return min([i for i in (text.find(c, end, hi) for c in "，,；;。") if i >= 0] or [hi])


def _before(text: str, start: int, lo: int) -> str:
    """Text from the start of the clause (or the previous number) up to the figure.

    A year or date (自2021年以来) and an ordinal (第24批) are not a previous number, and a short bracketed gloss
    without numbers (试验示范站（基地）5个) does not end the clause: the noun before them still governs the figure.
    """
    i = start
    while i > lo:
        c = text[i - 1]
        if c.isdigit():
            j = i - 1
            while j > lo and (text[j - 1].isdigit() or text[j - 1] == "."):
                j -= 1
            if (i < start and text[i] in "年月日") or (j > lo and text[j - 1] == "第"):
                i = j
                continue
            break
        if c in "）)":
            k = text.rfind("（" if c == "）" else "(", max(lo, i - 42), i - 1)
            if k >= 0 and not _GLOSS_STOP.search(text, k + 1, i - 1):
                i = k
                continue
            break
        if c in _CLAUSE_END or c == "、":
            break
        i -= 1
    return text[i:start]


_GLOSS_STOP = re.compile(r"[\d。；;，,（(]")
_ASIDE = re.compile(r"《[^》]*》|（[^（）]*）|\([^()]*\)")


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
        end = m.start() + len(word)
        if not metric or m.start() < start_from or _NOT_HEAD.match(segment, end):
            continue
        if metric == "universities" and _PLACE_OF_SCHOOLS.match(segment, end):
            continue
        key = (end, len(word)) if rightmost else (-m.start(), len(word))
        if best is None or key > best[:2]:
            best = (*key, metric, m.start(), end)
    return (best[2], best[3], best[4]) if best else None


# A display or show that a keyword only qualifies (成果展示区14个, 1个成果展示): what is counted is the display.
_NOT_HEAD = re.compile(r"展示|展区|展览|展厅|展台|展馆|专区")
# A place named after schools (1个国家大学科技园, 大学城): a park or a town, not a count of schools.
_PLACE_OF_SCHOOLS = re.compile(r"科技园|科技城|城(?!市)|园区")


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
_UNCOUNTED = re.compile(r"展位|摊位|展品|展项|简历|房源|公寓|窗口|选手|席位|稿件|简报|专员|干部|书记|工作人员|"
                        r"教职工|在校生|解决方案|会员")
# Money that is no programme figure (taxes, income, subsidies, fees): the keyword before it names something else.
_UNCOUNTED_MONEY = re.compile(r"税收|税金|利税|利润|收入|营收|补贴|补助|奖励|奖补|经费|费用|增收|成本|悬赏|资助")
# A sum that names no noun of its own (总金额, 金额共计): in a sentence about signing or a deal it is the amount signed.
_GENERIC_AMOUNT = re.compile(r"(?:总金额|金额|总额)(?:共计|合计|共|达到|达|约|为|逾|超过|超){0,2}$")
# What a place has (全市现有高校12所, 驻市高校8所): a stock of schools, counted before any cooperation.
_STOCK = re.compile(r"(?:拥有|现有|驻[市县区省地]|辖区内?|境内|本地)[^，,。；;]{0,8}$")
# The same after the classifier (21所驻地高校, 11所在晋高校): the schools hosted by the place, not its partners.
_STOCK_AFTER = re.compile(r"(?:驻[市县区省地]|在[市县区省]|本地|辖区内?)")
_DEAL = re.compile(r"签约|签订|签署|达成|成交|交易")
# Money right after the verb that signs it, or the investment of the projects signed (签约项目投资, 签约总投资).
_SIGNED_MONEY = re.compile(r"(?:签约|签下|签订|拍出了?)(?:项目)?(?:总投资|投资总额|投资额|投资|总额|金额|额)?"
                           r"(?:共计|合计|共|达到|达|约|为|逾|超过|超)?$")
# Money put in, brought in, paid out or leveraged (投入…资金/经费, 引入…资金, 兑现…资金, 撬动企业投入, 带动社会资金): in
# place, as the labelling rules have 到位, 投入 and 撬动…投入.
_PUT_IN = re.compile(r"(?:(?:投入|引入|兑现)[^，,。；;\d]{0,8}?(?:资金|经费)|"
                     r"(?:撬动|带动)[^，,。；;\d]{0,8}?(?:投入|资金))(?:共计|合计|共|达到|达|约|为|近|逾|超过|超){0,2}$")
# A money keyword right after the amount and its 的 (5818.5万元的成交额).
_MONEY_NAMED_AFTER = re.compile(r"的(" + "|".join(sorted((k for k, m in _METRIC_OF.items() if m in _MONEY), key=len,
                                                           reverse=True)) + ")")
# The means a clause names before its verb ("通过…、与科研院所合作等方式征集到…"): what is counted comes after it.
_MEANS = re.compile(r"等?(?:方式|途径|渠道|手段)")
# Kinds counted instead of things (9个重点合作领域, 5个方面, 3大板块).
_FIELDS = re.compile(r"领域|方面|板块|大类|类别")
# The people of the schools as one noun (8所高校学子): its head is the people, not the schools. Schools whose people
# take part are counted ("23所高校的万余名毕业生参加了应聘", a job fair's schools).
# A school's name right before a count in 个 (北京理工大学52个, 武汉大学…校友组织总数达317个): the school's items.
_NAMED_SCHOOL = re.compile(r"[\u4e00-\u9fff](?:大学|学院)[^，,。；;\d]{0,12}$")
_SCHOOLS_PEOPLE = re.compile(r"[^，,。；;\d的]{0,4}?(?:高校|大学|院校|学校)(?:学子|学生|毕业生|校友|师生)")
# A noun that only says "members" (28名成员): the group named before the number says who they are.
_GENERIC_NOUN = re.compile(r"(?:成员|队员|人员)$")
# Not a figure of its own: a cap (单个项目最高不超过300万元), a change against last year (同比增加12个).
_CAP = re.compile(r"(?:最高|最多|不超过|不高于|上限为?)$|(?:单个|单项|每个|每项|每家|每人|每名|每户)[^，,；;。]{0,10}?"
                  r"(?:最高|最多|不超过|上限)")
# The previous period may be named more fully before the verb: "比上届科博会签约总额增加1.34亿元", "比去年增长1.76亿元".
_DELTA = re.compile(
    r"(?:同比|(?:较|比)(?:上年同期|上年|去年同期|去年|同期|上届|上一届|往届|上期)[^，,。；;\d]{0,10}?)"
    r"(?:增加|增长|新增|多|减少|下降|提高)了?$"
)
# A money amount that sorts projects by size (500万元以上的项目, 10亿元以上项目, 超5000万元项目): a threshold or
# an attribute of the projects, not a figure.
_THRESHOLD = re.compile(r"(?:以上|以下|及以上|以内)的?[\u4e00-\u9fff]|的?(?:大|重点|重大)?项目")
# A figure that stands beside an earlier one with no noun of its own: "分别为64个、51个", "合计157个", "累计达到18家".
_SIBLING = re.compile(r"(?:分别为|分别是|分别达到?|依次为|合计|共计|总计|累计(?:达到|达|至|为)?|总数(?:达到|达|为)?|"
                      r"总量(?:达到|达)?)$")
# A line that starts with a label ("2. 就业创业基地：建成3个"): the label names what its first clause counts.
_LABEL = re.compile(r"(?:\d{1,2}[.．、]\s*|[（(][一二三四五六七八九十]{1,3}[)）]\s*)?([^：:，,。；;\n]{2,16})[：:]")
# A figure with no noun of its own that restates part of an earlier one: "其中71项成功揭榜", "已有27项找到…".
_PART_MARKER = re.compile(r"其中|已有|另有|还有|尚有|已")
_ELLIPTIC = "?"  # metric to be taken from the earlier figure the number is a part of
_ELLIPTIC_LOCAL = "?s"  # the same, but only from a figure earlier in the same sentence ("…申报项目46项，获批立项31项")
_SIBLING_OF = "?="  # metric to be taken from the nearest earlier figure in the same classifier, whatever its value


# The counted noun is an intent (12项合作意向, 3份投资意向), not an intended project (意向合作项目) or one that 意向
# only qualifies (意向书 is a document: 签订意向书5份 counts agreements-to-be, left to the keyword before it).
_INTENT_NOUN = re.compile(r"(?:初步|合作|签约|投资|战略|就业)?(?:合作)?意向(?!书|合作|项目|性)")


# What a count reached in its own clause: 达成（初步）合作意向 (for things, with no signing on the way).
_REACHED_INTENT = re.compile(r"([^，,。；;]{0,16}?)达成[^，,。；;]{0,8}意向")


def _intended_projects(noun: str, cls: str) -> bool:
    """The count is of projects (达成意向的项目 may still be signed with their amount, _sign_intended_projects)."""
    head = _best_keyword_at(noun, cls, money=False, rightmost=True)
    return head is not None and head[0] in {"projects", "projects_signed", "projects_landed"}


def _classify(text: str, m: re.Match[str], lo: int, hi: int) -> str | None:
    """Metric of one number: the noun after the classifier, else the keyword before the number.

    Returns ``_ELLIPTIC`` for a part without a noun of its own ("其中71项成功揭榜"): the caller takes the metric of
    the whole it belongs to.
    """
    cls = _fit_cls(m["cls"])
    money = cls.endswith("元")
    after = _APPROX_AFTER.sub("", _after(text, m.end(), hi))
    raw_before = _before(text, m.start(), lo)
    if _CAP.search(raw_before) or _DELTA.search(raw_before) or (money and _THRESHOLD.match(text, m.end())):
        return None
    if money and (named := _MONEY_NAMED_AFTER.match(after)):
        return _METRIC_OF[named.group(1)]  # "实现了5818.5万元的成交额": the money's noun follows its 的
    if after.startswith("的"):
        after = ""  # "完成签约项目900个的目标任务": the number modifies what follows; its noun came before it
    # keywords inside a document title (《…项目管理办法》), a bracketed gloss (平台（含企业）12个) or before a
    # category label (成果转化类11个) name no noun
    before = "" if raw_before.endswith("类") else _ASIDE.sub("", raw_before) if "《" in raw_before or "（" in \
        raw_before or "(" in raw_before else raw_before
    noun_follows = bool(re.match(r"[\u4e00-\u9fff]", after)) and cls not in "名位人"
    if not money and not noun_follows and (metric := _keyword_ending(before, cls)):
        if metric == "universities" and cls == "个" and _NAMED_SCHOOL.search(before):
            return None  # "北京理工大学52个": what a named school has, not schools
        return _refine_project(metric, before, after)  # "专家教授45名": the noun comes right before the number
    if not money and cls in _CLASSIFIERS["intents"] and (reached := _REACHED_INTENT.match(after)) and (
            cls in "人名位" or not ("签" in reached.group(1) or _intended_projects(reached.group(1), cls))):
        # "与812名高校毕业生达成就业意向", "有4项技术需求达成合作意向": what is counted only reached an intention
        # (projects that did are left to _sign_intended_projects, which signs them when an amount follows)
        return "intents"
    if not money and cls in _CLASSIFIERS["intents"] and _INTENT_NOUN.match(after):
        return "intents"  # "双方达成12项合作意向": the 向 of 意向 is no preposition (向) ending the noun
    if after and after[0] in "“\"‘" and not money:  # the name may hold digits (39所“985”高校): read past them
        # 16所“高校人才工作联络站”: a name counts what its last word names
        return _quoted_name(text[m.end() : _clause_end(text, m.end(), hi)], cls)
    stop = _PREDICATE.search(after)
    # "485人、技术需求24项": a list separator right after the classifier means the noun came before the number
    noun = "" if after.startswith("、") else after[: stop.start()] if stop else after
    if _GENERIC_NOUN.match(noun):
        noun = ""  # "共28名成员在我市挂职": who they are is said before the number
    elif _SCHOOLS_PEOPLE.match(noun) and cls not in "名位人":
        return None  # "8所高校学子": the head noun is the schools' people, counted in 所 only in passing
    elif stop is not None and stop.start() == 0 and not money and (metric := _modified_noun(after, stop, cls)):
        return _refine_project(metric, before, after)  # "23个签约项目", "5个共建基地": a verb that modifies the noun
    if noun and not money:
        if re.match(r".{0,8}?作为.{0,14}基地", after):  # "10个优质企业作为实习实训基地": they are counted as bases
            return "bases"
        de = noun.find("的")
        head = _best_keyword_at(noun[:de], cls, money=money, rightmost=True) if de > 0 else None
        # "24个工作岗位的入围人员…来自…高校": a noun that names something countable ends at 的; what follows it is
        # another noun the counted one qualifies
        head = head or _best_keyword_at(noun, cls, money=money, rightmost=True)
        if head and _FIELDS.search(noun, 0, head[1]):
            return None  # "9个…重点合作领域技术需求": fields or aspects are counted, the need only qualifies them
        if head:  # what follows the head noun says what happened to it ("44个项目线上交易成功")
            return _refine_project(head[0], before, after[head[2] :])
        if stop and (metric := _compound_noun(after, stop, cls)):
            return _refine_project(metric, before, after)
        if metric := _relative_clause_head(after, cls):
            return _refine_project(metric, before, after)  # "50项面向全国征集的…研究成果": the head comes after 的
        if re.match(r"[\u4e00-\u9fff]", noun):
            # a noun we do not count ("7家牵头单位"): never borrow the keyword before it; but "已有27项找到…" is a part
            parts = re.search(r"(?:其中|已有|另有|还有|尚有)$", raw_before) and not _OTHER_PARTY.match(noun)
            return _ELLIPTIC if parts else None
    if not money and cls in _CLASSIFIERS["intents"] and "意向" in after:
        return "intents"  # "967人达成回朝就业意向", "另有15项达成初步意向"
    if not money and cls == "次" and not noun and "对接" in after:
        return "contacts"  # "先后47次赴高校院所开展对接"
    # keywords in the means the clause names ("与科研院所合作等方式征集到解决方案67个") name no counted noun
    means = [x.end() for x in _MEANS.finditer(before)]
    found = _best_keyword_at(before, cls, money=money, rightmost=True, start_from=means[-1] if means else 0)
    nearer = _UNCOUNTED_MONEY if money else _UNCOUNTED
    if (found or money) and nearer.search(before, found[2] if found else 0):
        return None  # "招聘会共设展位280个", "年产值15亿元、税收8000万元": the nearer noun is not a programme figure
    metric = found[0] if found else None
    if metric == "universities" and cls == "个" and _NAMED_SCHOOL.search(raw_before):
        return None  # "武汉大学全球校友组织总数达317个": what a named school has
    if money and not metric and _PROJECT_INPUT.search(raw_before):
        metric = "investment"  # "项目研发总投入3.5亿元": signed projects' input is signed money (_signed_investment)
    if money and not metric and _GENERIC_AMOUNT.search(raw_before) and _DEAL.search(text, lo, m.start()):
        metric = "amount_signed"  # "大会签约30个项目,总金额1668.7亿元": the amount of what the sentence signed
    if money and not metric:  # "设立…基金,首期投放规模5亿元": the money's noun is in the clause before
        metric = _best_keyword(text[max(lo, m.start() - 24) : m.start()], cls, money=True, rightmost=True)
    if money and not metric and _PUT_IN.search(raw_before):
        metric = "funds_in_place"  # "累计投入帮扶资金近1000万元", "兑现支持资金近11亿元": money actually put in
    if money and metric in (None, "investment") and _SIGNED_MONEY.search(raw_before):
        metric = "amount_signed"  # "累计签约1676亿元", "共签约项目投资1676亿元": the money the verb 签约 signed
    if not metric and not noun and (label := _line_label(text, m.start(), lo)):
        metric = _best_keyword(label, cls, money=money, rightmost=True)  # "2. 就业创业基地：建成3个"
    if metric or money:
        return _refine_project(metric, before, after) if metric else None
    if _SIBLING.search(raw_before) or (len(raw_before) <= 3 and _LIST_ITEM.search(text, max(lo, m.start() - 12),
                                                                                   m.start())):
        return _SIBLING_OF  # "分别为64个、51个和9个", "累计达到1126个"
    if _PART_MARKER.search(raw_before) or raw_before.endswith("类") or "其中" in text[lo : m.start()]:
        return _ELLIPTIC
    # "…申报项目46项，获批立项31项": a short clause of its own with no noun is a part of the figure before it; a list
    # item ("成果120项、需求85项") has a noun of its own, even one that is no keyword
    opens_clause = m.start() - len(raw_before) > lo and text[m.start() - len(raw_before) - 1] in "，,；;"
    # … unless the clause names a thing the reader never counts ("科技成果2629项,实物展品124件"): exhibits are no part
    # of the achievements before them
    uncounted = bool(_UNCOUNTED.search(raw_before))
    return _ELLIPTIC_LOCAL if not noun and opens_clause and len(raw_before) <= 6 and not uncounted else None


# A relative clause between the classifier and its noun: a verb phrase that ends in 的 within a few words
# ("近50项面向全国征集遴选的国家科技计划项目等各类研究成果"). Its verb (面向, 由…提供) is no predicate of the number.
_RELATIVE = re.compile(r"[^，,。；;：:\d“”\"]{1,16}?的")


def _relative_clause_head(after: str, cls: str) -> str | None:
    """The metric of the noun a relative clause modifies (定语从句后的中心词): the keyword that heads the noun after
    its 的. Without a verb in it the phrase before 的 is a noun of its own ("24个工作岗位的…"), left to the caller."""
    rel = _RELATIVE.match(after)
    if not rel or not _PREDICATE.search(rel.group()):
        return None
    tail = after[rel.end() :]
    stop = _PREDICATE.search(tail)
    head = _best_keyword_at(tail[: stop.start()] if stop else tail, cls, money=False, rightmost=True)
    return head[0] if head else None


_QUOTED = re.compile(r"[“\"‘]([^”\"’\n]{1,30})[”\"’]")


def _quoted_name(after: str, cls: str) -> str | None:
    """The metric of a quoted name right after the classifier (3个“科技小院”): the keyword that ends the name, or none.

    "16所“高校人才工作联络站”" counts liaison stations, not schools: 高校 only qualifies the name; a noun right
    after the name is what is counted.
    """
    found = _QUOTED.match(after)
    if not found:
        return None
    # a noun right after the quotation is the head the name qualifies (6个“头雁团队”工作站: workstations)
    tail = after[found.end() :]
    stop = _PREDICATE.search(tail)
    following = _best_keyword_at(tail[: stop.start()] if stop else tail, cls, money=False, rightmost=True)
    if following and following[1] == 0:
        return following[0]
    name = found.group(1)
    head = _best_keyword_at(name, cls, money=False, rightmost=True)
    return head[0] if head and head[2] == len(name) else None


# A number with its classifier and a list separator (…64个、): the previous item of a list of bare numbers.
_LIST_ITEM = re.compile(r"\d(?:余|多)?[万亿]?(?:人次|场次|个|所|家|项|名|人|位|次|场|座|期|条|件|类|处|份|户|届)"
                        r"(?:、|和|及|以及)$")


def _line_label(text: str, start: int, lo: int) -> str | None:
    """The label of a "label：" line when the figure is in the first clause after it."""
    line_start = text.rfind("\n", 0, start) + 1
    found = _LABEL.match(text, line_start, start)
    if not found or any(c in _CLAUSE_END for c in text[found.end() : start]):
        return None
    return found.group(1)


def _fit_cls(cls: str) -> str:
    return "场" if cls == "场次" else cls


def _item_cls(cls: str) -> str:
    """项, 个, 件 and 宗 count the same items ("60个项目云签约,其中…30项"); other classifiers stay apart."""
    cls = _fit_cls(cls)
    return "项" if cls in "个件宗" else cls


def _compound_noun(after: str, stop: re.Match[str], cls: str) -> str | None:
    """A predicate word that is part of a compound noun: 校企联合实验室, 校企对接活动 — a fitting keyword starts
    within two characters of it, before the next predicate."""
    if stop.group() in _JOINERS or stop.group() in _REPORTING:
        return None  # "三个县与高校签订协议": the counted noun ends before 与; the keyword after it is another party
    nxt = _PREDICATE.search(after, stop.end())
    extended = after[: nxt.start()] if nxt else after
    found = _best_keyword_at(extended, cls, money=False, rightmost=False, start_from=stop.start())
    return found[0] if found and found[1] - stop.end() <= 2 else None


# Verbs that report or release (5个方面发布了高校…清单): what follows is their object, never part of the counted noun.
_REPORTING = frozenset({"发布", "提供", "完成", "实现", "获得", "组织", "举办", "吸引", "带来", "推动", "助力"})
# Words that introduce another party or a place (与高校, 赴武汉大学): what follows them is not the counted noun.
_JOINERS = frozenset({"与", "和", "及", "同", "跟", "向", "对", "在", "到", "为", "被", "赴", "前往", "走进", "来到"})
_MODIFIER_VERB = frozenset({"签约", "签订", "签署", "共建", "联合", "落地", "开工", "投产", "建设"})


def _modified_noun(after: str, stop: re.Match[str], cls: str) -> str | None:
    """A verb right after the classifier that modifies the noun following it at once (签约项目, 共建基地)."""
    if stop.group() not in _MODIFIER_VERB:
        return None
    found = _best_keyword_at(after, cls, money=False, rightmost=False)
    return found[0] if found and found[1] <= stop.end() else None


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
# 促成/达成 (brought about) projects are signed ones, as the labelling rules of real reports have it
_SIGNED = re.compile(r"签约|签订|签署|签下|敲定|新签|达成|促成")
# Projects a programme has decided on (共确定了1502个…项目, 确定校地合作项目30个) are signed ones too, as the labelling
# conventions of the real reports have them (bench/ingest/reports_news/README.md); only in the verb's own clause.
_DECIDED = re.compile(r"确定了?[^，,。；;]{0,12}$")
# What the clause after the projects says happened to them: signed (完成现场签约, 举行签约仪式, 线上交易成功; the
# press's 成功牵手 is a match signed at a fair).
_SIGNED_AFTER = re.compile(r"[^，,。；;]{0,10}?(?:签约|签订|签署|交易成功|成交|牵手|获得立项)")


# Cooperation projects a programme carries out, starts or agrees on (滚动实施校地合作项目43个, 新增政产学研合作项目
# 55项): signed projects, as the labelling conventions have them (bench/ingest/reports_news/README.md, fifteenth
# batch) and the issue's own r11 (全校新增横向合作项目572项).
_CARRIED_OUT = re.compile(r"(?:实施|开展|新增|商定|立项|凝练|确立|支持)[^，,。；;\d]{0,12}?合作[^，,。；;\d]{0,6}?项目"
                          r"(?:共计|共|达到|达|为)?$")


# Projects that only reached an intention (达成…意向项目), with no verb of signing before them.
_INTENT_ONLY = re.compile(r"^(?!.*(?:签约|签订|签署|签下|敲定|新签)).*达成[^，,。；;]{0,8}意向")


# Achievements whose own verb, right after them, signs them ("…科技成果成功签约"); a signing further on in the clause
# may be another party's ("2150项成果“同台竞技” 签约金额超8亿元").
_ACHIEVEMENTS_SIGNED = re.compile(r"(?:已经|均已|已|全部|均)?(?:成功|顺利|现场|当场|当日|当天|获)?"
                                  r"(?:签约|签订|成交|交易成功|交易|竞拍|拍出)")
# Achievements traded or signed before their count ("交易科技成果696项", "签约科技成果项目14项"). Cooperation results
# reached (与106所高校达成500余项合作成果) stay achievements, as the seed report of 长治 and the demo read them.
_DEALT_ACHIEVEMENTS = re.compile(r"(?:签约|签订|交易|成交)(?:的)?[^，,。；;\d]{0,4}成果(?:项目)?"
                                 r"(?:共计|共|达到|达|为)?$")


# Achievements traded as their count is given ("科技成果和专利技术交易68项"): deals, as 交易科技成果696项 is.
_TRADED = re.compile(r"(?:交易|成交|转让)(?:共计|共|达到|达|为)?$")
# Projects a fair shows or presents (参展, 推介, 展示): the technology it exhibits, achievements in the labels.
_SHOWN_AFTER = re.compile(r"[^，,。；;]{0,4}?(?:参展|展出|集中亮相)")
_SHOWN_BEFORE = re.compile(r"(?:参展|展出|展示|推介)[^，,。；;\d]{0,6}?项目(?:共计|共|达到|达|为)?$")


# Talents the clause says are needed ("需求各类人才逾8000人", "需求高层次人才120名"): a talent demand.
_NEEDED_TALENTS = re.compile(r"需求[^，,。；;\d]{0,4}?(?:人才|博士|硕士|研究生)$")


def _refine_project(metric: str, before: str, rest: str) -> str:
    """项目 is a landed project after 落地/落户/投产 and a signed one after 签约/签下/敲定; achievements the clause
    signs or trades are signed projects too ("8项…科技成果成功签约", "交易科技成果696项"), as the labels have them."""
    if metric == "talents" and _NEEDED_TALENTS.search(before):
        return "talent_demand"  # "需求各类人才逾8000人": the people the employers need, not talents brought in
    if metric == "achievements":
        signed = _ACHIEVEMENTS_SIGNED.match(rest) or _DEALT_ACHIEVEMENTS.search(before) or _TRADED.search(before)
        return "projects_signed" if signed else metric
    if metric != "projects":
        return metric
    if _SHOWN_AFTER.match(rest) or _SHOWN_BEFORE.search(before):
        return "achievements"  # "1万余项科技项目参展", "共推介项目40余项": what a fair shows are its achievements
    if re.match(r"(?:在[^，,。；;\d]{1,8}?)?(?:已|成功|顺利|均已|已经)?(?:签约)?(?:落地|落户|投产)", rest) or \
            _LANDED.search(before):
        return "projects_landed"
    if _INTENT_ONLY.search(before):
        return metric  # "达成合作意向项目45个": an intention, signed only with its amount (_sign_intended_projects)
    if _SIGNED.search(before) or _SIGNED_AFTER.match(rest) or _CARRIED_OUT.search(before):
        return "projects_signed"
    if re.match(r"(?:成功|已)?揭榜", rest):
        return "tech_demand"  # "49个项目成功揭榜": the items of a 揭榜挂帅 list are technology demands
    return "projects_signed" if _DECIDED.search(before) else metric


# A list of items that shares the clause's verb after it ("6项技术合作项目、14项投资项目签订正式协议").
_LIST_THEN_SIGNED = re.compile(r"(?:、[^、，,。；;]{1,16}?)+?(?:已|均|正式|集中|现场|成功)*(?:签约|签订|签署)")


def _clause_deals(text: str, start: int, end: int, lo: int, hi: int) -> bool:
    """Projects whose whole clause signs them, not only the words next to the number: a verb before a list of names
    or items ("签署科技合作、技术交易、产业化项目78个", "促成“…”“…”等校地合作项目135项"), or the verb the list of
    items shares after it ("4项技术合作项目、9项投资项目签订正式协议")."""
    clause_start = max(lo, max(text.rfind(c, lo, start) for c in "，,；;。！？\n") + 1)
    before = text[clause_start:start]
    if _SIGNED.search(before) and not _INTENT_ONLY.search(before):
        return True
    clause_end = _clause_end(text, end, hi)
    rest = text[end:clause_end]
    head = re.match(r"[^、]{0,10}", rest)
    return bool(head and _LIST_THEN_SIGNED.match(rest, head.end()))


def _refine_part(metric: str, before: str, rest: str) -> str:
    """A part of a project total may say more than its whole: "促成合作项目97个,其中已落地42个"."""
    if metric in {"projects_signed", "projects_landed"}:
        refined = _refine_project("projects", before, rest)
        return metric if refined == "projects" else refined
    return _refine_project(metric, before, rest)


# The two sides of a cooperation named as a pair (校市两家, 校地双方): who signed, not a count of schools.
_PARTIES = re.compile(r"(?:校市|市校|校地|地校|校县|县校|校区|区校|校企|企校|政校|校政)$")
_FORMULA_GLOSS = re.compile(r"\d(?:[+＋]\d+)+[”\"’）)]?[^。；;\n]{0,12}即[^。；;\n]*$")


def _skip(text: str, m: re.Match[str], quoted: list[tuple[int, int]]) -> bool:
    """Numbers that are not figures: ordinals, ranges, vague, inside names, single 一."""
    s = m.start("num")
    prev = text[s - 1] if s else ""
    if (prev and prev in "第数几前+×xX*/这那每各该") or (prev.isascii() and prev.isalnum()):
        return True
    if prev in "—－-~～至到" and s >= 2 and text[s - 2].isdigit():
        return True  # the upper end of a range: 8000—10000元
    nxt = text[m.end("num") : m.end("num") + 1]
    if nxt and nxt in "—－-~～+＋":
        return True  # a range or a formula ("6+1"高校)
    if _FORMULA_GLOSS.search(text, max(0, s - 40), s):
        return True  # "由“1+1+9”构成,即1个开幕式、1个成果展示…": the parts of a formula, not figures
    if m["cls"] == "个" and re.match(r"(?:多|余|半)?(?:月|季度|小时|星期|工作日|年头)", text[m.end() : m.end() + 4]):
        return True  # 两个季度, 3个月: a duration
    if m["num"] in {"一", "零", "〇"}:
        return True  # 一个基地、一批企业: the article's "a", not a count
    if m["num"][0] == "一" and prev and prev in "唯统同单":
        return True  # "唯一一家": the 一 of 唯一 (统一, 同一, 单一) is part of a word, and 一家 the article
    if m["num"] in {"两", "二", "2"} and _PARTIES.search(text, max(0, s - 3), s):
        return True  # "校市两家的一件大喜事": the two parties of the signing, not two schools
    if m["num"] in {"百", "千", "万"} and not m["approx"] and not m["tail"] and prev != "上":
        return True  # 百所高校·百强企业对接会, 千名博士进企业: a bare round count is a name (近百所, 近万项 count)
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


def _region_for(mentions: list[RegionMention], lo: int, start: int, default: str | None,
                text: str = "") -> str | None:
    """The region a figure is about: the last one the sentence names before it as its subject, else the report's.

    A region in a list (贺兰县、盐池县…分别与…) or after a preposition (与/赴/来自…) is not the subject of the
    figure: the figure stays with the report's region.
    """
    inside = [r for r in mentions if lo <= r.start < start and r.level != "province"
              and not (text and _not_subject_region(text, r, lo, mentions))]
    return inside[-1].name if inside else default


_REGION_PREP = re.compile(r"(?:与|和|同|赴|到|往|来自|前往|走进|对口|帮扶|支援|、)$")


def _not_subject_region(text: str, r: RegionMention, lo: int, mentions: list[RegionMention]) -> bool:
    """A region after a preposition, or one of a list of regions (贺兰县、盐池县), is not the figure's subject. A
    region followed by 与 and a partner (盐湖区与8所高校达成…) is: the figure is its own, not the report's."""
    end = r.start + len(r.name)
    if end < len(text) and text[end] in "、和与及" and any(m.start in (end + 1, end + 2) for m in mentions):
        return True
    return bool(_REGION_PREP.search(text, max(lo, r.start - 3), r.start))


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
    if _TABLE_HINT.search(text):
        figures.extend(_table_figures(text, mentions, report_region))
        figures.sort(key=lambda f: f.start)
    _mark_breakdowns(text, figures)
    return _without_restated_deals(_without_rounded_restatements(text, _without_restated_sets(text, figures)))


# --- breakdowns of a stated total (总数与分项: only the total is a figure) ----------------------------------------

# "服务于兰州市的项目118个,占项目总数的54.13%": the figure states its share of a total.
_SHARE = re.compile(r"占(?:比|[^，,。；;%\d]{0,14}?的?)\d+(?:\.\d+)?[%％]")
# "签约项目中服务于本市的项目106个", "在参会单位中,浙江有57家": a sentence that opens inside a set already counted.
_SET_OPENER = re.compile(r"\s*在?[^，,。；;\d\s]{0,10}?(?:项目|单位|企业|高校|院校|院所|协议|合同|岗位|成果|需求)中"
                         r"(?![心国期小试标央部间型外华医药])[，,]?")  # not 中心, 中国, 中期 …
# Contracts signed are broken down by the projects they sign; a part that says more (已落地…) keeps its own metric,
# as after 其中.
_SIGNED_WHOLES = frozenset({"agreements", "projects_signed"})
_SIGNED_PARTS = frozenset({"projects_signed", "projects", "agreements"})


def _same_kind(whole: StatedFigure, part: StatedFigure) -> bool:
    return whole.metric == part.metric or (whole.metric in _SIGNED_WHOLES and part.metric in _SIGNED_PARTS)


def _sentence_start(text: str, at: int) -> int:
    return max(text.rfind(c, 0, at) for c in "。！？!?\n") + 1


def _mark_breakdowns(text: str, figures: list[StatedFigure]) -> None:
    """A figure that breaks down a total stated earlier in the report is a part (part_of), as the labelling rules
    keep only the total: one that states its share of the total ("占项目总数的54.13%"), and the figures of a sentence
    that opens inside the set already counted ("签约项目中…106个", "在参会单位中…合计带来1200余个工作岗位"). Without
    an earlier total of the same kind the figure is the only statement and stays ("19所高校签约57项,占全部…的74%")."""
    for i, fig in enumerate(figures):
        if fig.part_of is not None or fig.is_plan:
            continue
        end = text.find("。", fig.start)
        end = len(text) if end < 0 else end
        # the share may follow the figure's own amount ("项目118个,签约金额5.7亿元,占项目总数的54.13%"): it is the
        # count's share unless another count comes first
        nxt = next((f.start for f in figures[i + 1 :]
                    if f.start > fig.start and (f.metric in _MONEY) == (fig.metric in _MONEY)), end)
        opens = _SET_OPENER.match(text, _sentence_start(text, fig.start))
        if not (_SHARE.search(text, fig.start, min(end, nxt)) or opens):
            continue
        before = opens.start() if opens else fig.start
        if any(e.start < before and not e.is_plan and _same_kind(e, fig) and e.value > fig.value for e in figures):
            fig.part_of = fig.metric
    _mark_parts_of_a_sum(text, figures)
    _mark_listed_in_a_total(text, figures)
    _mark_continued_breakdowns(text, figures)
    _mark_selections(text, figures)
    _mark_summed_parts(text, figures)
    _mark_money_of_parts(text, figures)
    _mark_restated_parts(figures)


# "确定本次来连对接的…18项技术需求", "重点发布100余项", "展出1491项", "邀请241所高校" (of the 425 attending): what is
# picked out of a set already counted; so is what a clause takes from the list just published ("与清单中2项技术需求
# 成功匹配").
_PICKED = re.compile(r"确定本次|遴选|筛选|精选|选出|择优|重点发布|对外发布|展出|邀请|推介|(?:清单|名单|目录)中")


# Items an event collects and then shows or picks from, and the schools it gathers and then invites to one of its
# parts; projects picked for a signing on stage are signings of their own ("遴选了15个…项目现场签约"), as the labels
# have them.
_COLLECTED = frozenset({"tech_demand", "talent_demand", "project_demand", "achievements", "universities"})


def _mark_selections(text: str, figures: list[StatedFigure]) -> None:
    """Needs, achievements or schools picked out (遴选, 重点发布, 展出, 邀请, 推介…) of a larger count of the same
    kind stated earlier in the paragraph or the one before are a part of it: the labelling rules keep what was
    collected, not what was then shown of it ("发布科技成果2656项。\n…现场推介20项科技成果"). The picking verb
    stands in the part's clause, or between the whole and the part in one sentence."""
    for fig in figures:
        if fig.part_of is not None or fig.is_plan or fig.metric not in _COLLECTED:
            continue
        clause_start = max(text.rfind(c, 0, fig.start) for c in "，,；;。\n") + 1
        picked_here = bool(_PICKED.search(text, clause_start, fig.start))
        sentence = _sentence_start(text, fig.start)
        paragraph = text.rfind("\n", 0, fig.start)
        paragraph = text.rfind("\n", 0, paragraph) + 1 if paragraph > 0 else 0
        # the picking may also be told between the two in the same sentence ("征集…需求208项,经专家遴选,公开发布…
        # 112项技术需求")
        if any(paragraph <= e.start < clause_start and not e.is_plan and _same_kind(e, fig) and e.value > fig.value
               and (picked_here or (e.start >= sentence and _PICKED.search(text, e.start, clause_start)))
               for e in figures):
            fig.part_of = fig.metric


# A list joined to a counted first item and closed by 等 with its own count ("156个新品种以及新技术、新工艺等200余项").
_LIST_CLOSED = re.compile(r"[^，,。；;！？!?\n\d]*?(?:以及|及|和|与)[^，,。；;！？!?\n\d]*?等"
                          r"(?:共计|共|合计|总计|约|近|逾|超过)?$")


def _mark_listed_in_a_total(text: str, figures: list[StatedFigure]) -> None:
    """A count that opens a list which 等 then closes with a larger count of the same kind, in one clause ("展示了近
    156个新品种以及新技术、新工艺等200余项"), is an item of that total: 等N项 sums the list up, the first item
    included, and the labelling rules keep the total only."""
    for i, fig in enumerate(figures[:-1]):
        total = figures[i + 1]
        if fig.part_of is not None or fig.is_plan or total.is_plan or not _same_kind(total, fig) \
                or total.value <= fig.value:
            continue
        item_end = fig.start + text[fig.start : total.start].find(fig.unit[-1:]) + 1
        if item_end > fig.start and _LIST_CLOSED.match(text[item_end : total.start]):
            fig.part_of = fig.metric


# "同时,…", "此外,…": a sentence that goes on with what the sentence before it was listing.
_GOES_ON = re.compile(r"\s*(?:同时|此外|另外|另有|还有)")


def _previous_sentence(text: str, start: int) -> int:
    """Where the sentence before the one starting at ``start`` starts."""
    end = start
    while end > 0 and text[end - 1] in "。！？!?\n \u3000":
        end -= 1
    return _sentence_start(text, end)


def _mark_continued_breakdowns(text: str, figures: list[StatedFigure]) -> None:
    """A breakdown that goes on past its 其中 sentence ("签署了50项协议。其中,…5项协议…。\n同时,…签订…协议25项")
    is still a breakdown: a figure of the same kind within the total stated before the 其中 sentence is a part."""
    for fig in figures:
        start = _sentence_start(text, fig.start)
        if fig.part_of is not None or fig.is_plan or not _GOES_ON.match(text, start) or start < 2:
            continue
        listing = _previous_sentence(text, start)
        if not text[listing:start].lstrip().startswith("其中"):
            continue
        total_from = _previous_sentence(text, listing)
        if any(total_from <= e.start < listing and not e.is_plan and _same_kind(e, fig) and e.value > fig.value
               for e in figures):
            fig.part_of = fig.metric


# "合计签约项目32个", "总计…": the sum of what the paragraph has counted so far.
_SUM = re.compile(r"合计|总计|共计")


def _mark_parts_of_a_sum(text: str, figures: list[StatedFigure]) -> None:
    """A figure summed up later in its paragraph ("…等26个重大合作项目签约落地。…合计签约项目32个") is a part of the
    sum: only the sum is a figure."""
    for fig in figures:
        if fig.is_plan or not _SUM.search(_before(text, fig.start, _sentence_start(text, fig.start))):
            continue
        paragraph = text.rfind("\n", 0, fig.start) + 1
        for e in figures:
            if paragraph <= e.start < fig.start and e.part_of is None and not e.is_plan and _same_kind(fig, e) \
                    and e.value < fig.value:
                e.part_of = e.metric


def _next_paragraph_end(text: str, at: int) -> int:
    """The end of the paragraph after the one ``at`` is in (a report may state the total, then break it down)."""
    end = text.find("\n", at)
    end = text.find("\n", end + 1) if end >= 0 else -1
    return len(text) if end < 0 else end


def _summing_run(total: StatedFigure, later: list[StatedFigure]) -> list[StatedFigure]:
    """The first run of two or more consecutive figures in ``later`` whose values add up to the total, if any."""
    for i in range(len(later)):
        acc = Decimal(0)
        for j in range(i, len(later)):
            acc += later[j].value
            if acc == total.value and j > i:
                return later[i : j + 1]
            if acc >= total.value:
                break
    return []


def _mark_summed_parts(text: str, figures: list[StatedFigure]) -> None:
    """Figures that follow a total in its paragraph or the next and add up to it, one after the other, break it down
    ("75所高校参展。\n…国内高校70所…另外还有5所国外高校"; "30个签约项目中有…10项…另有…20项"): only the total is a
    figure. Inner totals are read first, so the parts of a part ("上海地区高校20所,外省市高校50所") are set aside
    before the outer sum is looked for."""
    for total in sorted(figures, key=lambda f: -f.start):
        if total.part_of is not None or total.is_plan or total.metric in _MONEY:
            continue
        end = _next_paragraph_end(text, total.start)
        later = [f for f in figures if total.start < f.start < end and f.part_of is None and not f.is_plan
                 and _same_kind(total, f) and f.value < total.value]
        for part in _summing_run(total, later):
            part.part_of = part.metric


def _mark_money_of_parts(text: str, figures: list[StatedFigure]) -> None:
    """Money stated after a part in the same sentence, with no other count or total in between, is the part's money
    ("另有校企合作项目20项,…技术合同金额超过1亿元"): a part of the whole's money, not a figure of its own."""
    owner: StatedFigure | None = None
    for fig in figures:
        if fig.metric not in _MONEY:
            owner = fig
            continue
        if owner is None or owner.part_of is None or fig.part_of is not None or fig.is_total or fig.is_plan:
            continue
        # money named as a total (签约总金额, 总投资) is the whole's, whatever part was counted before it
        whole = "总" in _before(text, fig.start, _sentence_start(text, fig.start))
        if not whole and not re.search(r"[。！？!?\n]", text[owner.start : fig.start]):
            fig.part_of = fig.metric


def _mark_restated_parts(figures: list[StatedFigure]) -> None:
    """A later figure with the value and metric of a part restates that part ("其中…高校43所…。…由43所高校共同呈现")."""
    parts = {(f.metric, f.value) for f in figures if f.part_of is not None}
    for fig in figures:
        if fig.part_of is None and not fig.is_plan and (fig.metric, fig.value) in parts:
            fig.part_of = fig.metric


# "在218个签约项目中,…": the set a breakdown is taken from, restated.
_SET_FRAME_AFTER = re.compile(r"[^，,。；;\d]{0,14}?中[，,]")


def _without_restated_sets(text: str, figures: list[StatedFigure]) -> list[StatedFigure]:
    """A number that only names the set a breakdown is taken from ("在218个签约项目中") restates a figure already
    given (签订…项目合同218项): it is dropped when the same value was stated before; said for the first time there, it
    stays a figure."""
    out: list[StatedFigure] = []
    for fig in figures:
        framed = text[max(0, fig.start - 1) : fig.start] == "在" and _SET_FRAME_AFTER.match(
            text, fig.start + len(str(fig.value)))
        if framed and any(e.value == fig.value for e in out):
            continue
        out.append(fig)
    return out


# "more than" approximations: 百余所, 60多个, 超过50所
_AT_LEAST = frozenset({"余", "多", "超", "超过", "逾"})


# What a report may restate under another name once they are traded: achievements or needs become the deals.
_DEALT_AS = {"achievements": ("projects_signed", "agreements"), "tech_demand": ("projects_signed", "agreements")}


def _without_restated_deals(figures: list[StatedFigure]) -> list[StatedFigure]:
    """The same count of things stated once as achievements (or needs) and once as deals is one fact, the deal
    ("交易科技成果696项" … "将促成696项科技成果在企业落地"; a headline's "89项农业科技成果…" over "89个科研项目
    正式签约"): the labels keep it once, as the deal. Counts under 50, or of two regions, coincide too often to
    judge."""
    def kept(f: StatedFigure) -> bool:
        deals = _DEALT_AS.get(f.metric)
        if not deals or f.is_plan or f.part_of is not None or f.value < 50:
            return True
        return not any(e.metric in deals and e.value == f.value and e.region == f.region and not e.is_plan
                       and e.part_of is None for e in figures)

    return [f for f in figures if kept(f)]


def _without_rounded_restatements(text: str, figures: list[StatedFigure]) -> list[StatedFigure]:
    """A rounded figure that restates a more precise one of the same metric is dropped (一个数字只记一次).

    In the same paragraph, an approximation restates an exact figure in its range: "组织百余所高校…。…101所高校参加"
    states 101 schools once, not 100 and 101 (百余 → 101…199, 60余 → 61…69; 近/约 either side). A headline (a short
    line without a full stop) restates the body in round numbers, approximate or not: "湖大校友签约1124亿元" over
    "签约额1124.7亿元"; so does the lead of a dispatch, approximately ("…日电 …签约金额超8亿元" over a later
    "8.59亿元"). In another paragraph a near figure is another statement (先后与20余所高校对接 … 截至目前共对接
    高校22所).
    """
    precise = [f for f in figures if not f.is_plan]

    def restated(f: StatedFigure) -> bool:
        step = _step(f)
        if step is None:
            return False
        headline = _in_headline(text, f.start)
        if f.approx is None and not headline:
            return False
        lead = _in_lead(text, f.start)
        for e in precise:
            if e is f or e.metric != f.metric or e.value == f.value or (e.approx is not None and e.approx != f.approx):
                continue
            # 百余 is 101…199; 近/约 half a step either side (近40: 35…45; 近万 restates no 1500); a headline's figure,
            # cut rather than rounded, a whole step (1124亿元 over 1124.7亿元)
            near_by = step if f.approx is None else step / 2
            low, high = (f.value, f.value + step) if f.approx in _AT_LEAST else (f.value - near_by, f.value + near_by)
            near = low < e.value < high and (_step(e) or step) < step
            if near and (headline or (lead and e.start > f.start)
                         or "\n" not in text[min(e.start, f.start) : max(e.start, f.start)]):
                return True
        return False

    return [f for f in figures if not restated(f)]


_SCALE_OF_UNIT = {"万": Decimal(10000), "亿": Decimal(100000000)}


def in_stated_unit(value: Decimal | int | float, unit: str) -> Decimal:
    """A figure's expanded value back in the unit the report wrote (3.6 for 360000000 in 亿元, 8600 for 86000000 in
    万元), so a value is never printed beside a unit it is not counted in."""
    scaled = Decimal(str(value)) / _SCALE_OF_UNIT.get(unit[:1], Decimal(1))
    return scaled.quantize(Decimal(1)) if scaled == scaled.to_integral_value() else scaled.normalize()


def _step(f: StatedFigure) -> Decimal | None:
    """One unit of the last digit the figure was written with: 1124亿元 → 1亿, 1124.7亿元 → 0.1亿, 百余 → 100."""
    if f.value <= 0:
        return None
    scale = _SCALE_OF_UNIT.get(f.unit[:1], Decimal(1))
    written = (f.value / scale).normalize()
    exponent = written.as_tuple().exponent
    return scale * Decimal(10) ** exponent if isinstance(exponent, int) else None


# The dateline that opens a news dispatch (新华社合肥3月1日电, 本报讯, 网讯): its paragraph is the lead.
_DATELINE = re.compile(r"\d{1,2}日电|[报网台]讯|日讯")


def _in_lead(text: str, at: int) -> bool:
    """The figure stands in the lead of a dispatch: a paragraph opening with its dateline, which sums up in round
    numbers ("现场签约金额超8亿元") what the body then states precisely ("签约金额达8.59亿元")."""
    start = text.rfind("\n", 0, at) + 1
    return bool(_DATELINE.search(text, start, min(at, start + 40)))


def _in_headline(text: str, at: int) -> bool:
    """The figure stands in a headline: a line of at most 40 characters with no full stop."""
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    line = text[start : end if end >= 0 else len(text)]
    # a headline may ask (…为何齐聚南京?): only a mark inside the line ends a sentence
    return len(line.strip()) <= 40 and not re.search(r"[。！？!?]", line.strip().rstrip("？?！!"))


# --- tables (表格) ---------------------------------------------------------------------------------------------

# A table copied as text: rows of cells split by | or by spaces, under a header that names each column and its
# unit — in the header cell (揭榜金额（万元）) or in a 单位：万元 line just above. The numbers in the cells have no
# classifier of their own, so the column gives them their noun and unit.
_TABLE_HINT = re.compile(r"单位\s*[:：]|[（(](?:万元|亿元|元|个|项|家|所|名|人)[)）]")
_CELL_SPLIT = re.compile(r"\s*[|｜]\s*")
_HEADER_UNIT = re.compile(r"[（(]\s*(?:单位\s*[:：]\s*)?(万元|亿元|元|个|项|家|所|名|人)\s*[)）]")
_UNIT_LINE = re.compile(r"单位\s*[:：]\s*(万元|亿元|元)")
_CELL_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_SCALE = {"万元": Decimal(10000), "亿元": Decimal(100000000)}


def _cells(line: str) -> list[str]:
    parts = _CELL_SPLIT.split(line.strip(" |｜")) if line.count("|") + line.count("｜") >= 2 else line.split(" ")
    return [p.strip() for p in parts]


def _table_figures(text: str, mentions: list[RegionMention], report_region: str | None) -> list[StatedFigure]:
    lines: list[tuple[int, str]] = []
    pos = 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    out: list[StatedFigure] = []
    i = 0
    while i < len(lines):
        header = _cells(lines[i][1])
        columns = _table_columns(header, [lines[k][1] for k in range(max(0, i - 2), i)]) if len(header) >= 3 else {}
        if not columns:
            i += 1
            continue
        i += 1
        while i < len(lines) and len(row := _cells(lines[i][1])) == len(header):
            row_start, row_line = lines[i]
            for col, (metric, unit, plan) in columns.items():
                if not _CELL_NUMBER.fullmatch(row[col]):
                    continue
                value = Decimal(row[col].replace(",", "")) * _SCALE.get(unit, Decimal(1))
                at = row_start + row_line.find(row[col])
                out.append(StatedFigure(
                    metric=metric, value=value, unit=unit, approx=None, quote=row_line.strip(),
                    region=_region_for(mentions, row_start, at, report_region), is_plan=plan, start=at,
                ))  # fmt: skip
            i += 1
    return out


def _table_columns(header: list[str], above: list[str]) -> dict[int, tuple[str, str, bool]]:
    """Columns of a header row that name a figure and its unit: index → (metric, unit, is_plan)."""
    if any(_CELL_NUMBER.fullmatch(cell) for cell in header):
        return {}  # a data row, not a header
    default = next((m.group(1) for line in above if (m := _UNIT_LINE.search(line))), None)
    columns: dict[int, tuple[str, str, bool]] = {}
    for col, cell in enumerate(header):
        found = _HEADER_UNIT.search(cell)
        unit = found.group(1) if found else default
        if not unit:
            continue
        name = _HEADER_UNIT.sub("", cell)
        money = unit.endswith("元")
        metric = _best_keyword(name, "元" if money else unit, money=money, rightmost=True)
        if metric:
            plan = bool(_PLAN.search(name)) and not (metric == "investment" and _PLANNED_INVESTMENT.search(name))
            columns[col] = (metric, unit, plan)
    return columns


def _sentence_figures(text: str, lo: int, hi: int, mentions: list[RegionMention], quoted: list[tuple[int, int]],
                      report_region: str | None, previous: list[StatedFigure]) -> list[StatedFigure]:
    sentence = text[lo:hi]
    out: list[StatedFigure] = []
    total_metric: dict[str, StatedFigure] = {}
    for m in _NUMBER.finditer(text, lo, hi):
        if _skip(text, m, quoted):
            continue
        metric = _classify(text, m, lo, hi)
        if metric == "projects" and _clause_deals(text, m.start(), m.end(), lo, hi):
            metric = "projects_signed"
        parsed = _number(m) if metric else None
        if not metric or not parsed:
            continue
        value, unit, approx = parsed
        if metric in (_ELLIPTIC, _ELLIPTIC_LOCAL, _SIBLING_OF):
            earlier = out if metric == _ELLIPTIC_LOCAL else [*previous, *out]
            metric = _whole_of(value, m["cls"], earlier, any_value=metric == _SIBLING_OF)
            if not metric:
                continue
            metric = _refine_part(metric, _before(text, m.start(), lo), _after(text, m.end(), hi))
        else:
            metric = _as_part_of_total(text, lo, m.start(), value, m["cls"], metric, previous, out)
            if metric == "universities" and (_not_partner_schools(text, m, lo, hi) or _mixed_schools(text, m, lo, hi)):
                continue
            if metric == "bases" and _participant_bases(text, m, lo, hi):
                continue
            if metric in {"universities", "bases"} and _place_holdings(text, m, lo, hi):
                continue
            if metric == "achievements" and _research_outputs(text, m, lo):
                continue
            if (metric in _MONEY or metric in _PROJECT_COUNTS) and _economy_wide(text, m.start(), lo):
                continue
        if _not_own_figure(text, m, lo, hi, metric) or _rest_of_counted_set(text, m, lo, metric, [*previous, *out]):
            continue
        if _POOL_FROM.search(text, lo, m.start()) and _POOL_PICK.match(text, m.end()):
            continue  # "从高校上万件成果中选出2150项": the pool a selection is made from, not the programme's figure
        head = text[lo : m.start()]
        fig = StatedFigure(
            metric=metric, value=value, unit=unit, approx=approx, quote=sentence.strip(),
            region=_region_for(mentions, lo, m.start(), report_region, text), period=_period_for(head),
            is_plan=_is_plan(text, lo, m.start(), m.end(), metric),
            is_total=bool(_TOTAL.search(_before(text, m.start(), lo))), start=m.start(),
        )  # fmt: skip
        _link_breakdown(fig, head, lo, total_metric)
        if fig.part_of is None and metric in _PROJECT_COUNTS and _size_class(text, lo, m.start(), m.end(), hi):
            fig.part_of = metric  # "签约百亿元以上投资项目达9个": the projects of one size, a part of those signed
        if fig.part_of is None and sentence.lstrip().startswith("其中"):
            _link_to_previous(fig, previous)
        out.append(fig)
    _sign_intended_projects(text, out)
    _sign_matched_achievements(text, out)
    _signed_investment(text, out)
    return out


# The pool a clause selects from (从…N…中选出/遴选): the selection that follows is the figure.
_POOL_FROM = re.compile(r"从[^，,。；;]{0,16}$")
_POOL_PICK = re.compile(r"[^，,。；;\d]{0,10}?中(?:选出|选取|遴选|精选|挑选|筛选|评选|择优)")


# Achievements a clause matches with the place's firms (对接科技成果2692个): deals once their money is stated.
_MATCHED = re.compile(r"对接")


def _sign_matched_achievements(text: str, out: list[StatedFigure]) -> None:
    """Achievements or projects matched (对接) in their clause and followed by the total investment or amount they
    carry, with no other count in between ("与高校对接科技成果500个,总投资额80亿元", "共对接合同项目1700项,总投资
    380亿元"), are deals, as the labels have traded achievements (交易科技成果696项,签约金额…): signed projects,
    whose investment ``_signed_investment`` then files as the amount signed. Matched with no money stated, they stay
    what they were."""
    for i, fig in enumerate(out):
        if fig.metric not in {"achievements", "projects"} or fig.is_plan or fig.part_of is not None:
            continue
        clause_start = max(text.rfind(c, 0, fig.start) for c in "，,；;。\n") + 1
        if not _MATCHED.search(text, clause_start, fig.start):
            continue
        nxt = out[i + 1] if i + 1 < len(out) else None
        # projects carry their total investment; achievements may carry the amount they were traded for
        amounts = {"investment"} if fig.metric == "projects" else {"investment", "amount_signed"}
        money = nxt is not None and nxt.metric in amounts and (
            nxt.metric == "amount_signed" or _INVESTMENT_TOTAL.search(text, max(0, nxt.start - 12), nxt.start))
        if money:
            fig.metric = "projects_signed"


_INVESTMENT_TOTAL = re.compile(r"(?:总投资额?|投资总额|协议总投资|项目(?:研发)?总投入)"
                               r"(?:共计|合计|共|达到|达|约|为|逾|超过|超)?$")
# The total input of the projects counted just before (项目研发总投入3.5亿元): their investment, signed money when the
# sentence has signed them (the real reports' labels, bench/ingest/reports_news/README.md, fifth batch).
_PROJECT_INPUT = re.compile(r"项目(?:研发)?总投入(?:共计|合计|共|达到|达|约|为|逾|超过|超)?$")


def _signed_investment(text: str, out: list[StatedFigure]) -> None:
    """The total investment of the projects a sentence has just signed is the amount signed (签约金额), as the real
    reports' labels have it: "签约项目20个,投资总额约57.91亿元", "5个重大项目签约,总投资4.36亿元". A project's
    own investment (该项目总投资…), a planned one and that of projects counted after the signed ones and not signed
    themselves (…达成合作项目1185项,形成创业投资项目22项、投资总额2亿元) stay investments."""
    for fig in out:
        if fig.metric != "investment" or fig.is_plan:
            continue
        if not _INVESTMENT_TOTAL.search(text, max(0, fig.start - 12), fig.start):
            continue
        counts = [f for f in out if f.metric in _PROJECT_COUNTS and f.part_of is None and f.start < fig.start]
        if counts and counts[-1].metric == "projects_signed":
            fig.metric = "amount_signed"


def _not_partner_schools(text: str, m: re.Match[str], lo: int, hi: int) -> bool:
    """Schools that are no partners of the report's place (合作高校): those it has or hosts ("全市现有高校12所",
    "21所驻地高校", "驻市高校8所") — unless the same clause signs or cooperates with them, as the other party
    ("与甲大学等5所驻地高校战略合作集中签约") or as the ones that sign ("8所驻市高校与县政府签订协议"): hosted
    schools a place signs with are its partners."""
    hosted = bool(_STOCK.search(_before(text, m.start(), lo)) or _STOCK_AFTER.match(text, m.end()))
    organises = _ORGANISES.match(text, m.end())  # "…重庆大学三所高校参与承办": hosts of the event, not partners
    return (hosted and not _signs_with(text, m, lo, hi)) or _hiring_schools(text, m, lo, hi) or bool(organises)


_ORGANISES = re.compile(r"[^，,。；;\d]{0,8}?(?:参与|共同|联合)?(?:承办|主办|协办)")


# Schools that recruit (4所新设本科院校在…进行专场招聘, …高校拟引进…人才) are employers, not partners of a cooperation.
_HIRES = re.compile(r"招聘|招才|引才|求贤|揽才|引进[^，,。；;]{0,16}?(?:人才|博士|硕士|教师)")
# Schools named as the ones that came to recruit ("前来上海招聘的浙江高校就有42所"): employers at a job fair.
_RECRUITERS = re.compile(r"(?:招聘|招才|引才|揽才)的[^，,。；;\d]{0,8}?(?:高校|院校|大学|院所|科研院所|学校)")
_LIST_GOES_ON = re.compile(r"\s*(?:另外还有|另外|还有|另有)")
# … unless the place goes to them to recruit ("走进…30余所高校开展招聘"): then they are where the cooperation happens.
_TO_THEM = re.compile(r"走进|赴|到|进入|深入|前往|来到|与|同|在")


def _hiring_schools(text: str, m: re.Match[str], lo: int, hi: int) -> bool:
    """The schools are the subject of a recruiting verb that follows them closely (the next clause may carry it:
    "…4所新转设本科高校,拟引进334名…人才"), or the recruiters the clause names ("前来招聘的浙江高校就有42所", and
    the list it goes on with: "另外还有科研院所17家")."""
    clause_start = _clause_start(text, m.start(), lo)
    if _RECRUITERS.search(text, clause_start, m.start()):
        return True
    if _LIST_GOES_ON.match(text, clause_start) and clause_start > lo:
        previous_clause = max(lo, max(text.rfind(c, lo, clause_start - 1) for c in "，,；;") + 1)
        if _RECRUITERS.search(text, previous_clause, clause_start):
            return True
    hires = _HIRES.search(text, m.end(), min(hi, m.end() + 24))
    # "30所高校的2000名毕业生参加招聘会": another count, or attending, between them: the schools do not recruit
    between = text[m.end() : hires.start()] if hires else ""
    if not hires or re.search(r"\d|参加|参与|出席", between):
        return False
    # in the next clause only as its first verb ("…高校,拟引进…"), not after another one ("…,举办招聘活动20场次")
    cut = max(between.rfind(c) for c in "，,；;")
    if cut >= 0 and not re.fullmatch(r"(?:拟|将|计划|并|还|共|面向[^，,；;]{0,4})?", between[cut + 1 :]):
        return False
    return not _TO_THEM.search(text, clause_start, m.start())


# What research produced (取得…成果, 产出…成果, 申报专利): outputs of the work, not achievements put forward for a
# cooperation — unless the clause then shows, collects or transfers them (取得成果后对接转化…). Registrations and
# grants (科技成果登记45项, 专利授权5410件) are a place's research statistics, left out by the real reports' labels
# (the synthetic d03 label of a school's 获授权发明专利512件 is the one that counts them).
_OBTAINED = re.compile(r"取得|产出|(?:申报|申请)[^，,。；;]{0,4}?专利|专利申请|登记|授权")
_PUT_FORWARD = re.compile(r"发布|推介|推出|展示|展出|征集|收集|携带|带来|转化|转移|推广|落地|对接|交易|签约|签订")


def _research_outputs(text: str, m: re.Match[str], lo: int) -> bool:
    """Achievements the clause says a project or team obtained ("32个优秀项目…取得授权、申报专利技术和相关技术成果
    57项"): the outputs of research (科研产出), which the labels never count — they count achievements released,
    presented, collected or transferred at or by the cooperation."""
    clause_start = _clause_start(text, m.start(), lo)
    obtained = list(_OBTAINED.finditer(text, clause_start, m.start()))
    return bool(obtained) and not _PUT_FORWARD.search(text, obtained[-1].end(), m.start())


# A gloss that puts another kind of party inside the count (高校院所（含技术团队）27家): not schools only.
_MIXED_GLOSS = re.compile(r"[（(](?:含|包括|包含)[^（）()]{0,10}?(?:团队|企业|公司|单位|个人)[^（）()]{0,4}[)）]")


def _mixed_schools(text: str, m: re.Match[str], lo: int, hi: int) -> bool:
    """Schools counted together with teams or firms, as a gloss in the figure's clause says ("走访高校院所（含技术
    团队）27家"), or as the list the count heads says ("30多家中央企业、科研院所", "21家高校、院所及科技服务机构"):
    a mixed count, which the labelling rules leave out; a gloss naming schools only (高校（含科研院所）) keeps the
    count."""
    clause_start = _clause_start(text, m.start(), lo)
    clause_end = _clause_end(text, m.end(), hi)
    return bool(_MIXED_GLOSS.search(text, clause_start, clause_end)) or _mixed_list(text, m, hi)


# Parties that are not schools or research institutes (科研机构, 研究机构 and 科研单位 are).
_OTHER_PARTY = re.compile(r"企业|公司|(?<!科研)(?<!研究)机构|团队|(?<!科研)单位|事务所|协会|商会")
_LIST_JOIN = re.compile(r"、|以及|及|和")


def _mixed_list(text: str, m: re.Match[str], hi: int) -> bool:
    """The count (in 家 or 个, which count firms as well as schools; 所 counts schools only) heads a list joined by
    、/及/和 that names another kind of party: the number counts them all. The list ends at 的 (what they send) and
    at a verb or a counterpart (与企业签约 names the other side, not a list item)."""
    if m["cls"] not in "家个":
        return False
    after = _after(text, m.end(), hi)
    cut = len(after)
    for p in _PREDICATE.finditer(after):
        if p.group() not in {"和", "及"}:
            cut = p.start()
            break
    de = after.find("的", 0, cut)
    items = after[: de if de >= 0 else cut]
    return bool(_LIST_JOIN.search(items)) and bool(_OTHER_PARTY.search(items))


# A clause that makes the schools a party: a counterpart marker and a verb of signing or cooperating after them.
_WITH = re.compile(r"与|同")
_SIGNS = re.compile(r"签约|签订|签署|合作协议|战略合作|开展合作|建立合作|达成合作")


def _signs_with(text: str, m: re.Match[str], lo: int, hi: int) -> bool:
    """The clause signs with the schools: the verb after them ("…高校与县政府签订协议") or, with its counterpart,
    before them ("与市政府签署合作协议的还有驻市其他6所高校": the schools are who signed)."""
    clause_start = _clause_start(text, m.start(), lo)
    clause_end = _clause_end(text, m.end(), hi)
    after = text[m.end() : clause_end]
    if _SIGNS.search(after) and (_WITH.search(text, clause_start, m.start()) or _WITH.search(after)):
        return True
    head = _SIGNS.search(text, clause_start, m.start())
    return bool(head and _WITH.search(text, clause_start, head.start()) and "的" in text[head.end() : m.start()])


# A place's economy as a whole: its investment promotion from every source (招商引资) is a statistic of the place, not
# deals of the cooperation the report is about. (A place's technology market is left out by _TERRITORY_MARKET; the
# contracts its schools export, "高校院所输出技术合同成交额", stay: the synthetic dev labels count them.)
_ECONOMY_WIDE = re.compile(r"招商引资")


def _economy_wide(text: str, start: int, lo: int) -> bool:
    """Money or projects that the clause counts under the place's economy as a whole
    ("武汉招商引资签约项目投资19430亿元"): the reader abstains rather than file them as the programme's figures."""
    clause_start = _clause_start(text, start, lo)
    return bool(_ECONOMY_WIDE.search(text, clause_start, start))


# The rest of a set ("还与另外四所高校签署了…协议", "其余3所", "签署…的还有其他6所高校").
_REST_OF = re.compile(r"(?:另外|其余|其他|其它)$")


def _rest_of_counted_set(text: str, m: re.Match[str], lo: int, metric: str, earlier: list[StatedFigure]) -> bool:
    """The rest of a set already counted ("与6所高校签署协议。其中…还与另外五所高校签署了…") is no figure of its own;
    the rest of a party named without a count ("我校与市政府签约。…签署的还有其他6所高校": six more besides the writer)
    is the only count of them, and stays."""
    return bool(_REST_OF.search(text, max(lo, m.start() - 3), m.start())) and any(
        e.metric == metric and not e.is_plan for e in earlier)
# Agreements counted together with intentions ("达成项目合作意向或签订合作协议568项", "协议(意向)246项").
_WITH_INTENTS = re.compile(r"意向或|或[^，,。；;]{0,8}意向|协议[（(]意向[)）]")
# Still being negotiated ("正在洽谈的还有22所"): not yet partners, agreements or signed projects.
_NEGOTIATING = re.compile(r"正在洽谈|正在商谈|正在对接|洽谈中|商谈中")
_DEAL_METRICS = frozenset({"universities", "agreements", "projects_signed", "amount_signed"})
# Two kinds of need counted as one ("600多项企业技术需求和融资项目需求", "技术需求与融资需求6824项"): a mixed count,
# which the labelling rules leave out; needs counted apart ("技术难题80个、融资需求60项") are not mixed.
_MIXED_NEEDS = re.compile(r"需求[^\d，,。；;]{0,8}?(?:和|与|及|以及)[^\d，,。；;]{0,6}?(?:融资|资金)")
# Achievements and needs counted as one ("集中发布200项科技成果和技术需求"): a mixed count.
_MIXED_OFFERS = re.compile(r"成果[^\d，,。；;]{0,2}?(?:和|与|及|以及)[^\d，,。；;]{0,4}?需求")
# A school's own record, told in a report of its cooperation (福州大学在办学过程中…已建设了…131个省部级科技创新
# 平台): what the school built over its history, not what the cooperation brought about.
_OWN_RECORD = re.compile(r"办学过程中|办学以来|建校以来|(?:建校|办学)\d+(?:多|余)?年来")
# A share taken of the set just named ("…高校中,将至少有1/3的高校…", "…中,超过60%…"): when the set is all of a
# territory's (全国3000多所高校中), it is the territory's stock; a set of results stays a figure ("在签约的45个项目中,
# 大部分已开工").
_SHARE_OF_SET = re.compile(r"\d+/\d+|\d+(?:\.\d+)?[%％]|[一二三四五六七八九十]分之[一二三四五六七八九十]|"
                           r"一半|半数|过半|大多数|大部分")
_WHOLE_TERRITORY = re.compile(r"(?:全国|全省|全市|全区|全县)(?:共有|有)?$")
# A place described by what it is made of ("由平台区、学院区及孵化区构成"): its facilities are its stock.
_MADE_OF = re.compile(r"由[^。；;]{1,30}?(?:构成|组成)")
# A place's technology market ("全省共完成技术合同登记25947项", "全省吸纳、输出技术合同成交额…", "全市技术合同成交额
# 达到586.4亿元", "贵安新区技术合同成交额突破100亿元", "企业登记的技术合同6968项"): the contracts of every party in it,
# not the deals of the cooperation the report is about — as the issue's own r5 and four real reports are labelled. A
# district's 技术合同登记额 named as an assessment indicator, with no place word before it, stays.
_TERRITORY_MARKET = re.compile(r"(?:全省|全国|全市|全区|我省|我市|我区|新区|本市|本省)[^。；;]{0,10}?技术合同|"
                               r"登记的?技术合同")
# … until the sentence comes back to the cooperation's own time (今年, 此次, 会上…).
_NOW = re.compile(r"今年|本年|此次|本次|这次|当天|当日|会上|会期|日前|近日|目前")


def _in_own_record(text: str, lo: int, start: int) -> bool:
    ends = [r.end() for r in _OWN_RECORD.finditer(text, lo, start)]
    return bool(ends) and not _NOW.search(text, ends[-1], start)


def _not_own_figure(text: str, m: re.Match[str], lo: int, hi: int, metric: str) -> bool:
    """A number the reader abstains on: the rest of a set already counted, what is still being negotiated, a count
    of technology needs mixed with needs of another kind, or a school's own record."""
    if _in_own_record(text, lo, m.start()):
        return True
    if _SET_FRAME_AFTER.match(text, m.end()) and _SHARE_OF_SET.search(text, m.end(), hi) and \
            _WHOLE_TERRITORY.search(text, max(lo, m.start() - 4), m.start()):
        return True  # "全国3000多所高校中,将至少有1/3…": a territory's whole set a share is taken from
    if metric == "bases" and _MADE_OF.search(text, lo, m.start()):
        return True  # "创新港由平台区…构成,…建立了…29个研究院": what a site is made of, not what was built for it
    if metric in {"agreements", "amount_signed"} and _TERRITORY_MARKET.search(text, lo, m.start()):
        return True
    clause_start = _clause_start(text, m.start(), lo)
    clause_end = _clause_end(text, m.end(), hi)
    if metric in _DEAL_METRICS and _NEGOTIATING.search(text, clause_start, m.start()):
        return True
    if metric == "agreements" and _WITH_INTENTS.search(text, clause_start, clause_end):
        return True  # "达成项目合作意向或签订合作协议568项", "签订…协议(意向)246项": agreements and intentions mixed
    if metric in {"tech_demand", "achievements"} and _MIXED_OFFERS.search(text, clause_start, clause_end):
        return True
    return metric == "tech_demand" and bool(_MIXED_NEEDS.search(text, clause_start, clause_end))


# What the participants of an event do: present themselves (推介, 参展…) or, as the other party, meet (对接, 洽谈…).
_PRESENTER = re.compile(r"推介|参会|参展|参加|参与|亮相|路演|发言")
_MEETING = re.compile(r"对接|洽谈|交流|座谈")
_COUNTERPART = re.compile(r"(?:与|同|和)[^，,；;。]*$")


def _participant_bases(text: str, m: re.Match[str], lo: int, hi: int) -> bool:
    """Platforms or labs counted as the participants of an event, not bases built (基地/平台): those that present
    themselves ("4家创新平台…进行了现场推介") and those met as the other party ("与…28个开放实验室…进行了现场对接").
    A place's own bases that go and meet others ("推动全县5家创业创新基地与高校开展对接") stay bases."""
    rest = _clause_after(text, m.end(), hi)
    if _PRESENTER.search(rest):
        return True
    clause_start = _clause_start(text, m.start(), lo)
    return bool(_MEETING.search(rest) and _COUNTERPART.search(text, clause_start, m.start()))


# What says a thing was built or named (建成, 揭牌, 认定…): read by _clause_after.
_CREATED = re.compile(r"建|设立|成立|揭牌|授牌|挂牌|认定|获批|入选|命名|落户|入驻")
# Words that tie a zone to schools or a cooperation (与高校共建的产业基地): then it is no place's stock alone.
_COOPERATION = re.compile(r"高校|大学|院校|院所|校地|校企|市校|县校|产学研|合作|共建|联合")


# What a place holds or was approved for (拥有84所高等院校、400余家科研机构; 累计获得批准建立院士工作站8个、专家工作站
# 38个): the verb governs every item of the list after it.
_HOLDS = re.compile(r"拥有|现有|坐拥|建有|设有|获批|批准")
# … or gathers (集聚, 汇聚), unless an event does the gathering (两届科交会累计聚集了…350多所高校: its participants).
_GATHERS = re.compile(r"集聚|聚集|汇聚")
_EVENT = re.compile(r"会|展|活动|赛|论坛")
# Industrial zones and bases of industry: a place's, never a cooperation's, unless schools are named with them.
_ZONE = re.compile(r"产业化基地|产业基地|产业园|开发区|高新区")
# Counted by rank or rating (省级以上科创平台, 国字号科研院所, 世界一流大学建设高校): what a place has been rated for.
_RATED = re.compile(r"(?:国家|省|市|县|区|省部)级(?:以上)?|国字号|世界一流|一流(?:大学|学科)|双一流|认定的")
# Words that tie a count to a cooperation: the schools or bases are then partners, or built with them.
_COOPERATES = re.compile(r"签约|签订|签署|合作|共建|联合|对接|参加|参会|参展|走进|携手|结对|校地|校企|产学研|与|同|"
                         r"挂牌|授牌|揭牌")


def _place_holdings(text: str, m: re.Match[str], lo: int, hi: int) -> bool:
    """Schools or bases a place holds, or holds by a rating, with no cooperation in sight: its stock, which the
    labelling rules leave out (a city's schools and research bodies, 现已集聚…、…; 建成市级以上科技创新平台22个; its
    industrial zones and rated R&D bodies, 获批省以上产业基地（特色产业园）44个, 市级研发机构超过1000家)."""
    clause_start = _clause_start(text, m.start(), lo)
    clause_end = _clause_end(text, m.end(), hi)
    if "其中" in text[clause_start : m.start()]:
        return False  # a part of a count already made ("合作高校31所,其中“双一流”建设高校7所")
    gathered = _GATHERS.search(text, clause_start, m.start()) and not _EVENT.search(text, lo, m.start())
    if (gathered or _HOLDS.search(text, clause_start, m.start())) and \
            not _COOPERATES.search(text, clause_start, clause_end):
        return True
    # a rating qualifies one item of a list (新增省级以上研发机构9家、实施产学研合作项目39项): judged on its own
    item_start = max(clause_start, text.rfind("、", clause_start, m.start()) + 1)
    item_end = min([i for i in (text.find("、", m.end(), clause_end),) if i >= 0] or [clause_end])
    if _ZONE.search(text, item_start, item_end) and not _COOPERATION.search(text, clause_start, clause_end):
        return True  # industrial bases and zones given a plaque (5个国家高新技术产业化基地…授牌): no school's
    workstation = "工作站" in text[item_start:item_end]  # an academician's or graduates' station links firm and school
    return bool(_RATED.search(text, item_start, item_end)) and not workstation and \
        not _COOPERATES.search(text, item_start, item_end)


def _clause_after(text: str, end: int, hi: int) -> str:
    """The rest of the figure's clause, numbers included, unless the clause says the thing was built or named."""
    j = end
    while j < hi and text[j] not in "，,；;。！？!?\n":
        j += 1
    rest = text[end:j]
    return "" if _CREATED.search(rest) else rest


_PROJECT_COUNTS = frozenset({"projects", "projects_signed", "projects_landed"})
_SIZE = re.compile(r"(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千]+)\s?[万亿]?美?元(?:及)?以上|"
                   r"(?:超过|超|逾)(?:\d+(?:\.\d+)?|[一二三四五六七八九十百千]+)\s?[万亿]?美?元[^，,。；;\d]{0,6}?项目")


def _size_class(text: str, lo: int, start: int, end: int, hi: int) -> bool:
    """Projects counted by a size threshold in their clause (10亿元以上项目4个, 投资百亿元以上的9个, 超5000万元项目
    42个): a breakdown."""
    clause_start = _clause_start(text, start, lo)
    clause_end = _clause_end(text, end, hi)
    return bool(_SIZE.search(text, clause_start, clause_end))


_INTENDED = re.compile(r"[^，,。；;]{0,14}?达成[^，,。；;]{0,6}意向")
# Intentions of employment (就业意向) are people's, never projects.
_EMPLOYMENT_INTENT = re.compile(r"就业意向")


def _sign_intended_projects(text: str, out: list[StatedFigure]) -> None:
    """Projects that reached an intention count as signed when the sentence gives the amount they carry:
    "298项重大项目达成合作意向,总金额逾50亿元"; so do cooperation intentions counted as items with the amount of
    their agreements after them ("达成合作意向19项,协议金额1421万元"), as the labelling rules have it — not
intentions of employment, nor intentions followed by the amount of a signing of its own ("达成合作意向213项,现场签约
金额1420亿元": the money is the ceremony's)."""
    for fig in out:
        later = [f for f in out if f.metric == "amount_signed" and f.start > fig.start]
        own_signing = bool(later) and _SIGNED_ITSELF.search(text, max(fig.start, later[0].start - 10), later[0].start)
        if fig.metric == "intents" and later and fig.unit in {"项", "个"} and not own_signing and \
                not _EMPLOYMENT_INTENT.search(text, max(0, fig.start - 12), fig.start + 8):
            fig.metric = "projects_signed"
            continue
        if fig.metric != "projects":
            continue
        intended_before = _INTENT_ONLY.search(text[_sentence_start(text, fig.start) : fig.start])  # 达成意向项目30个
        if later and (_INTENDED.match(text, fig.start) or intended_before):
            fig.metric = "projects_signed"
        elif later and _SIGNED_AMOUNT_NOUN.search(text, fig.start, later[0].start):
            fig.metric = "projects_signed"  # "带来34个大项目,签约额1124.7亿元": the projects carry the amount signed


# The money of a signing named as such (现场签约金额, 集中签约金额): not the amount of intentions before it.
_SIGNED_ITSELF = re.compile(r"(?:现场|集中|当场|正式)签约")
# The amount a sentence names as signed (签约额, 签约金额…) after its projects.
_SIGNED_AMOUNT_NOUN = re.compile(r"签约(?:总)?(?:额|金额)")


def _whole_of(value: Decimal, cls: str, earlier: list[StatedFigure], *, any_value: bool = False) -> str | None:
    """The metric of the nearest earlier figure counted in the same classifier that can contain ``value`` (or of
    any value, for a figure that stands beside it)."""
    cls = _item_cls(cls)
    for fig in reversed(earlier):
        if fig.metric not in _MONEY and _item_cls(fig.unit.lstrip("万亿")) == cls and (any_value or fig.value >= value):
            return fig.metric
    return None


_PEOPLE = frozenset({"talents", "students", "experts"})
_SPECIFIC_PROJECTS = frozenset({"projects_signed", "projects_landed"})


def _as_part_of_total(text: str, lo: int, start: int, value: Decimal, cls: str, metric: str,
                      previous: list[StatedFigure], out: list[StatedFigure]) -> str:
    """A breakdown after 其中 counts what its total counts: "引进人才2146人，其中…本科毕业生1120人" are talents,
    "新签约项目28个，其中10亿元以上项目4个" are signed projects (a part that says more, 其中已落地42个, keeps
    its own)."""
    if metric not in _PEOPLE and metric != "projects":
        return metric
    seg = text[lo:start]
    q = seg.rfind("其中")
    if q < 0 or re.search(r"[；;。]", seg[q:]):
        return metric
    cls = _fit_cls(cls)
    wholes = [f for f in out if f.start < lo + q] or (previous if not seg[:q].strip() else [])
    for fig in reversed(wholes):
        if fig.metric in _MONEY or _fit_cls(fig.unit.lstrip("万亿")) != cls:
            continue
        if fig.value >= value and ((metric in _PEOPLE and fig.metric in _PEOPLE)
                                   or (metric == "projects" and fig.metric in _SPECIFIC_PROJECTS)):
            return fig.metric
        return metric
    return metric


# Words that turn a sentence back from what is planned to what has been done: "计划引进博士50名，目前已引进41名".
_RESULT = re.compile(r"目前|已经|已|截至|截止|实际(?!利用|到位)|累计|如今")
# "按照全年引进人才1万人的目标": the figure is the target named after it.
# Named as a target (1万人的目标), or things still to be done (330余项拟签约项目, 待签约项目): not results.
_TARGET_AFTER = re.compile(r"(?:以上|左右)?的?(?:目标|任务)|(?:拟|待|准备)(?:签约|签订|签署|落地|建设|引进)")
# "预计总投资1.05亿元", "计划总投资12.5亿元": the planned investment of a project is its investment figure.
_PLANNED_INVESTMENT = re.compile(r"(?:预计|计划)总投资")


# Items a fair has yet to show ("…3600余项科技成果将按产业类别集中亮相"): the preview of an event, not its result.
_TO_BE_SHOWN = re.compile(r"[^，,。；;\d]{0,12}?将[^，,。；;\d]{0,12}?(?:亮相|展出|展示|发布|参展|推介)")


# "每年…": what a programme does every year, stated as a floor (…以上), is its quota.
_YEARLY = re.compile(r"每年|每一年|年均")


def _is_plan(text: str, lo: int, start: int, end: int, metric: str) -> bool:
    """A plan or target (计划/目标), not a result: a plan word in the figure's clause, or earlier in the sentence
    with no word of a result (目前/已/累计…) after it, or the figure named as a target ("1万人的目标")."""
    if _TARGET_AFTER.match(text, end):
        return True
    if text.startswith("以上", end) and _YEARLY.search(text, lo, start):
        return True  # "每年…组织250家以上用人单位,5000个以上…岗位": a standing yearly quota, not what was done
    if metric in _COLLECTED and _TO_BE_SHOWN.match(text, end):
        return True  # "3600余项科技成果将…集中亮相": a fair's preview, what it is to show
    clause_start = _clause_start(text, start, lo)
    plans = [p for p in _PLAN.finditer(text, lo, start)
             if not (metric == "investment" and _PLANNED_INVESTMENT.match(text, p.start()))]
    if not plans:
        return False
    last = plans[-1]
    return last.start() >= clause_start or not _RESULT.search(text, last.end(), start)


def _link_to_previous(fig: StatedFigure, previous: list[StatedFigure]) -> None:
    """A sentence that opens with 其中 breaks down a total of the sentence before ("签署了50项协议。其中,…5项协议";
    "120个项目签约。其中,…签订协议20项": agreements of the projects signed)."""
    for earlier in reversed(previous):
        if _same_kind(earlier, fig) and fig.value <= earlier.value:
            fig.part_of = fig.metric
            earlier.is_total = True
            return


_KINDS_OF_DEALS = frozenset({"bases", "projects", "projects_signed", "agreements", "projects_landed"})


def _link_breakdown(fig: StatedFigure, head: str, lo: int, totals: dict[str, StatedFigure]) -> None:
    """A figure after 其中 belongs to the same-metric total stated before it in the sentence (总数与分项); so do the
    bases and projects after 其中 of a count of signed projects or agreements ("签约项目104个,其中联合攻关项目65个、
    共建研发平台28个"): the kinds of the deals signed."""
    earlier = totals.get(fig.metric)
    if earlier is not None and "其中" in head[earlier.start - lo :] and fig.value <= earlier.value:
        fig.part_of = fig.metric
        earlier.is_total = True
    elif earlier is None:
        totals[fig.metric] = fig
    if fig.part_of is None and fig.metric in _KINDS_OF_DEALS:
        deals = [t for m, t in totals.items() if m in _SIGNED_WHOLES and t is not fig and t.start < fig.start]
        whole = deals[-1] if deals else None
        if whole is not None and "其中" in head[whole.start - lo :] and fig.value <= whole.value:
            fig.part_of = whole.metric
            whole.is_total = True
