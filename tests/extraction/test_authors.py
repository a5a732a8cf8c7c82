"""Author names come out whole: role words go only as whole words, co-authors are split only
between full names, "Lastname, Firstname" is turned round, and mail addresses, host names, the
site's own name, picture credits and generic words are nobody."""

from __future__ import annotations

import pytest
from lxml.html import fromstring

from crawler.extraction.authors import clean_authors, split_coauthors
from crawler.extraction.bylines import visible_authors


@pytest.mark.parametrize(
    "name",
    [
        "Denise Hale",
        "Deutsche Presse-Agentur",
        "DER SPIEGEL",
        "Bygrave Lind",
        "Parker Osei",
        "Vonnegut Marr",
        "Porter Quaye",
        "Textor Amsel",
        "Autorino Sala",
        "Diego Ruiz",
        "Debbie Lowe",
        "Von Trapp",
        "Von der Brück",
        "De Luca",
        "文静",
    ],
)
def test_names_that_begin_like_role_words_stay_whole(name: str) -> None:
    assert clean_authors([name]) == (name,)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("By Nora Quist", "Nora Quist"),
        ("BY NORA QUIST", "NORA QUIST"),
        ("by Nora Quist", "Nora Quist"),
        ("Written by Nora Quist", "Nora Quist"),
        ("Par Aline Mercier", "Aline Mercier"),
        ("Por Tomás Vidal", "Tomás Vidal"),
        ("Von Henrike Salm", "Henrike Salm"),
        ("von Henrike Salm", "Henrike Salm"),
        ("di Chiara Volpe", "Chiara Volpe"),
        ("Text: Ilse Brandt", "Ilse Brandt"),
        ("TEXT: Ilse Brandt", "Ilse Brandt"),
        ("Autor: Wiktor Zając", "Wiktor Zając"),
        ("Redakcja: Ewa Sowa", "Ewa Sowa"),
        ("Reporter Kwame Mensah", "Kwame Mensah"),
        ("Текст: Олег Руднев", "Олег Руднев"),
        ("文/周立新", "周立新"),
        ("记者 周立新", "周立新"),
        ("本报记者周立新", "周立新"),
    ],
)
def test_role_words_before_a_name_are_stripped(raw: str, expected: str) -> None:
    assert clean_authors([raw]) == (expected,)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nora Quist and Paul Ferrand", ("Nora Quist", "Paul Ferrand")),
        ("NORA QUIST AND PAUL FERRAND", ("NORA QUIST", "PAUL FERRAND")),
        ("Henrike Salm und Jonas Pfeil", ("Henrike Salm", "Jonas Pfeil")),
        ("Aline Mercier et Luc Faure", ("Aline Mercier", "Luc Faure")),
        ("Tomás Vidal y Inés Cano", ("Tomás Vidal", "Inés Cano")),
        ("Chiara Volpe e Marco Riva", ("Chiara Volpe", "Marco Riva")),
        ("Ewa Sowa i Jan Mazur", ("Ewa Sowa", "Jan Mazur")),
        ("Олег Руднев и Анна Белова", ("Олег Руднев", "Анна Белова")),
        ("Ayşe Kaya ve Emre Demir", ("Ayşe Kaya", "Emre Demir")),
        ("Sanne Bakker en Joost Visser", ("Sanne Bakker", "Joost Visser")),
        ("Ingrid Moe og Lars Berg", ("Ingrid Moe", "Lars Berg")),
        ("Karin Ek och Nils Holm", ("Karin Ek", "Nils Holm")),
        ("Nora Quist & Paul Ferrand", ("Nora Quist", "Paul Ferrand")),
        ("周立新和陈美玲", ("周立新", "陈美玲")),
        ("周立新与陈美玲", ("周立新", "陈美玲")),
        ("Nora Quist; Paul Ferrand", ("Nora Quist", "Paul Ferrand")),
        ("By Nora Quist and Paul Ferrand", ("Nora Quist", "Paul Ferrand")),
    ],
)
def test_coauthors_are_split(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw]) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Procter & Gamble",
        "Johnson & Johnson",
        "Marks and Spencer",
        "Lindqvist Beck & Co Ltd",
        "Harrow Lane & Partners Group",
        "Anna und Jonas",
        "Brot und Spiele",
    ],
)
def test_companies_and_single_words_are_not_split(name: str) -> None:
    assert split_coauthors(name) == [name]
    assert clean_authors([name]) == (name,)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Quist, Nora", ("Nora Quist",)),
        ("Mercier, Aline Claire", ("Aline Claire Mercier",)),
        ("van Dalen, Pieter", ("Pieter van Dalen",)),
        ("Zając, Wiktor J.", ("Wiktor J. Zając",)),
        (
            "Nora Quist, Paul Ferrand, Aline Mercier",
            ("Nora Quist", "Paul Ferrand", "Aline Mercier"),
        ),
        # a name and its affiliation, not a surname first
        ("Nora Quist, Harbour Wire", ("Nora Quist, Harbour Wire",)),
        ("Paul Ferrand, MD", ("Paul Ferrand, MD",)),
        ("Nora Quist, Paul Ferrand, MD", ("Nora Quist, Paul Ferrand, MD",)),
    ],
)
def test_comma_forms_from_metadata(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw], structured=True) == expected


def test_surname_first_is_read_only_from_metadata() -> None:
    # in visible bylines the comma already separates names
    assert clean_authors(["Quist, Nora"]) == ("Quist, Nora",)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Nora Quist <nora.quist@harbour-wire.example>", ("Nora Quist",)),
        ("Nora Quist (nora@harbour-wire.example)", ("Nora Quist",)),
        ("desk@harbour-wire.example", ()),
        ("mailto:desk@harbour-wire.example", ()),
        ("https://harbour-wire.example/team/nora", ()),
        ("www.harbour-wire.example", ()),
        ("HARBOUR-WIRE.COM", ()),
        ("Photo: Lina Marsh", ()),
        ("Foto: Jonas Rieder", ()),
        ("Фото: Олег Руднев", ()),
        ("Image: Harbour archive", ()),
        ("Photos by Lina Marsh", ()),
        ("Getty Images", ()),
        ("Lina Marsh/Getty Images", ()),
        ("Staff", ()),
        ("admin", ()),
        ("Redaktion", ()),
        ("Autor", ()),
        ("{{author_name}}", ()),
        ("zq041", ()),
    ],
)
def test_not_authors(raw: str, expected: tuple[str, ...]) -> None:
    assert clean_authors([raw]) == expected


def test_the_sites_own_name_is_not_an_author() -> None:
    sites = ["Harbour Wire", "HarbourWire Media"]
    assert clean_authors(["Harbour-Wire", "Nora Quist"], sites) == ("Nora Quist",)
    assert clean_authors(["HARBOUR WIRE"], sites) == ()
    # a wire service that is not the site is an author
    assert clean_authors(["Tidewater Press Agency"], sites) == ("Tidewater Press Agency",)


def test_one_author_spelled_twice_is_one() -> None:
    assert clean_authors(["NORA QUIST", "Nora Quist"]) == ("NORA QUIST",)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        (
            "<h1>T</h1><figure><img src='a.jpg'><figcaption class='author'>Photo: Lina Marsh"
            "</figcaption></figure><p class='byline'>By Denise Hale</p>",
            ("Denise Hale",),
        ),
        (
            "<h1>T</h1><p class='byline'>Von Parker Osei und Textor Amsel</p>",
            ("Parker Osei", "Textor Amsel"),
        ),
        ("<h1>T</h1><p class='byline'>Procter &amp; Gamble</p>", ("Procter & Gamble",)),
        (
            "<h1>T</h1><p class='byline'>Nora Quist &lt;nora@harbour-wire.example&gt;</p>",
            ("Nora Quist",),
        ),
    ],
)
def test_visible_bylines(html: str, expected: tuple[str, ...]) -> None:
    tree = fromstring(f"<html><body>{html}<p>Body.</p></body></html>")
    assert visible_authors(tree) == expected


def test_a_class_on_the_page_wrapper_is_not_a_byline() -> None:
    tree = fromstring(
        "<html><body class='single-author'><div>Section name</div><h1>T</h1>"
        "<p>Body.</p></body></html>"
    )
    assert visible_authors(tree) == ()


def test_the_sites_own_name_in_a_visible_byline_is_not_an_author() -> None:
    tree = fromstring("<html><body><span class='byline'>DELFI</span><p>Body.</p></body></html>")
    assert visible_authors(tree) == ("DELFI",)
    assert visible_authors(tree, site_names=("Delfi",)) == ()
