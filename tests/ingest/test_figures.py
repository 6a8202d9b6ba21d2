"""Figures: metric, value, approx, region, period, plan/total — and F1 over every labelled report."""

from __future__ import annotations

from decimal import Decimal

from tests.ingest.conftest import REPORTS, SEEDS, load_labels
from xiaodi.ingest.clean import clean_report
from xiaodi.ingest.evaluate import Score, score
from xiaodi.ingest.figures import extract_figures

F1_FLOOR = 0.85


def pairs(text: str) -> set[tuple[str, Decimal]]:
    return {(f.metric, f.value) for f in extract_figures(text)}


def test_money_in_yuan_and_approx():
    figs = extract_figures("河津市2021年共签约项目32个,签约金额237.3亿元,到位资金52.5亿元,对接300余次。")
    got = {f.metric: f for f in figs}
    assert got["amount_signed"].value == Decimal(23730000000) and got["amount_signed"].unit == "亿元"
    assert got["funds_in_place"].value == Decimal(5250000000)
    assert got["projects_signed"].is_total and got["projects_signed"].period == "2021年"
    assert got["contacts"].approx == "余" and got["contacts"].region == "河津市"


def test_noun_after_and_before_the_number():
    text = "某区与清华大学等53所高校签约,签订合作协议96个,落地项目8个,收集人才需求485人、技术需求24项。"
    assert pairs(text) == {("universities", 53), ("agreements", 96), ("projects_landed", 8),
                           ("talent_demand", 485), ("tech_demand", 24)}  # fmt: skip


def test_classifier_must_fit_the_noun():
    # 名 counts people: 30 heads of research offices are not 30 universities; 7家牵头单位 is not 7 bases
    assert pairs("30余名高校科研负责人参加。细化共建基地7家牵头单位的任务。") == set()


def test_skips_names_ordinals_ranges_and_vague_numbers():
    text = "共建“12大基地”,“万名学子看朝阳”,第11个合作项目,亩效益由8000—10000元增加到5—10万元,估值达数十亿元。"
    assert extract_figures(text) == []


def test_chinese_numerals_and_plans():
    figs = extract_figures("截至目前,新建基地十二个,近千名学子来访。下一步,计划新建基地6个。该县将引进博士20名。")
    got = [(f.metric, f.value, f.approx, f.is_plan) for f in figs]
    assert got == [("bases", 12, None, False), ("students", 1000, "近", False), ("bases", 6, None, True),
                   ("talents", 20, None, True)]  # fmt: skip
    assert figs[0].period == "截至目前"


def test_region_from_sentence_else_report():
    text = "长治市与高校合作。潞城区建成基地3个。全市落地项目5个。"
    got = {f.metric: f.region for f in extract_figures(text)}
    assert got == {"bases": "潞城区", "projects_landed": "长治市"}
    assert extract_figures("全市落地项目5个。", default_region="朝阳市")[0].region == "朝阳市"


def test_breakdown_after_qizhong():
    figs = extract_figures("共签订合作协议20个,其中科技成果转化协议8个。")
    assert figs[0].is_total and figs[1].part_of == "agreements"


def test_quote_is_exact_sentence():
    text = "第一句没有数字。落地项目80个,签约金额2亿元。"
    for fig in extract_figures(text):
        assert fig.quote in text and fig.quote.startswith("落地项目")


def _evaluate() -> tuple[Score, list[str]]:
    total, misses = Score(), []
    for labels_file, folder in (("seed_labels.json", SEEDS), ("own_labels.json", REPORTS)):
        for name, items in load_labels(labels_file).items():
            path = folder / name
            if not path.exists():
                continue
            found = [(f.metric, f.value) for f in extract_figures(clean_report(path.read_bytes()).text)]
            s = score(found, [(i["metric"], i["value"]) for i in items])
            total.add(s)
            if s.fp or s.fn:
                misses.append(f"{name}: fp={s.fp} fn={s.fn}")
    return total, misses


def test_f1_floor_over_labelled_reports():
    total, misses = _evaluate()
    assert total.tp >= 40, "too few labelled reports found"
    assert total.f1 >= F1_FLOOR, (total.precision, total.recall, misses)


def test_plans_are_flagged_in_labels():
    report = clean_report((REPORTS / "r1_gbk.txt").read_bytes())
    plans = {(f.metric, int(f.value)) for f in extract_figures(report.text) if f.is_plan}
    expected = {(i["metric"], i["value"]) for i in load_labels("own_labels.json")["r1_gbk.txt"] if i.get("is_plan")}
    assert plans == expected


def test_parts_take_the_metric_of_their_whole():
    text = ("张榜技术需求60项,其中41项成功揭榜。促成合作项目30个,其中已落地12个。"
            "签下合作项目20个,协议总金额3亿元。其中研发类8个,推广类5个。")
    assert [(f.metric, int(f.value)) for f in extract_figures(text)] == [
        ("tech_demand", 60), ("tech_demand", 41), ("projects_signed", 30), ("projects_landed", 12),
        ("projects_signed", 20), ("amount_signed", 300000000), ("projects_signed", 8), ("projects_signed", 5)]
    # a part is never larger than its whole, and a new paragraph starts afresh
    assert pairs("征集技术需求10项,已解决12项。") == {("tech_demand", 10)}
    assert pairs("征集技术需求10项。\n已解决6项。") == {("tech_demand", 10)}


def test_words_after_the_classifier_durations_titles_and_uncounted_nouns():
    assert pairs("力争新增合作高校6所以上,举办招聘活动20场次。") == {("universities", 6), ("events", 20)}
    assert pairs("项目建设周期为两个季度,3个月内完成。") == set()
    assert pairs("印发《校地合作项目管理办法》等文件4个。招聘会共设展位150个。") == set()


def test_compound_nouns_and_more_vocabulary():
    text = "为5个校企联合实验室授牌,新建研发中心2个,带动新增产值1.5亿元,撬动社会资本投入8000万元,签下项目3个。"
    assert pairs(text) == {("bases", 5), ("bases", 2), ("output_value", 150000000), ("investment", 80000000),
                           ("projects_signed", 3)}  # fmt: skip
    assert pairs("与65名毕业生达成就业意向,另有9项达成合作意向,263家用人单位进场。") == {
        ("intents", 65), ("intents", 9), ("enterprises", 263)}


def test_plan_carries_over_clauses_until_a_result_word():
    text = ("市长表示,下一步将围绕主导产业,力争新增落地项目40个,到位资金突破5亿元。"
            "按照全年引进博士30名的目标,目前已引进博士18名。该项目预计总投资2亿元。")
    got = [(f.metric, int(f.value), f.is_plan) for f in extract_figures(text)]
    assert got == [("projects_landed", 40, True), ("funds_in_place", 500000000, True), ("talents", 30, True),
                   ("talents", 18, False), ("investment", 200000000, False)]  # fmt: skip


def test_signing_verb_is_not_an_approximation():
    # the 约 of 签约 is not "about": 签约32个项目 are 32 signed projects, stated exactly
    figs = extract_figures("对接会上现场签约32个项目。")
    assert [(f.metric, int(f.value), f.approx) for f in figs] == [("projects_signed", 32, None)]


def test_caps_thresholds_and_changes_are_not_figures():
    text = ("每个项目最高资助200万元,单项合同额300万元以上的项目15项。签约金额9亿元,较上年增加2亿元;"
            "新增基地8个,同比增加3个。税收4000万元。")
    assert pairs(text) == {("projects", 15), ("amount_signed", 900000000), ("bases", 8)}


def test_figures_beside_an_earlier_one_and_cumulative_totals():
    assert pairs("甲县落地项目20个;乙县、丙县分别为11个、7个,其余各县合计25个。") == {
        ("projects_landed", 20), ("projects_landed", 11), ("projects_landed", 7), ("projects_landed", 25)}
    assert pairs("今年新建工作站6个,累计达到48个。") == {("bases", 6), ("bases", 48)}
    assert pairs("联合申报课题30项,获批12项。") == {("projects", 30), ("projects", 12)}


def test_a_breakdown_counts_what_its_total_counts():
    text = "引进人才900名,其中博士40名、本科毕业生500名。签约项目16个,其中5亿元以上项目3个。"
    assert [(f.metric, int(f.value)) for f in extract_figures(text)] == [
        ("talents", 900), ("talents", 40), ("talents", 500), ("projects_signed", 16), ("projects_signed", 3)]


def test_labels_glosses_dates_and_members():
    text = ("3. 产业技术研究院:新建4个,其中省级1个。\n新建中试平台(基地)5个。"
            "该论坛自2020年以来已举办三届。服务团共15名成员,均为博士。")
    assert pairs(text) == {("bases", 4), ("bases", 1), ("bases", 5), ("events", 3)}
    assert pairs("市人才办专员队伍增加到80人,学校现有在校生2.1万人,带动税收3000万元。") == set()


def test_tables_take_noun_and_unit_from_the_column():
    text = ("表2 重点项目\n单位:万元\n序号 项目 总投资 到位资金\n1 甲项目 5000 1200\n2 乙项目 800 300\n"
            "序号 | 企业 | 合同金额(万元)\n1 | 甲公司 | 150\n")
    got = {(f.metric, int(f.value)) for f in extract_figures(text)}
    assert got == {("investment", 50000000), ("funds_in_place", 12000000), ("investment", 8000000),
                   ("funds_in_place", 3000000), ("amount_signed", 1500000)}  # fmt: skip


def test_more_vocabulary_second_round():
    text = ("技术合同成交额12亿元,设立技术转移中心3家,组建智库2个,为企业解决关键技术问题25个,"
            "发布榜单18项,推广新品种新技术40项,港澳高校设立研发机构6家。")
    assert pairs(text) == {("amount_signed", 1200000000), ("bases", 3), ("bases", 2), ("tech_demand", 25),
                           ("tech_demand", 18), ("achievements", 40), ("bases", 6)}  # fmt: skip


# --- issue 18 item 3: rules from the labelling rules of real reports (written here in our own words) ---------


def test_money_agreed_in_agreements_is_the_amount_signed_not_an_investment():
    # 协议投资额 / 合同投资 are what the agreements are worth: the labelling rules file them as 签约金额
    assert pairs("对接会上现场签订合作协议12项,协议投资额近8亿元。") == {
        ("agreements", 12), ("amount_signed", 800000000)}


def test_a_total_sum_of_a_signing_is_the_amount_signed():
    assert pairs("专场活动签约16个项目,总金额38.5亿元。") == {("projects_signed", 16), ("amount_signed", 3850000000)}
    assert pairs("园区绿化面积扩大,总金额300万元。") == set()  # no signing or deal in the sentence: not a figure


def test_what_happened_to_projects_after_the_noun_makes_them_signed():
    text = "“智能传感”等5个项目完成现场签约,31个项目线上交易成功。另有9个校企合作项目在会上集中签约。"
    assert pairs(text) == {("projects_signed", 5), ("projects_signed", 31), ("projects_signed", 9)}
    assert pairs("7个代表性的合作项目举行签约仪式。") == {("projects_signed", 7)}


def test_intended_projects_count_as_signed_only_with_an_amount():
    assert pairs("筹备期间已有120项重点项目达成合作意向,总金额逾20亿元。") == {
        ("projects_signed", 120), ("amount_signed", 2000000000)}
    assert ("projects_signed", 40) not in pairs("洽谈中40个项目达成合作意向。")


def test_formulas_are_not_counts():
    # "6+1" names a group of schools; the gloss after 即 spells out the parts of "1+1+6": neither is a figure
    assert pairs("携手“6+1”高校共建联盟。活动由“1+1+6”构成,即1个开幕式、1个成果展示和6个专场活动。") == set()


def test_a_display_of_achievements_is_not_achievements():
    assert pairs("现场设置各类成果展示区12个,发布科技成果300项。") == {("achievements", 300)}


def test_the_schools_a_place_has_are_not_partner_schools():
    assert pairs("全市现有高校9所,今年与27所高校签订合作协议。") == {("universities", 27)}


def test_a_region_named_in_a_list_or_after_a_preposition_does_not_take_the_figure():
    text = "银川市举办专场活动。贺兰县、平罗县分别与高校签订合作协议6项。专家团赴中宁县签约项目3个。"
    regions = {f.metric: f.region for f in extract_figures(text)}
    assert regions == {"agreements": "银川市", "projects_signed": "银川市"}


def test_a_region_that_signs_with_partners_takes_its_own_figure_not_the_reports():
    """A county's report uploaded for 河津市 that says what 盐湖区 did: the 8 schools are 盐湖区's, not 河津's."""
    text = "河津市今年签约项目12个。盐湖区与8所高校签订合作协议。"
    regions = {f.metric: f.region for f in extract_figures(text, default_region="河津市")}
    assert regions == {"projects_signed": "河津市", "universities": "盐湖区"}
    # two regions joined by 和 still name a list: the figure stays with the report
    listed = extract_figures("盐湖区和临猗县与5所高校签约。", default_region="河津市")
    assert [f.region for f in listed] == ["河津市"]


def test_a_sentence_opening_with_qizhong_breaks_down_the_total_before_it():
    figs = extract_figures("活动现场签署科技合作协议40项。其中,三个县与高校签订合作协议4项。")
    assert [(f.metric, int(f.value), f.part_of) for f in figs] == [
        ("agreements", 40, None), ("agreements", 4, "agreements")]
    assert figs[0].is_total
