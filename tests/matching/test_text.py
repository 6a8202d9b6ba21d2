"""Normalisation (文本规范化) and tokenisation (分词) keep what matters for matching."""

from __future__ import annotations

import pickle
from pathlib import Path

from xiaodi.matching.text import Tokenizer, normalise, to_simplified


def test_traditional_text_becomes_simplified() -> None:
    assert to_simplified("鋼渣資源化利用") == "钢渣资源化利用"
    assert normalise("國家重點實驗室") == "国家重点实验室"


def test_full_width_letters_digits_and_spaces_become_half_width() -> None:
    assert normalise("ＰＭ２．５　治理") == "PM2.5 治理"


def test_html_urls_and_control_characters_are_stripped() -> None:
    raw = "<p>钢渣&amp;尾矿</p>\u200b详见 https://example.cn/a?b=1 联系 a@b.cn\x07"
    assert normalise(raw) == "钢渣&尾矿 详见 联系"


def test_domain_words_stay_whole(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokenize("江西理工大学研发的炭微球材料")
    assert "江西理工大学" in tokens
    assert "炭微球" in tokens


def test_stopwords_and_punctuation_are_dropped(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokenize("关于钢渣的利用，以及相关问题。")
    assert "钢渣" in tokens
    assert not {"的", "关于", "以及", "，", "。"} & set(tokens)


def test_mixed_latin_and_digits_are_tokens(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokenize("5G基站与PM2.5监测，采用CFD模拟")
    assert {"5g", "pm2.5", "cfd"} <= set(tokens)


def test_search_mode_adds_sub_tokens(tokenizer: Tokenizer) -> None:
    tokens = tokenizer.tokenize("江西理工大学")
    assert "江西理工大学" in tokens and "大学" in tokens


def test_a_long_names_parts_are_its_own_words_not_words_read_across_them() -> None:
    """A lab's whole name is a domain word; search mode once added every dictionary word inside it, 气化 from
    大气化学 among them, and the lab answered a 煤气化 demand with "共同关键词：气化"."""
    lab = "大气边界层物理与大气化学国家重点实验室"
    tokens = Tokenizer([lab, "煤转化国家重点实验室"]).tokenize(lab)
    assert lab in tokens and {"大气", "边界层", "化学", "实验室"} <= set(tokens)
    assert "气化" not in tokens
    assert "气化" in Tokenizer([lab]).tokenize("煤炭清洁利用与煤气化")  # an ordinary word keeps its parts


def test_words_added_later_are_kept_whole(tokenizer: Tokenizer) -> None:
    tokenizer.add_words(["赣锋锂业"])
    assert "赣锋锂业" in tokenizer.tokenize("赣锋锂业提出电池回收需求")


def test_jieba_cache_is_written_to_the_index_dir(tmp_path: Path) -> None:
    tk = Tokenizer(["炭微球"], cache_dir=tmp_path)
    assert tk.tokenize("炭微球") == ["炭微球"]
    assert (tmp_path / "jieba.cache").exists()
    # A tokenizer travels with its settings (e.g. to a worker process) and reloads from the cache there.
    clone = pickle.loads(pickle.dumps(tk))
    assert clone.tokenize("炭微球负极") == ["炭微球", "负极"]
