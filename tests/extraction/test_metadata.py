"""Titles without site names, authors without editor codes, language and Chinese script."""

from __future__ import annotations

import pytest
from lxml.html import fromstring

from crawler.extraction.authors import clean_authors
from crawler.extraction.bylines import visible_authors
from crawler.extraction.language import detect_language, detect_script
from crawler.extraction.titles import choose_title, normalize_title, strip_site_name


@pytest.mark.parametrize(
    ("title", "sites", "url", "expected"),
    [
        (
            "Ports compare anchor emissions | Harbour Wire",
            ["Harbour Wire"],
            None,
            "Ports compare anchor emissions",
        ),
        (
            "Harbour Wire - Ports compare anchor emissions",
            ["Harbour Wire"],
            None,
            "Ports compare anchor emissions",
        ),
        (
            "长江口三省一市签署湿地保护合作协议_环保频道_绿网",
            [],
            None,
            "长江口三省一市签署湿地保护合作协议",
        ),
        ("生態環境部舉行氣候適應研討會-低碳環保資訊網", [], None, "生態環境部舉行氣候適應研討會"),
        (
            "Rozpoczęcie współpracy Chiny – UE w zakresie innowacji",
            [],
            None,
            "Rozpoczęcie współpracy Chiny – UE w zakresie innowacji",
        ),
        (
            "Tram plans approved – Oberrhein Kurier",
            [],
            "https://www.oberrhein-kurier.example/x",
            "Tram plans approved",
        ),
        (
            "Kenya and Norway sign pact · JSON Wire",
            ["JSON Wire"],
            None,
            "Kenya and Norway sign pact",
        ),
    ],
)
def test_site_name_is_stripped(
    title: str, sites: list[str], url: str | None, expected: str
) -> None:
    assert strip_site_name(title, sites, url) == expected


def test_the_heading_confirmed_by_the_title_wins() -> None:
    tree = fromstring(
        "<html><body><h1 class='logo'>Harbour Wire</h1><h2>Latest</h2>"
        "<h1>Ports compare anchor emissions</h1></body></html>"
    )
    title = choose_title(
        tree,
        ["Ports compare anchor emissions"],
        "Ports compare anchor emissions | Harbour Wire",
        ["Harbour Wire"],
        None,
    )
    assert title == "Ports compare anchor emissions"


def test_meta_title_when_no_heading_matches() -> None:
    tree = fromstring("<html><body><h1>Harbour Wire</h1></body></html>")
    assert (
        choose_title(
            tree, [], "Ports compare anchor emissions - Harbour Wire", ["Harbour Wire"], None
        )
        == "Ports compare anchor emissions"
    )


def test_editor_codes_and_role_words_are_not_authors() -> None:
    assert clean_authors(["责任编辑 kj005", "By Jane Doe", "记者 王晓晨", "zh018"]) == (
        "Jane Doe",
        "王晓晨",
    )


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<h1>T</h1><p class='byline'>di Giulia Ferraris · <time>2 luglio 2024</time></p>",
            ("Giulia Ferraris",),
        ),
        (
            "<h1>T</h1><div class='info'><span>2023-06-12 16:40</span> 作者:陈思远</div>",
            ("陈思远",),
        ),
        (
            "<h1>T</h1><div class='author'>Anna Nowicka i Jan Kowalski</div>",
            ("Anna Nowicka", "Jan Kowalski"),
        ),
        (
            "<h1>T</h1><div class='editor'>责任编辑:kj005</div>"
            "<div class='source'>来源:新华网</div>",
            (),
        ),
        ("<h1>T</h1><div class='info'>文章来源:碳排放交易网2023-06-02 09:12</div>", ()),
    ],
)
def test_bylines(html: str, expected: tuple[str, ...]) -> None:
    tree = fromstring(f"<html><body>{html}<p>Body.</p></body></html>")
    heading = tree.find(".//h1")
    following = " ".join(heading.getnext().itertext()) if heading.getnext() is not None else ""
    assert visible_authors(tree, [following]) == expected


@pytest.mark.parametrize(
    ("text", "language", "script"),
    [
        (
            "世界可持续发展标准组织与中国环境科学研究院开启战略合作新征程，双方将发挥各自优势。",
            "zh",
            "Hans",
        ),
        (
            "生態環境部與聯合國環境署第十三次年度磋商會議高級別會議在肯尼亞內羅畢舉行。",
            "zh",
            "Hant",
        ),
        ("横浜市とシンガポールは港湾地域の脱炭素化に向けた協力覚書に署名した。", "ja", None),
        (
            "Die Städte Freiburg und Straßburg wollen ihre Straßenbahnnetze stärker verknüpfen.",
            "de",
            None,
        ),
    ],
)
def test_language_and_script(text: str, language: str, script: str | None) -> None:
    detected = detect_language(text * 2)
    assert detected == language
    assert detect_script(text, detected) == script


def test_too_little_chinese_names_no_script() -> None:
    assert detect_script("中文", "zh") is None


def test_title_loses_pinyin_glued_after_chinese_characters() -> None:
    # Seed 003's headline, as tanpaifang.com serves it.
    title = "生態(tài)環(huán)境部黨組書(shū)記孫金龍:積極穩(wěn)妥推進(jìn)碳達(dá)峰碳中和"
    assert normalize_title(title) == "生態環境部黨組書記孫金龍:積極穩妥推進碳達峰碳中和"
    assert normalize_title("每公斤(kg)价格") == "每公斤(kg)价格"
