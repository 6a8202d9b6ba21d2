"""Rules of the report reader learnt from real public reports (issue 18, item 3): a sentence in, figures out.

Each sentence is written for the test in the genre of the reports (no quotation from them); each rule is the
explainable reason a figure is read, or left out, the way the real reports' labelling rules have it.
"""

from __future__ import annotations

from decimal import Decimal

from xiaodi.ingest.figures import extract_figures


def pairs(text: str) -> set[tuple[str, Decimal]]:
    return {(f.metric, f.value) for f in extract_figures(text) if not f.is_plan}


def totals(text: str) -> set[tuple[str, Decimal]]:
    """The figures the office keeps: results that are not the breakdown of a total stated with them."""
    return {(f.metric, f.value) for f in extract_figures(text) if not f.is_plan and f.part_of is None}


def test_schools_a_place_hosts_are_not_its_partner_schools():
    # 驻市/驻地 after the classifier says the same as 现有 before it: the stock of schools, not the partners
    assert pairs("全市集聚12所驻市高校、20万名师生,今年与8所高校签订合作协议。") == {("universities", 8)}
    assert pairs("晋中现有驻地高校11所。") == set()


def test_hosted_schools_the_place_signs_with_are_its_partners():
    # the hosted schools are the other party of the clause's signing: partners, whatever else the place hosts
    assert pairs("与甲大学、乙学院等5所驻地高校战略合作集中签约。") == {("universities", 5)}
    assert pairs("全县8所驻县高校与县政府签订校地合作协议。") == {("universities", 8)}
    assert pairs("我市与驻地12所高校签订战略合作协议。") == {("universities", 12)}
    # met, or present at a ceremony, but not signed with: still the stock of schools
    assert pairs("市政府与21所驻地高校负责人座谈交流。") == set()
    assert pairs("全市21所驻地高校参加签约仪式。") == set()


def test_a_quoted_name_counts_what_its_last_word_names():
    # "校地人才工作联络站" names stations: 高校 inside the name is no count of schools; "科技小院" are bases
    assert pairs("大会为12所“高校人才工作联络站”授牌,新建3个“科技小院”。") == {("bases", 3)}


def test_a_rounded_figure_restating_an_exact_one_is_read_once():
    text = "行动组织全省百余所高校参与。此次行动共有107所高校参加,覆盖96个县。"
    assert {f.value for f in extract_figures(text) if f.metric == "universities"} == {107}


def test_a_near_figure_in_another_paragraph_is_another_statement():
    text = "我县先后与20余所高校开展对接。\n截至目前,全县共对接高校23所。"
    assert {f.value for f in extract_figures(text) if f.metric == "universities"} == {20, 23}


def test_projects_brought_about_are_signed_projects():
    assert pairs("去年以来促成校企合作项目48个。") == {("projects_signed", 48)}


def test_a_countable_noun_ends_at_de():
    # the number counts 工作岗位; 高校 is where the shortlisted people come from
    assert pairs("公示名单显示,18个工作岗位的入围人员均来自知名高校。") == {("positions", 18)}


def test_the_total_investment_of_signed_projects_is_the_amount_signed():
    assert pairs("大会现场签约项目12个,投资总额36.5亿元。") == {
        ("projects_signed", 12), ("amount_signed", Decimal("3650000000"))}
    # one project's own investment stays an investment
    assert pairs("该中试基地项目总投资5亿元。") == {("investment", Decimal("500000000"))}


def test_platforms_taking_part_in_an_event_are_not_bases_built():
    text = ("活动中,3家新型研发平台进行了现场推介;企业代表与高校的7个开放实验室进行了对接;"
            "全县4家创业基地与高校开展对接,新建实训基地2个。")
    assert {f.value for f in extract_figures(text) if f.metric == "bases"} == {4, 2}


def test_money_signed_by_the_verb_is_the_amount_signed():
    assert pairs("本轮活动累计签约860亿元。") == {("amount_signed", Decimal("86000000000"))}
    assert pairs("专场共签约项目投资320亿元。") == {("amount_signed", Decimal("32000000000"))}


def test_projects_that_carry_the_amount_signed_are_signed():
    assert pairs("此次校友回乡,带来27个项目,签约额356.2亿元。") == {
        ("projects_signed", 27), ("amount_signed", Decimal("35620000000"))}


def test_a_headline_restates_the_body_in_round_numbers():
    text = "校友专场签约金额356亿元\n此次专场共签约项目27个,签约金额356.2亿元。"
    assert {f.value for f in extract_figures(text) if f.metric == "amount_signed"} == {Decimal("35620000000")}
    text = "某市与高校签订逾百亿元合作项目\n双方现场签约项目12个,签约金额138亿元。"
    assert {f.value for f in extract_figures(text) if f.metric == "amount_signed"} == {Decimal("13800000000")}


def test_projects_of_one_size_are_a_breakdown_of_the_signed_ones():
    for text in ("大会签约项目25个,签约金额80亿元;签约10亿元以上项目达3个。",
                 "大会签约项目25个,签约金额80亿元;其中投资百亿元以上的项目3个。"):
        figures = extract_figures(text)
        assert [(f.metric, f.value) for f in figures if f.part_of is None] == [
            ("projects_signed", 25), ("amount_signed", Decimal("8000000000"))]
        assert [f.value for f in figures if f.part_of is not None] == [3]


def test_new_processes_and_practical_techniques_are_achievements():
    assert pairs("科技特派员推广新技术、新工艺、新装备及新模式等120余项。") == {("achievements", 120)}
    assert pairs("全年推广先进实用技术85项。") == {("achievements", 85)}


def test_the_places_economy_as_a_whole_is_no_programme_figure():
    # all-source investment promotion (招商引资) is a statistic of the place: the reader abstains; money signed at the
    # event, and a technology-market total, stay figures
    assert pairs("截至目前,全市招商引资签约项目投资1200亿元。") == set()
    assert pairs("全市招商引资签约项目56个。") == set()
    assert pairs("大会现场签约项目12个,签约金额36.5亿元;全年技术合同成交额52亿元。") == {
        ("projects_signed", 12), ("amount_signed", Decimal("3650000000")), ("amount_signed", Decimal("5200000000"))}


def test_projects_a_programme_decided_on_are_signed_projects():
    # 确定 in the projects' own clause: decided on, as 促成 brought about; 揭榜 after them still says demands
    assert pairs("此次行动共确定了150个高校服务乡村振兴科技项目。") == {("projects_signed", 150)}
    assert pairs("经评审,确定12个项目成功揭榜。") == {("tech_demand", 12)}
    # a decision in another clause says nothing of the projects
    assert pairs("会议确定,今年实施项目30个。") == {("projects", 30)}


def test_a_space_between_digits_and_their_classifier_is_typesetting():
    assert pairs("会上发布技术难题35 个,企业与高校签订了12 个合作项目。") == {
        ("tech_demand", 35), ("projects_signed", 12)}


def test_the_rest_of_a_set_already_counted_is_no_figure_of_its_own():
    text = "全市与6所高校签署战略合作协议。其中,市政府与甲大学签署全面合作协议,还与另外五所高校签署了框架协议。"
    assert {f.value for f in extract_figures(text) if f.metric == "universities"} == {6}


def test_schools_still_being_negotiated_with_are_not_partners_yet():
    assert pairs("全县先后与40所高校签署了合作协议,正在洽谈的还有15所。") == {("universities", 40)}


def test_technology_needs_counted_together_with_financing_needs_are_a_mixed_count():
    assert pairs("洽谈会发布了300多项企业技术需求和融资需求信息。") == set()
    assert pairs("累计推出企业技术需求与融资需求2000项。") == set()
    # counted apart, the technology needs are a figure
    assert pairs("发布技术难题45个、融资需求20项。") == {("tech_demand", 45)}


def test_a_change_against_an_earlier_period_named_in_full_is_no_figure():
    # the increase over last year or the previous fair is a change, not a second amount signed
    assert pairs("本届交易会签约金额9.6亿元,比上届交易会签约总额增加0.8亿元。") == {
        ("amount_signed", Decimal("960000000"))}
    assert pairs("全年签订技术合同120项,成交额3.2亿元,比去年增长0.5亿元。") == {
        ("agreements", 120), ("amount_signed", Decimal("320000000"))}


def test_a_figure_stating_its_share_of_a_stated_total_is_a_part_of_it():
    # the fair's contracts are the figure; the projects for one city and their money are its breakdown
    text = ("本届交易会共签订技术合同150项,签约金额8.4亿元。其中服务本市的项目90个,签约金额3.1亿元,"
            "占项目总数的60%,占签约总额的36.9%。")
    assert totals(text) == {("agreements", 150), ("amount_signed", Decimal("840000000"))}


def test_a_share_without_a_stated_total_leaves_the_figure_standing():
    # the total of all projects is not given: the schools' 40 projects are the only statement
    assert totals("省内12所高校与我市签约合作项目40个,占全部签约项目的六成,占比60%。") == {
        ("universities", 12), ("projects_signed", 40)}


def test_a_sentence_opening_inside_a_counted_set_breaks_it_down():
    text = "洽谈会共签订成果转化合同88项。\n签约项目中服务于县内的项目共30个,与省外签订合作项目12个。"
    assert totals(text) == {("agreements", 88)}
    text = "招聘会上900家单位推出1.5万个岗位。在参会单位中,外省单位有60家,合计带来800余个工作岗位。"
    assert totals(text) == {("positions", 15000)}


def test_the_set_a_breakdown_is_taken_from_is_not_counted_again():
    # "在120个签约项目中" restates the 120 contracts: one figure, not a second one as signed projects
    text = "博览会共签订项目合同120项,签约金额6亿元。在120个签约项目中,服务本省的项目共70个,占项目总数的58%。"
    assert totals(text) == {("agreements", 120), ("amount_signed", Decimal("600000000"))}
    # said there for the first time, it is the figure
    assert totals("在签约的45个项目中,大部分已开工建设。") == {("projects_signed", 45)}


def test_a_breakdown_opener_needs_a_counted_set_and_a_part_that_says_more_keeps_its_own():
    # 项目中期 is no set; landed projects among the signed ones are their own figure, as after 其中
    assert totals("全市签约项目50个。\n项目中期评估显示,已落地项目20个。") == {
        ("projects_signed", 50), ("projects_landed", 20)}
    assert totals("全市签约项目50个。\n签约项目中,已落地项目20个。") == {
        ("projects_signed", 50), ("projects_landed", 20)}


def test_a_bare_round_hundred_is_the_name_of_a_programme_not_a_count():
    assert totals("县里举办百所高校·百强企业对接交流会,与6所高校签订合作协议。") == {("universities", 6)}
    # qualified, the round number is a count
    assert totals("近百所高校参加对接活动。") == {("universities", 100)}


def test_figures_summed_up_later_in_the_paragraph_are_parts_of_the_sum():
    text = "推介会上,甲公司等18个重大合作项目签约。据统计,本次推介会合计签约项目25个,总投资额90亿元。"
    assert totals(text) == {("projects_signed", 25), ("amount_signed", Decimal("9000000000"))}
    # in another paragraph a smaller figure is another statement
    text = "上午签约项目18个。\n全年合计签约项目25个。"
    assert totals(text) == {("projects_signed", 18), ("projects_signed", 25)}


def test_a_breakdown_goes_on_past_its_qizhong_sentence():
    text = ("对接会现场签署合作协议40项。其中,三个县政府分别与高校签订3项框架协议。\n"
            "同时,园区企业与高校院所签订技术开发项目9项、成果转化协议16项。")
    assert totals(text) == {("agreements", 40)}
    # without a breakdown before it, 同时 brings figures of its own
    text = "对接会现场签署合作协议40项。\n同时,发布企业技术需求120项。"
    assert totals(text) == {("agreements", 40), ("tech_demand", 120)}


def test_schools_that_recruit_are_employers_not_partners():
    assert totals("本省6所新建本科高校赴外省进行专场招聘,面向海内外引进博士。") == set()
    # the place going to the schools to recruit makes them the schools it works with
    assert totals("我市组织企业走进15所高校开展校园招聘,提供岗位3000个。") == {
        ("universities", 15), ("positions", 3000)}
    assert totals("甲学院、乙大学等3所新建本科高校,面向全国引进博士120名。") == {("talents", 120)}
    # schools whose graduates attend a job fair do not recruit
    assert ("universities", 30) in totals("来自30所高校的2000名毕业生参加招聘会。")
    # a recruiting event the place holds after them says nothing of the schools
    assert ("universities", 6) in totals("今年新增合作高校6所,举办招聘活动20场次。")


def test_projects_that_only_reached_an_intention_are_not_signed():
    assert totals("洽谈会上,校企双方达成合作意向项目45个。") == {("projects", 45)}
    # with the amount they carry, or as the result of a signing, they are signed
    assert ("projects_signed", 30) in totals("洽谈会上达成合作意向项目30个,总金额8亿元。")
    assert totals("现场签约并达成合作意向项目12个。") == {("projects_signed", 12)}


def test_a_list_item_that_is_no_programme_figure_is_no_part_of_the_item_before_it():
    # exhibits (展品) are counted by the fair, not by the programme: no part of the achievements before them; the
    # items after them keep their own nouns, talent needs counted in items (项) among them
    text = "本届交流会共征集科技成果900项,实物展品60件,技术难题45项,人才需求120项。"
    assert totals(text) == {("achievements", 900), ("tech_demand", 45), ("talent_demand", 120)}
    # a short clause that says what happened to the items is still read with the figure before it
    assert totals("园区企业与高校联合申报科研项目46项,获批立项31项。") == {("projects", 46), ("projects", 31)}


def test_what_only_reached_an_intention_is_an_intention_whatever_it_counts():
    text = "会前向高校推送企业技术需求200项。经对接,有7项技术需求达成初步合作意向。"
    assert totals(text) == {("tech_demand", 200), ("intents", 7)}
    # signed on the way, it is no mere intention
    assert ("tech_demand", 7) in pairs("有7项技术需求签约或达成合作意向。")


def test_needs_picked_out_of_the_needs_collected_are_a_part_of_them():
    text = "市科技局共征集企业技术需求300项,经线上匹配,确定本次对接的20项技术需求。"
    assert totals(text) == {("tech_demand", 300)}
    text = "大会收集科技成果5000项,重点发布其中200余项。"
    assert totals(text) == {("achievements", 5000)}
    # without a larger count before them, the picked ones are the figure
    assert totals("会上重点发布科技成果200项。") == {("achievements", 200)}
    # projects picked for a signing on stage are signings of their own
    text = "本届大会共有120个项目达成合作意向,总金额30亿元。开幕式遴选了12个代表性项目现场签约。"
    assert ("projects_signed", 12) in totals(text)


def test_a_yearly_quota_stated_as_a_floor_is_no_result():
    text = "该引才计划每年组织300家以上用人单位,提供6000个以上岗位。本次招聘会提供岗位900个。"
    assert totals(text) == {("positions", 900)}


def test_the_two_parties_of_a_signing_are_no_count_of_schools():
    assert totals("双方签约是校市两家的一件大事,当天共签订合作项目8个。") == {("projects_signed", 8)}
    assert ("universities", 2) in totals("我市与2所高校签订合作协议。")


def test_projects_matched_at_a_fair_are_signed_with_their_investment():
    # the press's 成功牵手 is a signing: the projects are signed and their total investment is the amount signed
    text = "截至昨日,共有300个项目成功“牵手”,总投资额60亿元。"
    assert totals(text) == {("projects_signed", 300), ("amount_signed", 6000000000)}


# --- sixth round: breakdowns that add up, the money of a part, a school's own record, vocabulary ------------------


def test_counts_that_add_up_to_a_total_before_them_break_it_down():
    text = ("博览会开幕,60所高校带来科技成果500项。\n"
            "参展高校中,省内高校45所,其中本科院校30所,专科院校15所;另有省外高校15所。")
    assert totals(text) == {("universities", 60), ("achievements", 500)}
    # counts that do not add up to it are figures of their own
    assert ("universities", 12) in totals("签约高校共20所。会后又有12所高校提交合作意向书。")


def test_a_part_restated_later_is_still_a_part():
    text = "共有40所高校参展,其中本省高校25所,外省高校15所。开幕式上,由25所高校联合发布成果。"
    assert totals(text) == {("universities", 40)}


def test_the_money_of_a_part_is_part_of_the_whole():
    text = ("本次共签约项目18个。\n其中产业化项目8个;另有技术服务项目10个,合同金额5000万元。")
    assert totals(text) == {("projects_signed", 18)}
    # money stated for the whole (总…) stays a figure
    text = "签约项目12个,其中平台类5个,技术类7个,签约总金额3亿元。"
    assert ("amount_signed", 300000000) in totals(text)


def test_schools_invited_to_one_part_of_an_event_are_some_of_those_attending():
    text = "全国300所高校参会。会期同设成果展区,邀请其中120所高校参展。"
    assert totals(text) == {("universities", 300)}


def test_a_rounded_question_in_the_headline_restates_the_body():
    text = "300余所高校为何齐聚此地?\n本届交易会共有326所高校参会。"
    assert totals(text) == {("universities", 326)}


def test_a_schools_own_record_is_not_a_figure_of_the_cooperation():
    text = "该大学在办学过程中已建成省部级创新平台60个。此次与市政府共建研究院2个。"
    assert totals(text) == {("bases", 2)}
    assert totals("学院建校70年来累计培养人才20万名,今年与县里签订协议3份。") == {("agreements", 3)}


def test_a_university_science_park_is_not_a_count_of_schools():
    assert ("universities", 1) not in totals("当地建有1个国家大学科技园。")
    assert totals("园区与5所大学签订合作协议。") == {("universities", 5)}


def test_vocabulary_of_the_sixth_round():
    # achievements may be counted in 条, as needs are; 大院大所 are universities and institutes
    assert totals("项目组征集技术成果86条,摸排技术需求40条。") == {("achievements", 86), ("tech_demand", 40)}
    assert totals("12家大院大所代表参加对接。") == {("universities", 12)}


def test_the_total_input_of_projects_just_signed_is_the_amount_signed():
    text = "对接会上15个项目集中签约,项目研发总投入2.6亿元。"
    assert totals(text) == {("projects_signed", 15), ("amount_signed", 260000000)}
    # the input of projects nobody signed stays out of the signed money
    assert ("amount_signed", 260000000) not in totals("园区在建项目研发总投入2.6亿元。")


def test_achievements_presented_on_stage_are_some_of_those_published_before():
    text = "大会发布科技成果1800项、企业技术需求600项。\n来自40家高校院所的专家到会,现场推介15项科技成果。"
    assert totals(text) == {("achievements", 1800), ("tech_demand", 600), ("universities", 40)}
    # presented with no larger count before them, they are the figure
    assert totals("会上,高校专家现场推介科技成果35项。") == {("achievements", 35)}


def test_schools_that_came_to_recruit_are_employers_not_partners():
    text = "本省180家单位赴外地招聘,提供岗位3000余个,前来招聘的本省高校就有25所,另外还有科研院所9家。"
    assert totals(text) == {("positions", 3000)}
    # the schools a place goes to recruit at are where the cooperation happens
    assert ("universities", 12) in totals("市人社局带领企业走进12所高校开展招聘。")


def test_a_goal_over_years_to_come_is_a_plan():
    text = "通知提出利用3年时间,推动200所以上高校服务2000家以上企业。"
    assert totals(text) == set()


def test_a_plan_with_its_time_to_come_before_the_verb_is_a_plan():
    assert totals("双方今年共建实习基地8个,计划明年再建设实习基地5个。") == {("bases", 8)}
    assert totals("学院拟2026年新建研究院2个。") == set()


def test_the_set_a_share_is_taken_from_is_no_figure():
    assert totals("这意味着全省120多所高校中,将有一半以上参与合作。今年已有45所高校签约。") == {("universities", 45)}


def test_what_a_site_is_made_of_is_its_stock():
    text = "科技城由研发区和孵化区构成,研发区约800亩,设有12个研究院和60多个实验室。"
    assert totals(text) == set()
    assert totals("科技城今年新建研究院3个。") == {("bases", 3)}


def test_a_provinces_technology_market_is_not_the_cooperations_deals():
    text = "去年全省共完成技术合同登记18000项,成交额400亿元。本次对接会签订技术合同35项,合同金额1.2亿元。"
    assert totals(text) == {("agreements", 35), ("amount_signed", 120000000)}


def test_what_a_fair_is_to_show_is_its_preview():
    text = "对接活动将于下月举行,征集的1200余项科技成果将按产业分专场集中亮相。"
    assert totals(text) == set()
    assert totals("本届大会征集科技成果1200项。") == {("achievements", 1200)}


def test_the_rest_of_a_party_named_without_a_count_is_a_count():
    # six more schools besides the writer: no earlier count of schools they are the rest of
    text = "学校与市政府签署战略合作协议。此次与市政府签署合作协议的还有驻市其他6所高校。"
    assert totals(text) == {("universities", 6)}
    # the rest of a set already counted stays out
    text = "全市与6所高校签署战略合作协议,其中与甲大学签署全面合作协议,还与另外五所高校签署了框架协议。"
    assert totals(text) == {("universities", 6)}
    # hosted schools at a ceremony, not its signatories, are still the stock
    assert totals("全市其他21所驻市高校参加签约仪式。") == set()


def test_joint_innovation_centres_are_bases():
    # an innovation centre built by a school with enterprises is a base, as its 研发中心 and 研究中心 are
    assert totals("今年全县新增3家省级校企联合创新中心。") == {("bases", 3)}
    assert totals("学校与园区共建协同创新中心2个。") == {("bases", 2)}
    # a city's ambition to be an innovation centre has no count
    assert totals("全市加快建设区域科技创新中心,引进高校院所12家。") == {("universities", 12)}


def test_cooperation_intentions_with_their_amount_are_signed_projects():
    text = "挑战赛现场共达成合作意向23项,协议金额860万元。"
    assert totals(text) == {("projects_signed", 23), ("amount_signed", 8600000)}
    # without an amount they stay intentions, which the labels leave out
    assert totals("挑战赛现场共达成合作意向23项。") == {("intents", 23)}
    # intentions of employment are never projects, whatever money the sentence names
    assert totals("会上达成就业意向300个,带动企业签约金额2亿元。") == {("intents", 300), ("amount_signed", 200000000)}


def test_achievements_the_clause_signs_or_trades_are_signed_projects():
    text = "路演现场6项农业科技成果成功签约,签约金额300万元。"
    assert totals(text) == {("projects_signed", 6), ("amount_signed", 3000000)}
    assert totals("会上交易科技成果45项,成交金额1.2亿元。") == {("projects_signed", 45), ("amount_signed", 120000000)}
    # achievements shown or collected stay achievements
    text = "对接会发布科技成果300项,现场签约项目12个。"
    assert totals(text) == {("achievements", 300), ("projects_signed", 12)}
    # a signing further on is another party's: the achievements shown stay achievements
    assert totals("成果展1200项高校科技成果“同台竞技” 签约金额超3亿元") == {
        ("achievements", 1200), ("amount_signed", 300000000)}


def test_what_was_picked_in_an_earlier_clause_is_a_part_of_what_was_collected():
    text = "大赛向全市企业征集技术需求260项,经专家论证遴选,面向社会公开发布涉及5个领域的95项技术需求。"
    assert totals(text) == {("tech_demand", 260)}
    # two counts in one sentence with no picking between them are two statements
    text = "大会征集技术需求260项,高校院所带来科技成果95项。"
    assert totals(text) == {("tech_demand", 260), ("achievements", 95)}


def test_keywords_in_the_means_of_a_clause_name_no_counted_noun():
    # the schools are how the solutions were found, not what is counted
    assert totals("主办方通过专场对接会、与高校院所合作等方式征集到解决方案40个。") == set()
    # a counted noun after the means keeps its keyword
    assert totals("双方通过线上方式签约项目15个。") == {("projects_signed", 15)}


def test_a_dispatchs_lead_restates_the_body_in_round_numbers():
    text = ("新华社合肥3月1日电 本届对接会现场签约金额超12亿元。\n"
            "据介绍,当天高校与企业共签约项目80个,签约金额12.36亿元。")
    assert totals(text) == {("projects_signed", 80), ("amount_signed", 1236000000)}
    # outside a lead, a near figure in another paragraph is another statement
    text = "近年来,全县先后与20余所高校开展对接。\n截至目前,全县共与高校22所签订合作协议。"
    assert ("universities", 20) in totals(text)


def test_a_relative_clause_before_the_noun_leaves_the_noun_counted():
    # 面向…征集的 is a clause about the achievements: the count is of the achievements after 的
    text = "路演现场还推介了30余项面向全省征集的高校院所各类科研成果。"
    assert totals(text) == {("achievements", 30)}
    # a phrase before 的 with no verb is a noun of its own: the positions are counted, not the people
    assert totals("公示名单显示,18个工作岗位的入围人员均来自知名高校。") == {("positions", 18)}


def test_achievements_matched_with_their_investment_are_signed_deals():
    # matched achievements that carry a total investment are deals: signed projects and the amount signed
    text = "多年来,全市借助交易会平台与高校院所对接科技成果1200个,总投资额300亿元。"
    assert totals(text) == {("projects_signed", 1200), ("amount_signed", 30000000000)}
    # matched with no money stated, they stay achievements
    assert totals("活动中企业与高校院所对接科技成果86项。") == {("achievements", 86)}


def test_schools_counted_with_teams_or_firms_are_a_mixed_count():
    # the gloss puts teams inside the count: not a count of partner schools
    assert totals("服务团队今年走访高校院所(含技术团队)35家,征集技术成果120条。") == {("achievements", 120)}
    assert totals("共有高校（含合作企业）18家参加对接。") == set()
    # a gloss that names schools only keeps the count
    assert totals("今年与高校(含科研院所)12家签订合作协议。") == {("universities", 12)}


def test_what_research_obtained_is_no_achievement_put_forward():
    # patents and results the projects obtained are research outputs, not achievements released at the fair
    text = "大会还表彰了20个优秀合作项目,这些项目已取得授权专利和相关技术成果45项。"
    assert ("achievements", 45) not in totals(text)
    assert totals("课题组三年来申报发明专利和技术成果12项。") == set()
    # achievements the fair released stay achievements, and so do obtained ones the clause then transfers
    assert totals("本届洽谈会发布高校科技成果1800余项。") == {("achievements", 1800)}
    assert totals("学院取得成果后推动转化科技成果26项。") == {("achievements", 26)}


def test_a_count_opening_a_list_that_etc_closes_is_an_item_of_its_total():
    # 等…项 sums up the list it closes, the first counted item included: only the total is a figure
    text = "展区集中展示了30个新品种以及新技术、新工艺、新装备等120余项农业科技成果。"
    assert totals(text) == {("achievements", 120)}
    # two counts in separate clauses are two statements
    text = "展区展示了30个新品种,发布新技术、新工艺等120余项农业科技成果。"
    assert totals(text) == {("achievements", 30), ("achievements", 120)}


def test_a_name_in_corner_brackets_is_a_quoted_name():
    # 「…」 quotes a programme's name as “…” does: the numbers inside it are no figures
    assert totals("「三个一百」指的是大学与100家企业合作。") == {("enterprises", 100)}
    assert totals("“三个一百”指的是大学与100家企业合作。") == {("enterprises", 100)}
    # a count outside the brackets stays
    assert totals("「校地携手」活动当天,6所高校与县政府签订合作协议。") == {("universities", 6)}


def test_technology_need_projects_are_technology_needs():
    # a need filed as a project (技术需求项目) is a technology need, before or after the number
    assert totals("会上,市工信局发布了全市企业技术需求项目65项。") == {("tech_demand", 65)}
    assert totals("活动中,12个科技需求项目进行了现场路演。") == {("tech_demand", 12)}
    # projects with no need in their name stay projects
    assert totals("会上,市工信局发布了全市重点合作项目65项。") == {("projects", 65)}


def test_needs_taken_from_the_published_list_are_part_of_it():
    # the list of needs is published first; the needs of it a school then matched are a part of that list
    text = "会上发布了80项企业技术需求清单,专家团队现场与清单中5项技术需求达成对接。"
    assert totals(text) == {("tech_demand", 80)}
    # needs counted on their own, with no list before them, stay
    assert totals("专家团队现场与5项技术需求达成对接。") == {("tech_demand", 5)}


def test_the_people_a_fair_seeks_are_its_talent_demand():
    # the employers' headcount to recruit, and the talents they say they need, are the fair's talent demand
    text = "本次招聘会共有200家用人单位参会,提供岗位900个,招聘总人数超过2600人。"
    assert totals(text) == {("enterprises", 200), ("positions", 900), ("talent_demand", 2600)}
    assert totals("交流会提供各类就业岗位近1200个,需求各类人才逾3000人。") == {
        ("positions", 1200), ("talent_demand", 3000)}
    # talents brought in stay talents
    assert totals("今年以来全县共引进各类人才3000人。") == {("talents", 3000)}


def test_a_count_heading_a_list_of_schools_and_firms_is_mixed():
    # 家 counts the firms or service bodies in the list as well as the schools: a mixed count
    assert totals("20多家中央企业、科研院所的代表出席了洽谈会。") == set()
    assert totals("大会向来自省内外的15家高校、院所及科技服务机构授牌。") == set()
    # schools and institutes only, or 所 (which counts schools alone), keep the count
    assert totals("大会向来自省内外的15家高校、院所授牌。") == {("universities", 15)}
    assert totals("会上,8所高校和企业签订了合作协议。") == {("universities", 8)}
    # a firm named as the other side is no list item
    assert totals("会上,12家科研院所与企业签订了合作协议。") == {("universities", 12)}


def test_the_one_of_a_word_is_no_number():
    # 唯一一家: 一一 is not eleven; the 一 belongs to 唯一 and 一家 is the article
    assert totals("基地建成3个,其中全县唯一一家市级研发平台获得授牌。") == {("bases", 3)}


def test_research_institutes_count_with_schools():
    # 研究所 are research institutes, which the labelling rules count with universities
    assert totals("来自中国科学院12家研究所的专家参加了对接会。") == {("universities", 12)}


def test_a_places_industrial_zones_and_rated_rd_bodies_are_its_stock():
    # zones approved for the place's industry and its rated R&D bodies are what the place has, not bases built
    text = "全市获批省以上产业基地(特色产业园)30个,市级研发机构超过500家。"
    assert totals(text) == set()
    # bases the clause builds with schools stay bases
    assert totals("全市与高校共建产业基地12个。") == {("bases", 12)}
    assert totals("今年新建校企联合研发中心8个。") == {("bases", 8)}


# --- twelfth round: rules from the errors on 91 reports the reader had not been tuned on (reports_news README) ---


def test_needs_and_posts_by_the_words_reports_use_for_them():
    # 研发需求 and 企业需求 (counted in 项) are technology needs; 职位需求 of talents a talent demand; 供岗/优岗 posts
    assert totals("对接会共发布协同研发需求300余项。") == {("tech_demand", 300)}
    assert totals("此次共收集企业需求85项。") == {("tech_demand", 85)}
    assert totals("会上发布高层次人才职位需求420项。") == {("talent_demand", 420)}
    assert totals("30家园区企业供岗900个。") == {("enterprises", 30), ("positions", 900)}
    assert totals("专场招聘会推出高薪优岗600余个。") == {("positions", 600)}
    # 科研单位 are research institutes, counted with schools
    assert totals("5家科研单位与当地企业成功签约。") == {("universities", 5)}


def test_a_big_unit_alone_is_a_number_when_approximate():
    # 近万项 is about ten thousand; a bare 万 (万人计划) stays a name
    assert totals("组委会征集了高校推介成果项目近万项。") == {("achievements", 10000)}
    assert totals("入选国家万人计划。") == set()


def test_projects_counted_in_zong():
    # 宗 counts projects as 个 does in official reports
    assert totals("重大平台投资建设项目签约3宗,金额120亿元。") == {("projects_signed", 3),
                                                             ("amount_signed", Decimal(12_000_000_000))}


def test_a_noun_of_another_kind_after_another_is_no_part():
    # "另外还有90个单位…": units, not a part of the posts counted before
    assert totals("200多家单位提供了3000多个岗位,另外还有90个单位提供了用人信息。") == {("positions", 3000)}


def test_solutions_received_are_not_needs():
    assert totals("累计征集企业技术需求800项,收到解决方案600项。") == {("tech_demand", 800)}


def test_projects_matched_with_their_investment_are_signed():
    # 对接 projects with the total investment they carry: deals, as matched achievements with money are
    assert totals("本届交易会共成功对接科技项目500个,总投资80亿元。") == {
        ("projects_signed", 500), ("amount_signed", Decimal(8_000_000_000))}
    assert totals("本届交易会共对接科技项目500个。") == {("projects", 500)}  # matched only: no labelled figure


def test_projects_brought_to_signing_and_landing_are_landed():
    assert totals("五年来共促成300余项校企合作项目签约落地。") == {("projects_landed", 300)}


def test_projects_a_fair_shows_are_its_achievements():
    assert totals("大会吸引了200所高校、8000余项科技项目参展。") == {("universities", 200), ("achievements", 8000)}
    assert totals("推介会上共推介项目30余项。") == {("achievements", 30)}
    assert totals("经遴选,确定参展的项目为500项。") == {("achievements", 500)}


def test_achievements_traded_as_their_count_is_given_are_signed():
    assert totals("会上促成科技成果和专利技术交易50项。") == {("projects_signed", 50)}


def test_the_clause_verb_signs_projects_across_a_list():
    # the verb before a list of kinds, the verb a list of items shares after it
    assert totals("会上签署科技合作、技术交易、产业化项目60个。") == {("projects_signed", 60)}
    assert totals("有4项技术合作项目、9项投资项目签订正式协议。") >= {("projects_signed", 4)}
    # projects nobody signed stay projects (not a labelled figure)
    assert totals("全区实施科技项目80个。") == {("projects", 80)}


def test_projects_over_a_size_are_a_breakdown():
    text = "大会共签约产学研项目100个,签约超5000万元项目30个。"
    assert totals(text) == {("projects_signed", 100)}


def test_an_approximate_figure_restates_only_a_near_one():
    # 近万 restates a figure near ten thousand, not the 1200 shown after it
    text = "组委会征集了推介成果近万项,经筛选后,现场重点展示成果1200项。"
    assert (("achievements", 10000)) in pairs(text)


def test_what_a_place_holds_is_its_stock_across_the_list():
    # the holding verb governs every item of the list; a rating (省级以上, 国字号, 世界一流) marks a stock on its own
    assert totals("走廊现已集聚2所大学、12家大学研究院、24家院士工作站。") == set()
    assert totals("西安拥有84所高等院校、400余家各类科研机构。") == set()
    assert totals("该市有国字号科研院所6家、省级以上科创平台300个。") == set()
    assert totals("全区新增省级以上研发机构9家、实施产学研合作项目39项。") == {("projects_signed", 39)}
    # held with a cooperation in the clause, gathered by an event, or a part of partner schools: counted
    assert totals("全市拥有的12所高校均与县里签订了合作协议。") == {("universities", 12)}
    assert totals("两届科交会累计聚集了350多所高校。") == {("universities", 350)}
    assert totals("合作高校总数达到31所,其中“双一流”建设高校7所。") >= {("universities", 31)}


def test_agreements_counted_with_intentions_are_mixed():
    assert totals("会上共达成项目合作意向或签订合作协议500项。") == set()
    assert totals("大会期间共签订人才引进协议(意向)200项。") == set()


def test_agreements_after_qizhong_are_part_of_the_projects_signed():
    text = "会上,120个科技合作项目进行线上和线下签约。其中,本区共线上签订协议20项。"
    assert totals(text) == {("projects_signed", 120)}


def test_registrations_grants_and_members_are_not_programme_figures():
    assert totals("全年科技成果登记45项,专利授权完成3000件。") == set()
    assert totals("平台注册会员达到600个。") == set()


def test_the_investment_belongs_to_the_nearest_projects_before_it():
    text = "本届洽谈会累计达成合作项目800项,形成创业投资项目20项、投资总额2亿元。"
    assert ("amount_signed", Decimal(200_000_000)) not in totals(text)
    assert totals("签约项目20个,投资总额约50亿元。") == {("projects_signed", 20),
                                                   ("amount_signed", Decimal(5_000_000_000))}


def test_the_pool_a_selection_is_made_from_is_not_a_figure():
    assert totals("本次对接会从高校上万件成果中选出2000项新成果。") == {("achievements", 2000)}


def test_schools_that_organise_an_event_or_whose_people_are_meant_are_not_partners():
    assert totals("甲大学、乙大学、丙大学三所高校参与承办的交易大会顺利召开。") == set()
    assert totals("这是8所高校学子对家乡感情的表达。") == set()
    # the schools whose graduates take part in a job fair are counted
    assert totals("23所高校的万余名毕业生参加了应聘。") >= {("universities", 23)}


def test_the_same_count_as_achievements_and_as_deals_is_one_deal():
    text = "会上交易科技成果600项。180多所大学与350家企业达成合作,将促成600项科技成果在企业落地。"
    assert ("achievements", 600) not in totals(text) and ("projects_signed", 600) in totals(text)
    # small counts coincide: both stay
    assert totals("展示企业技术成果20项,签约项目20个。") == {("achievements", 20), ("projects_signed", 20)}


def test_a_project_cooperation_agreement_is_an_agreement():
    # 项目合作协议 are agreements, as the labelling of real reports has them (签署人才项目合作协议15个)
    assert totals("会上签署人才项目合作协议12个。") == {("agreements", 12)}
    assert totals("促成10所高校院所与12家企业签订项目合作协议20项。") >= {("agreements", 20)}


def test_projects_still_to_be_signed_are_plans():
    assert totals("已达成300余项拟签约项目。") == set()


def test_needs_for_cooperation_are_technology_needs():
    assert totals("面向全区征集创新合作需求1500项。") == {("tech_demand", 1500)}


def test_a_noun_after_a_quoted_name_is_what_is_counted():
    assert totals("共建的6个“头雁团队”工作站落户园区。") == {("bases", 6)}
    assert totals("与两个“中字头”院所签订合作协议。") == {("universities", 2)}
    # a name that ends in its noun still counts it
    assert totals("建成3个“科技小院”。") == {("bases", 3)}


def test_the_kinds_after_qizhong_of_the_deals_signed_are_parts():
    text = "会上确定首批合作签约项目100个,其中联合攻关项目60个、共建研发平台25个。"
    assert totals(text) == {("projects_signed", 100)}


def test_bases_approved_for_a_place_are_its_stock():
    assert totals("全州累计获得批准建立院士工作站8个、专家工作站30个。") == set()
    assert totals("科技部向新近认定的5个国家高新技术产业化基地授牌。") == set()
    # bases built with the schools stay
    assert totals("今年与高校共建院士工作站3个。") == {("bases", 3)}


def test_intentions_before_the_amount_of_a_signing_of_its_own_stay_intentions():
    text = "会上发布技术需求200项,达成合作意向150项,现场签约金额100亿元。"
    assert totals(text) == {("tech_demand", 200), ("intents", 150), ("amount_signed", Decimal(10_000_000_000))}
    # the amount of the intentions' agreements signs them
    assert ("projects_signed", 19) in totals("达成合作意向19项,协议金额1421万元。")


def test_an_auction_sells_achievements_for_a_price():
    # what an auction sells are deals (成功竞拍, 拍出), its price the amount signed (成交价, 拍出了…元)
    assert totals("累计有1500项科技成果成功竞拍。") == {("projects_signed", 1500)}
    assert ("amount_signed", Decimal(12_300_000)) in totals("当天11项科研成果拍出了1230万元。")
    assert totals("本场拍卖会总成交价537万元。") == {("amount_signed", Decimal(5_370_000))}


def test_projects_shown_at_a_fair_are_its_achievements():
    assert totals("全省5740个项目集中亮相。") == {("achievements", 5740)}
    assert totals("大会展示高新技术项目1万余项。") == {("achievements", 10000)}


def test_cooperation_projects_carried_out_are_signed():
    # the labelling conventions (reports_news README, fifteenth batch): 实施…合作项目 are the programme's projects
    assert totals("三年来累计实施校地合作项目400余个。") == {("projects_signed", 400)}
    assert totals("全区实施科技项目80个。") == {("projects", 80)}  # no cooperation named: not counted


def test_achievements_reached_or_signed_as_projects_are_deals():
    assert totals("共签约科技成果项目14项。") == {("projects_signed", 14)}
    assert totals("长治与高校院所达成500余项合作成果。") == {("achievements", 500)}  # results reached: achievements


def test_projects_matched_then_signed_and_landed_somewhere():
    assert totals("促成800项供需对接项目现场签约。") == {("projects_signed", 800)}
    assert totals("670余项校企地合作项目在贺兰山下签约落地。") == {("projects_landed", 670)}


def test_intended_projects_with_their_amount_are_signed():
    text = "共有99个项目在创交会上达成合作意向,金额约为1.7亿元。"
    assert totals(text) == {("projects_signed", 99), ("amount_signed", Decimal(170_000_000))}


def test_mixed_offers_recruiting_schools_and_patent_applications_are_not_figures():
    assert totals("会上集中发布200项科技成果和技术需求。") == set()
    assert totals("65所省内高校求贤若渴。") == set()
    assert totals("学校年发明专利申请量突破200件。") == set()


def test_plaques_make_rated_bases_the_cooperations_but_not_industrial_ones():
    assert totals("获批挂牌省级“博士工作创新站”3家。") == {("bases", 3)}
    assert totals("科技部向新近认定的5个国家高新技术产业化基地授牌。") == set()


def test_money_put_in_as_funds_is_in_place():
    assert totals("累计投入帮扶资金近1000万元。") == {("funds_in_place", Decimal(10_000_000))}
    assert totals("兑现支持资金近11亿元。") == {("funds_in_place", Decimal(1_100_000_000))}


def test_the_money_may_name_itself_after_its_de():
    assert totals("一年来实现了5818.5万元的成交额。") == {("amount_signed", Decimal("58185000"))}


def test_a_place_a_count_goes_to_is_not_its_noun():
    # 赴/前往 introduce where they go: 74 counts the employers, not schools
    assert totals("组织74家企事业单位赴武汉大学、兰州大学等高校开展招聘活动。") == set()
    # the schools a trip visits are counted, as the issue's own labels have it
    assert totals("招才小分队陆续奔赴上海、武汉等20个城市的超过50所高校。") >= {("universities", 50)}


def test_a_named_schools_count_is_of_its_items():
    assert totals("其中,北京理工大学52个、哈尔滨工业大学60个。") == set()
    assert totals("截至目前,武汉大学全球校友组织总数达317个。") == set()
    assert totals("共有合作高校12个。") == {("universities", 12)}


def test_a_places_technology_market_is_no_programme_figure():
    assert totals("去年,我省高等院校登记技术合同6939项,合同成交额36.41亿元。") == set()
    assert totals("全市技术合同成交额达到586.4亿元。") == set()
    # a district's indicator in an assessment stays
    assert ("amount_signed", Decimal(1_240_000_000)) in totals("天元区促成校企合作项目39个;技术合同登记额12.4亿元。")


def test_achievements_sold_all_or_on_the_day_are_signed():
    assert ("projects_signed", 6) in totals("参与拍卖的6项科技成果全部成交。")


def test_cooperation_projects_started_or_agreed_are_signed():
    assert totals("凝练新增政产学研合作项目达55项。") == {("projects_signed", 55)}


def test_rated_workstations_stay_bases():
    # an academician's or graduates' workstation links a firm with scholars, whatever its rating
    assert totals("累计建设市级院士工作站105家。") == {("bases", 105)}
    assert totals("新增省级重点实验室8家。") == set()


def test_registered_contracts_are_the_market():
    assert totals("企业登记的技术合同6968项,占比87.7%。") == set()


def test_a_quoted_name_may_hold_digits():
    assert totals("青海与39所“985”高校开展科技合作。") == {("universities", 39)}


def test_signings_still_planned_or_hoped_for_are_plans():
    assert totals("专场对接会拟现场签约33个重大产业化项目,签约金额有望达52.5亿元。") == set()


def test_achievements_traded_or_given_a_signing_are_signed():
    assert totals("现已促成26项技术成果成功交易。") == {("projects_signed", 26)}
    assert ("projects_signed", 18) in totals("18项科技成果项目获签约转化,签约金额达1.1亿元。")


def test_cooperation_projects_agreed_or_funded_are_signed():
    assert totals("确立合作项目12个。") == {("projects_signed", 12)}
    assert totals("联合支持科技合作项目247个。") == {("projects_signed", 247)}


def test_money_leveraged_is_in_place():
    # the labelling rules: 撬动…投入 is money actually put in
    assert totals("撬动企业投入3.7亿元。") == {("funds_in_place", Decimal(370_000_000))}
    assert totals("带动社会资金近8亿元。") == {("funds_in_place", Decimal(800_000_000))}


def test_fields_and_aspects_are_not_what_they_qualify():
    assert totals("工作小组介绍了9个重点合作领域技术需求。") == set()
    assert totals("从成果成熟度、转化需求5个方面发布了高校可转化成果清单。") == set()


def test_projects_given_approval_are_signed():
    assert totals("区校合作项目中,等7个项目获得立项。") >= {("projects_signed", 7)}
