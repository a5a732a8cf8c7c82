"""Language-independent evidence that two reports tell one story: the numbers they give, the
days they name, their acronyms and Latin-script names. ``parties`` holds the parties.

Numbers are normalised across writing systems: "3,5 mln", "3.5 million" and "350万" are all
``3.5e+06``; "十二个国家" is 12. Dates are kept as month and day ("09-09"): the story window
already fixes the year, and many reports leave it out ("9月9日", "le 9 septembre").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from crawler.text.folding import fold_line
from crawler.text.months import month_names

# A number below this is too common to tell stories apart ("two countries", "3 projects").
MIN_NUMBER = 10
_SCALES = {
    "%": None,
    "percent": None,
    "per cent": None,
    "pour cent": None,
    "prozent": None,
    "por ciento": None,
    "por cento": None,
    "per cento": None,
    "procent": None,
    "thousand": 1e3,
    "tys": 1e3,
    "тыс": 1e3,
    "千": 1e3,
    "mil": 1e3,
    "million": 1e6,
    "millions": 1e6,
    "mln": 1e6,
    "mio": 1e6,
    "millionen": 1e6,
    "millones": 1e6,
    "milhões": 1e6,
    "milhoes": 1e6,
    "milioni": 1e6,
    "milione": 1e6,
    "milionów": 1e6,
    "milionow": 1e6,
    "miliony": 1e6,
    "milion": 1e6,
    "млн": 1e6,
    "миллион": 1e6,
    "миллиона": 1e6,
    "миллионов": 1e6,
    "百万": 1e6,
    "billion": 1e9,
    "billions": 1e9,
    "milliard": 1e9,
    "milliards": 1e9,
    "milliarden": 1e9,
    "mrd": 1e9,
    "mld": 1e9,
    "miliard": 1e9,
    "miliardy": 1e9,
    "miliardów": 1e9,
    "miliardow": 1e9,
    "mil millones": 1e9,
    "bilhão": 1e9,
    "bilhões": 1e9,
    "bilhoes": 1e9,
    "miliardi": 1e9,
    "miliardo": 1e9,
    "млрд": 1e9,
    "миллиард": 1e9,
    "миллиарда": 1e9,
    "миллиардов": 1e9,
    "万": 1e4,
    "亿": 1e8,
    "万亿": 1e12,
    "兆": 1e12,
}
# Words need a word boundary after them ("mil" is not "milk"); CJK units and "%" do not.
_WORDS = "|".join(
    re.escape(s)
    for s in sorted(_SCALES, key=len, reverse=True)
    if s[0].isalpha() and s[0] < "\u3000"
)
_SIGNS = "|".join(
    re.escape(s)
    for s in sorted(_SCALES, key=len, reverse=True)
    if not (s[0].isalpha() and s[0] < "\u3000")
)
# Every pattern here opens by consuming a character of one class, and tests what comes before
# that character after it, with a look-behind one character wider ("(?<!X)\d" written as
# "\d(?<!X\d)"): ``re`` then finds the places a match can start with a tight C loop over
# that class instead of trying the whole pattern at every position of the text, three to
# five times faster. The matches are the same: the extra character of the look-behind is
# the one just consumed, which it always matches (never a newline for its ".").
_NUMBER = re.compile(
    r"(?P<int>\d(?<![\w.,]\d)(?:\d{0,2}(?:(?P<sep>[ ,.\u00a0\u202f'])\d{3})(?:(?P=sep)\d{3})*"
    r"|\d*))(?:[.,](?P<frac>\d+))?(?![\d])"
    rf"(?:\s?(?P<scale>{_WORDS})(?![^\W\d_])|\s?(?P<sign>{_SIGNS}))?",
    re.IGNORECASE,
)
_CJK_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}
# "{2,}" written as one and "+": a repeat first would hide the class from ``re``'s scan.
_CJK_NUMERAL = "[零〇一二两三四五六七八九十百千万亿]"
_CJK_NUMBER = re.compile(f"{_CJK_NUMERAL}{_CJK_NUMERAL}+")
# The CJK date pattern keeps its look-ahead: it is run only on the texts holding a month mark.
_CJK_DATE = re.compile(r"(?=\d)(?<!\d)(?P<month>[01]?\d)\s*[月월]\s*(?P<day>[0-3]?\d)\s*[日일号]")
_CJK_DATE_MARKS = ("月", "월")
# (Two characters consumed here, so the look-behind is two wider.)
_ISO_DATE = re.compile(
    r"(?:19|20)(?<!\d\d\d)\d\d[-/.](?P<month>[01]?\d)[-/.](?P<day>[0-3]?\d)(?!\d)"
)
# A day "[0-3]?\d" is written "\d(?:(?<=[0-3])\d)?" to open with the digit class: the same
# one or two digits, tried in the same order (two first).
_DMY_DAY = r"(?P<day>\d(?<![\d.]\d)(?:(?<=[0-3])\d)?)"
_DMY_DATE = re.compile(rf"{_DMY_DAY}\.(?P<month>[01]?\d)\.(?:19|20)\d\d(?!\d)")
_ACRONYM = re.compile(r"[A-Z](?<![\w-][A-Z])[A-Z0-9]{1,7}(?![\w-])")
_ROMAN = re.compile(r"^[IVXLC]+$")
# Capitalised words not opening a sentence: names of people, places and projects.
_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſ](?:(?<=[^\W\d_] .)|(?<=[^\W\d_][,;] .))[a-zß-öø-ÿā-ſ]{3,}")
_LATIN_WORD = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿĀ-ſ]{3,}")
# Languages whose common nouns are capitalised: capitals there do not mark names.
_NOUNS_CAPITALISED = frozenset({"de"})


@dataclass(frozen=True)
class Evidence:
    """What a text says that does not depend on its language; each field sorted."""

    numbers: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    acronyms: tuple[str, ...] = ()
    names: tuple[str, ...] = ()

    def to_json(self) -> dict[str, list[str]]:
        return {
            "numbers": list(self.numbers),
            "dates": list(self.dates),
            "acronyms": list(self.acronyms),
            "names": list(self.names),
        }

    @classmethod
    def from_json(cls, raw: Any) -> Evidence:
        """The evidence stored by ``to_json``; empty for anything else (a NULL column)."""
        if not isinstance(raw, dict):
            return cls()
        return cls(
            **{
                key: tuple(str(v) for v in raw.get(key) or ())
                for key in ("numbers", "dates", "acronyms", "names")
            }
        )


def is_year(number: str) -> bool:
    """Whether a normalised number reads as a year (weak evidence: 2030 is in every plan)."""
    return number.isdigit() and 1900 <= int(number) <= 2100


def _key(value: float, percent: bool = False) -> str:
    return f"{value:.4g}" + ("%" if percent else "")


def _cjk_value(run: str) -> float | None:
    """The value of a Chinese numeral ("十二" 12, "三千五百" 3500, "两万" 20000, "一亿" 1e8)."""
    total, section, digit = 0.0, 0.0, None
    for char in run:
        if char in _CJK_DIGITS:
            digit = _CJK_DIGITS[char]
        elif char in _CJK_UNITS:
            section += (1 if digit is None else digit) * _CJK_UNITS[char]
            digit = None
        elif char in ("万", "亿"):
            scale = 1e4 if char == "万" else 1e8
            total = (total + section + (digit or 0)) * scale
            section, digit = 0.0, None
        else:
            return None
    return total + section + (digit or 0)


def numbers(text: str) -> set[str]:
    """The numbers in ``text`` worth comparing, normalised (``MIN_NUMBER`` and up)."""
    found: set[str] = set()
    # findall: the groups of every match in one call ("" for a group not matched)
    for whole, sep, frac, scale, sign in _NUMBER.findall(text):
        if sep:  # "int" holds digits and its one kind of separator, nothing else
            whole = whole.replace(sep, "")
        value = float(f"{whole}.{frac or 0}")
        scale = (scale or sign).lower()
        percent = scale in _SCALES and _SCALES[scale] is None
        if scale and not percent:
            value *= _SCALES.get(scale) or 1
        if value >= MIN_NUMBER:
            found.add(_key(value, percent))
    for m in _CJK_NUMBER.finditer(text):
        cjk_value = _cjk_value(m.group())
        if cjk_value is not None and cjk_value >= MIN_NUMBER:
            found.add(_key(cjk_value))
    return found


def _longest_first(words: Iterable[str]) -> str:
    """A regex matching any of ``words``, the longest first where several match, written as a
    trie ("sept(?:embre|\\.)?"): ``re`` tries every branch of a flat alternation of the 250
    month names at every word, but only one branch per character of a trie. The same matches
    as the alternation sorted longest first: the words matching at one position are prefixes
    of one another, and a greedy ``?`` tries the longer one first."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def branch(node: dict[str, Any]) -> str:
        options = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not options:
            return ""
        body = options[0] if len(options) == 1 else f"(?:{'|'.join(options)})"
        return f"(?:{body})?" if "" in node else body

    return branch(trie)


@cache
def _textual_dates() -> tuple[dict[str, int], re.Pattern[str], re.Pattern[str]]:
    names: dict[str, int] = {}
    for table in month_names().values():
        for form, number in table.items():
            names.setdefault(form, number)
    month = _longest_first(names)
    day_first = re.compile(
        rf"(?P<day>\d(?<!\d\d)(?:(?<=[0-3])\d)?)(?:\.|er|st|nd|rd|th)?\s+"
        rf"(?:de\s+|of\s+)?(?P<month>{month})(?![^\W\d_])"
    )
    # "(?<![^\W\d_])(?P<month>{month})\.?\s+(?P<day>[0-3]?\d)(?!\d)" read backwards, run on
    # the text reversed: it then opens with the day's digit like the other patterns (see
    # ``_NUMBER``) instead of testing a look-behind at every letter, three times faster. The
    # same dates: a match is a whole run of letters (the month), an optional ".", white space
    # and one or two digits, so two never overlap, and the order they are found in is moot.
    backwards = _longest_first(name[::-1] for name in names)
    month_first_reversed = re.compile(
        rf"(?P<day>\d(?<!\d\d)[0-3]?)\s+\.?(?P<month>{backwards})(?![^\W\d_])"
    )
    return names, day_first, month_first_reversed


def _numeric_date_patterns(text: str) -> list[re.Pattern[str]]:
    """The numeric date patterns that can match in ``text``: a string search rules out most
    (a CJK date needs a month mark, a day.month.year date ".19" or ".20")."""
    patterns = [_ISO_DATE]
    if any(mark in text for mark in _CJK_DATE_MARKS):
        patterns.insert(0, _CJK_DATE)
    if ".19" in text or ".20" in text:
        patterns.append(_DMY_DATE)
    return patterns


def dates(text: str) -> set[str]:
    """The days ``text`` names, as "MM-DD"."""
    found: set[str] = set()

    def add(month: int, day: int) -> None:
        if 1 <= month <= 12 and 1 <= day <= 31:
            found.add(f"{month:02d}-{day:02d}")

    for pattern in _numeric_date_patterns(text):
        for m in pattern.finditer(text):
            add(int(m.group("month")), int(m.group("day")))
    names, day_first, month_first_reversed = _textual_dates()
    folded = fold_line(text)
    for m in day_first.finditer(folded):
        add(names[m.group("month")], int(m.group("day")))
    for m in month_first_reversed.finditer(folded[::-1]):
        add(names[m.group("month")[::-1]], int(m.group("day")[::-1]))
    return found


def acronyms(text: str, exclude: frozenset[str] = frozenset()) -> set[str]:
    """Words in capitals (WSSO, ESG, CECCO) other than roman numerals and ``exclude``."""
    return {
        a
        for a in _ACRONYM.findall(text)
        if a not in exclude and not _ROMAN.match(a) and sum(c.isalpha() for c in a) >= 2
    }


def names(text: str, language: str | None) -> set[str]:
    """Latin-script names: capitalised words inside sentences; in Chinese and Japanese text,
    every Latin word (it is there because it has no translation). Folded to lower case."""
    if language in ("zh", "ja", "ko"):
        return {fold_line(w) for w in set(_LATIN_WORD.findall(text)) if not w.isupper()}
    if language in _NOUNS_CAPITALISED:
        return set()
    return set(map(fold_line, set(_NAME.findall(text))))  # each name folded once


def find_evidence(
    text: str,
    language: str | None,
    exclude_acronyms: frozenset[str] = frozenset(),
    exclude_names: frozenset[str] = frozenset(),
) -> Evidence:
    """All the evidence in ``text``; ``exclude_*``: words already counted as parties."""
    text = unicodedata.normalize("NFKC", text)
    return Evidence(
        numbers=tuple(sorted(numbers(text))),
        dates=tuple(sorted(dates(text))),
        acronyms=tuple(sorted(acronyms(text, exclude_acronyms))),
        names=tuple(sorted(names(text, language) - exclude_names)),
    )
