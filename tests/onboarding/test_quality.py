"""Warnings about sampled articles: each kind fires on the problem it names and stays quiet on
a clean article."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from crawler.onboarding.findings import SampledArticle
from crawler.onboarding.quality import article_warnings, assess

PARAGRAPHS = [
    "Kenya and Norway signed an agreement on Tuesday to develop mangrove carbon credits along "
    "the Kenyan coast, with Norwegian funding for monitoring and community projects.",
    "The agreement covers five coastal counties and sets out how credits will be verified, "
    "registered and shared between the communities and the national government.",
    "Officials said the first credits could be issued within two years, once the baseline "
    "survey of the mangrove forests and their carbon stocks is complete.",
    "Community groups will receive at least a third of the revenue from every credit sold, "
    "according to the text published by the ministry after the signing ceremony.",
    "Norway has financed forest protection in several countries for over a decade; this is "
    "its first agreement on coastal ecosystems in East Africa.",
]
TEXT = "\n\n".join(PARAGRAPHS)


def page(body_html: str, charset_meta: str = "utf-8") -> bytes:
    return (
        f'<html><head><meta charset="{charset_meta}"><title>t</title></head>'
        f"<body>{body_html}</body></html>"
    ).encode()


def sample(**changes: object) -> SampledArticle:
    clean = SampledArticle(
        title="Kenya and Norway sign pact on mangrove carbon credits",
        text=TEXT,
        published_at=datetime(2024, 6, 18, 7, 30, tzinfo=UTC),
        language="en",
        encoding="utf-8",
        body=page("".join(f"<p>{p}</p>" for p in PARAGRAPHS) + '<a href="/">Home</a>'),
        content_type="text/html; charset=utf-8",
    )
    return replace(clean, **changes)  # type: ignore[arg-type]


def warnings_of(s: SampledArticle, hint: str | None = "en") -> list[str]:
    return article_warnings(s, hint)


def test_a_clean_article_has_no_warning() -> None:
    assert warnings_of(sample()) == []


def test_no_date_and_no_title() -> None:
    found = warnings_of(sample(published_at=None, title=None))
    assert found[0].startswith("no date")
    assert "no title" in found


def test_short_body() -> None:
    found = warnings_of(sample(text=PARAGRAPHS[0]))
    assert "short body: 168 characters (a teaser, or the extraction stopped early?)" in found


def test_lines_repeated_across_sampled_articles() -> None:
    footer = "Follow us on social media for more news about climate cooperation"
    first = sample(text=TEXT + "\n\n" + footer)
    second = sample(text="\n\n".join(p.upper() for p in PARAGRAPHS) + "\n\n" + footer)
    assess([first, second], "en")
    assert first.warnings == [
        f"boilerplate suspected: 1 line(s) also in other sampled "
        f"articles, e.g. {footer[:60] + '…'!r}"
    ]
    assert second.warnings == first.warnings


def test_many_short_lines() -> None:
    menu = ["Home", "World", "Climate", "Energy", "Contact us"]
    found = warnings_of(sample(text=TEXT + "\n" + "\n".join(menu)))
    assert any(w.startswith("boilerplate suspected: 5 of 10 lines are very short") for w in found)


def test_menu_like_line() -> None:
    found = warnings_of(sample(text=TEXT + "\n\nHome | World | Climate | Energy | Contact"))
    assert any(w.startswith("boilerplate suspected: menu-like line 'Home | World") for w in found)


def test_text_made_of_link_texts() -> None:
    related = [
        "Cities sign a heat adaptation pact for the coming summers in the Alps",
        "Five ports will share shore power and emissions data from next year on",
    ]
    body = page(
        "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:1])
        + "".join(f'<a href="/n/{i}">{t}</a>' for i, t in enumerate(related))
    )
    found = warnings_of(sample(text="\n\n".join([PARAGRAPHS[0], *related]), body=body))
    assert any("of the text is the text of links" in w for w in found)


def test_replacement_characters() -> None:
    found = warnings_of(sample(text=TEXT.replace("Norway", "Norw\ufffd\ufffdy", 1)))
    assert any(w.startswith("encoding suspicious: 2 replacement character(s)") for w in found)


def test_mojibake_left_in_the_text() -> None:
    mojibake = "Malmö and Gdańsk".encode().decode("windows-1252", errors="replace")
    found = warnings_of(sample(text=TEXT + "\n\n" + f"The ports of {mojibake} agreed too."))
    assert any("mojibake" in w for w in found)


def test_header_and_meta_charset_disagree() -> None:
    found = warnings_of(
        sample(
            content_type="text/html; charset=windows-1250",
            body=page("<p>x</p>", charset_meta="utf-8"),
        )
    )
    assert (
        "encoding suspicious: the HTTP header says cp1250 but the page declares utf-8 "
        "(decoded as utf-8)"
    ) in found
    # gb2312 and gbk name the same decoder (gb18030): no disagreement
    assert not any(
        "HTTP header" in w
        for w in warnings_of(
            sample(
                content_type="text/html; charset=gb2312", body=page("<p>x</p>", charset_meta="gbk")
            )
        )
    )


def test_language_differs_from_the_hint() -> None:
    found = warnings_of(sample(language="fr"), hint="en")
    assert "language 'fr' differs from the source's hint 'en'" in found
    assert warnings_of(sample(language="fr"), hint=None) == []
