"""Text normalisation and furniture lines, one rule at a time, in several languages."""

from __future__ import annotations

import pytest

from crawler.config import ExtractionRules
from crawler.extraction.cleanup import clean_text, drop_repeats, normalize_paragraph, strip_pinyin
from crawler.extraction.encoding import repair_mojibake
from crawler.extraction.junk import junk_kind, strip_watermarks

LONG = (
    "The regional council approved the joint flood protection plan on Monday after two "
    "years of negotiations between the upstream and downstream municipalities."
)


def test_nfc_and_white_space() -> None:
    decomposed = "Cafe\u0301 de\u00a0la\u3000Gare\u200b  du\tNord"
    assert normalize_paragraph(decomposed) == "Café de la Gare du Nord"
    assert clean_text(f"  {LONG}  \n\n\n  second   line of the body  ") == (
        f"{LONG}\n\nsecond line of the body"
    )


def test_paragraphs_are_kept_and_the_title_line_dropped() -> None:
    text = clean_text(f"Flood plan approved\n{LONG}\nShort closing line.", "Flood plan approved")
    assert text.split("\n\n") == [LONG, "Short closing line."]


def test_pinyin_annotations_are_removed() -> None:
    assert strip_pinyin("生態(tài)環(huán)境部國(guó)際合作司") == "生態環境部國際合作司"
    # one toned syllable is enough; toneless ones only when the text has several
    assert strip_pinyin("會(huì)議") == "會議"
    assert strip_pinyin("重量为5公斤(kg)，约(yue)三斤") == "重量为5公斤(kg)，约(yue)三斤"
    assert strip_pinyin("中(zhong)国(guo)人(ren)民") == "中国人民"
    assert strip_pinyin("北京(Beijing)是首都") == "北京(Beijing)是首都"


def test_mojibake_is_repaired_only_where_detected() -> None:
    assert repair_mojibake("MalmÃ¶ and Ã…rhus") == "Malmö and Århus"
    for fine in ("SÃO PAULO is big", "naïve café", "Zażółć gęślą jaźń", "中文"):
        assert repair_mojibake(fine) == fine


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("本+文`内.容.来.自:中`国`碳`排*放*交*易^网 t a np ai fan g.com", ""),
        (
            "农业农村部门将继续推进，低.碳*環~保^資+訊 工作取得进展。",
            "农业农村部门将继续推进，工作取得进展。",
        ),
        ("活动由中·欧两国共同主办", "活动由中·欧两国共同主办"),
        ("约翰·菲茨杰拉德·肯尼迪曾访问柏林", "约翰·菲茨杰拉德·肯尼迪曾访问柏林"),
        ("Visit the site at abc.com for details", "Visit the site at abc.com for details"),
    ],
)
def test_watermarks(line: str, expected: str) -> None:
    assert strip_watermarks(line) == expected


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("DeutschEnglishFrançaisEspañol中文Русский", "language_menu"),
        ("English | Français | Polski | 日本語", "language_menu"),
        ("设为首页 加入收藏", "bookmark"),
        ("新 闻/ 财 经/ 科 技/ 汽 车/ 房 产", "navigation"),
        ("Home » World » Europe » Article", "navigation"),
        ("您的位置：首页 > 环保 > 正文", "breadcrumb"),
        ("Jesteś tutaj: Strona główna", "breadcrumb"),
        ("来源：江南日报", "source"),
        ("SOURCE Baltic Ports Association", "source"),
        ("Źródło: Biuro Prasowe", "source"),
        ("责任编辑：lw012", "editor"),
        ("免责声明：本文仅代表作者个人观点。", "disclaimer"),
        ("文章投诉热线：010-8888 6666", "hotline"),
        ("Media contact: press office, +48 22 000 00 00", "hotline"),
        ("相关新闻", "related"),
        ("Читайте также", "related"),
        ("Zobacz również:", "related"),
        ("省區市分站：北京、天津", "regional"),
        ("© 2024 Oberrhein Kurier GmbH. Alle Rechte vorbehalten.", "copyright"),
        ("Copyright © 2009-2024 绿网 版权所有", "copyright"),
        ("沪ICP备12345678号", "copyright"),
        ("We use cookies to measure our audience.", "cookies"),
        ("Nous utilisons des cookies pour mesurer l'audience.", "cookies"),
        ("Photo - https://media.example/2024/09/signing.jpg", "media"),
        ("Foto - https://media.example/2024/05/manglares.jpg", "media"),
        ("本站部分内容来自互联网，如有侵权请联系删除。", "infringement"),
        ("Нашли опечатку? Выделите ее и нажмите Ctrl+Enter", "error_report"),
        ("Print", "tools"),
        ("Tout accepter", "tools"),
    ],
)
def test_furniture_lines(line: str, kind: str) -> None:
    assert junk_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        LONG,
        "The source of the funding was not disclosed by the ministry.",
        "Sources: Reuters",
        "编辑部认为，这项协议具有示范意义。",
        "来源于同一片湿地的候鸟数量正在增加。",
        "Cookies and other baked goods were handed out to volunteers at the tree planting.",
        "| 1 | Kyle Busch | 5040 |",
        "The 2024/2025 season",
        "English teachers from France, Spain and Poland met in Kraków.",
        "© John Brecher: a nurse gives a flu shot at a community health centre in Washington.",
    ],
)
def test_article_lines_are_not_furniture(line: str) -> None:
    assert junk_kind(line) in (None, "credit") if line.startswith("©") else junk_kind(line) is None


def test_repeated_paragraphs_and_version_labels() -> None:
    first = (
        "Chiny i UE osiągnęły porozumienie, tworząc specjalny komitet ekspercki, który "
        "będzie kierował projektami pilotażowymi współpracy w dziedzinie innowacji, "
        "określanymi jako projekty pilotażowe Chiny-UE."
    )
    second = (
        "Chiny i UE doszły do porozumienia, tworząc specjalny komitet ekspercki, który "
        "będzie koordynował projekty pilotażowe w dziedzinie innowacji, znane jako "
        "projekty pilotażowe Chiny-UE."
    )
    paragraphs = [LONG, "Wersja 1", first, "Wersja 2", second, "Koniec.", "Koniec."]
    assert drop_repeats(paragraphs) == [LONG, first, "Koniec.", "Koniec."]
    # an exact repeat close to its twin goes, a long one wherever it is; a summary opening
    # the text that the body repeats stays
    assert drop_repeats(["Intro.", LONG, "Koniec.", LONG]) == ["Intro.", LONG, "Koniec."]
    assert drop_repeats([LONG, "Koniec.", LONG]) == [LONG, "Koniec.", LONG]
    longer = " ".join([LONG] * 3)
    assert drop_repeats([longer, *(f"Line {i}." for i in range(6)), longer]) == [
        longer,
        *(f"Line {i}." for i in range(6)),
    ]


def test_list_lines_may_repeat_far_apart() -> None:
    day = ["Breakfast", "1 cup oatmeal, 1 apple", "Lunch", "Chicken salad with lettuce"]
    menu = [*day, "Snack", *day]
    assert drop_repeats(menu) == menu


def test_source_drop_lines() -> None:
    rules = ExtractionRules(drop_lines=(r"^Read more at ", r"扫码"))
    text = clean_text(f"{LONG}\nRead more at example.com\n扫码关注我们\nEnd.", rules=rules)
    assert text.split("\n\n") == [LONG, "End."]
