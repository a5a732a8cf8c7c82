"""Lines of page furniture that survive boilerplate removal, recognised one line at a time.

What generic extraction leaves inside the article container: language menus glued into one line,
bookmark and channel bars, breadcrumbs, source / editor-in-charge / disclaimer / hotline lines,
copyright and ICP lines, cookie notices, press-wire ``Photo - URL`` and ``SOURCE`` trailers,
headings of related-news boxes and tool labels ("Print", "Share"). Word lists live in
``data/junk.yaml``; the patterns here are the shapes no word list can describe.

Anti-scraping watermarks (a site name broken up by punctuation, ``中`国`碳`排*放*交*易^网``,
or a domain broken up by spaces, ``t a np ai fan g.com``) are cut out of the lines they were
injected into, wherever they sit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from crawler.extraction.blocks import weight
from crawler.text.folding import fold_line
from crawler.yamlfile import load_data_file

JUNK_FILE = Path(__file__).parents[1] / "data" / "junk.yaml"
# Prefix and phrase rules only judge lines up to this long: a long paragraph that happens to
# start with "Source" or mention cookies is prose.
MAX_PREFIX_LINE = 160
MAX_PHRASE_LINE = 320
MAX_EXACT_LINE = 60
# "© Owner, 2013" is a copyright notice; a longer line after "©" is a photo credit.
MAX_NOTICE = 80
# A navigation bar: at least this many short items between separators.
MIN_NAV_ITEMS = 4
MAX_NAV_ITEM = 12

_CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WATERMARK_MARK = r"[`~^*+_|.·•'\"\\/#@$%=<>-]"
# A CJK character followed by watermark punctuation, at least four times in a row. The
# look-ahead (implied by the first character) lets ``re`` skip other positions at once.
_WATERMARK = re.compile(
    rf"(?=[{_CJK}])(?:[{_CJK}]\s*(?:\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{{1,6}}\))?\s*{_WATERMARK_MARK}+\s*)"
    rf"{{3,}}[{_CJK}](?:\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{{1,6}}\))?"
)
# A watermark holds three of its marks or more. In CJK text _WATERMARK tries every position;
# finding the marks alone is a fast scan, and most lines have fewer.
_WATERMARK_MARKS = re.compile(_WATERMARK_MARK)
MIN_WATERMARK_MARKS = 3
# A domain broken into short letter groups by spaces: "t a np ai fan g.com". Lower case, three
# groups or more, two of them at most two letters long; only cut from lines with CJK text or
# when it is the whole line, so "we met at bar.com" in English prose stays.
_SPLIT_DOMAIN = re.compile(
    r"(?<![a-z0-9.])((?:[a-z0-9]{1,4}\s+){3,})[a-z0-9]{1,6}\s*\.\s*(?:com|cn|net|org|com\.cn|cc|info)"
    r"(?![a-z0-9.])"
)
# What every _SPLIT_DOMAIN match holds: a scan for its literal dot, where _SPLIT_DOMAIN tries
# each short word of a line as the start of a domain.
_DOMAIN_END = re.compile(r"\.\s*(?:com|cn|net|org|cc|info)")
# Press-wire trailers: "Photo - https://...", "SOURCE Company", "FUENTE Organización".
_MEDIA_LINE = re.compile(
    r"^(?:photo|photos|foto|fotos|logo|video|vidéo|vídeo|zdjęcie|фото|图片|圖片|multimedia)"
    r"\s*(?:[-–—:]\s*)?https?://\S+$",
    re.IGNORECASE,
)
_WIRE_SOURCE = re.compile(r"^(?:SOURCE|FUENTE|QUELLE|ŹRÓDŁO|ZRODLO|ИСТОЧНИК|FONTE)\s+\S")
_EMAIL_CONTACT = re.compile(
    r"(?:contact|kontakt|contactez|contacto|contatto|联系|聯繫|связь)\S*.{0,60}"
    r"(?:@|\[email\s*protected\])",
    re.IGNORECASE,
)
_COPYRIGHT_YEAR = re.compile(r"^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}|copyright)")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# Marks where a watermark was cut out, until the text around it is joined.
_CUT = "\x00"
_AROUND_CUT = re.compile(r"(\S?)\s*(?:\x00\s*[:：]?\s*)+(\S?)")
_NAV_SEPARATORS = re.compile(r"\s*[/|｜·•»>]\s*")
_TRIM = " \t:：-–—|/·•»«>()[]【】「」『』<>.,;!?*"
_SPACES = re.compile(r"\s+")
_CJK_CHAR = re.compile(f"[{_CJK}]")


@dataclass(frozen=True)
class _Lists:
    prefixes: re.Pattern[str]  # group 1: the prefix, a key of prefix_kinds
    prefix_kinds: dict[str, str]
    phrases: re.Pattern[str]
    phrase_kinds: dict[str, str]
    exact: dict[str, str]
    languages: re.Pattern[str]
    # True when no language name starts with a _TRIM character (see _is_language_menu)
    languages_start_clean: bool
    reply_links: frozenset[str]


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@cache
def _lists() -> _Lists:
    raw = load_data_file(JUNK_FILE)
    for key in ("prefixes", "phrases", "exact", "languages", "reply_links"):
        if key not in raw:
            raise ValueError(f"{JUNK_FILE}: missing the {key!r} section")

    def by_kind(section: dict[str, list[str]]) -> dict[str, str]:
        return {fold_line(str(word)): kind for kind, words in section.items() for word in words}

    prefix_kinds = by_kind(raw["prefixes"])
    phrase_kinds = by_kind(raw["phrases"])
    exact = {
        fold_line(str(w)).strip(_TRIM): kind for kind, words in raw["exact"].items() for w in words
    }
    languages = [fold_line(str(w)) for w in raw["languages"]]
    return _Lists(
        # a prefix is followed by a separator, the end, or (after a CJK word) anything but CJK
        prefixes=re.compile(
            rf"^({_alternation(list(prefix_kinds))})"
            rf"(?=$|[:：/|】)）.\-–— \u3000]|(?<=[{_CJK}])[^{_CJK}])"
        ),
        prefix_kinds=prefix_kinds,
        phrases=re.compile(_alternation(list(phrase_kinds))),
        phrase_kinds=phrase_kinds,
        exact=exact,
        languages=re.compile(_alternation(languages)),
        languages_start_clean=not any(w[:1] in _TRIM for w in languages),
        reply_links=frozenset(fold_line(str(w)) for w in raw["reply_links"]),
    )


@lru_cache(maxsize=8192)  # asked for every link of a page, and menus repeat on every page
def is_reply_label(text: str) -> bool:
    """True when ``text`` is the label of a comment's "reply" button ("Reply", "Odpowiedz")."""
    return fold_line(text).strip(_TRIM) in _lists().reply_links


@lru_cache(maxsize=8192)
def junk_kind(line: str) -> str | None:
    """The kind of furniture ``line`` is (``copyright``, ``source``, ``language_menu``, ...),
    or None when it may be article text."""
    text = line.strip()
    if not text or len(text) > MAX_PHRASE_LINE * 2:
        return None
    if _MEDIA_LINE.match(text):
        return "media"
    if _WIRE_SOURCE.match(text) and len(text) <= MAX_PREFIX_LINE:
        return "source"
    if len(text) > MAX_PHRASE_LINE and _kept_ascii(text) > MAX_PHRASE_LINE:
        return None  # too long once folded, known without folding (a third of all lines)
    folded = fold_line(text)
    if len(folded) > MAX_PHRASE_LINE:
        return None
    lists = _lists()
    if len(folded) <= MAX_EXACT_LINE:
        kind = lists.exact.get(folded.strip(_TRIM))
        if kind:
            return kind
    if len(folded) <= MAX_PREFIX_LINE:
        match = lists.prefixes.match(folded.lstrip(_TRIM))
        if match:
            return lists.prefix_kinds[match.group(1)]
        # an e-mail contact needs "@" or "[email protected]": most lines skip the slow regex
        if ("@" in text or "]" in text) and _EMAIL_CONTACT.search(text):
            return "hotline"
    match = lists.phrases.search(folded)
    if match:
        return lists.phrase_kinds[match.group(0)]
    if _COPYRIGHT_YEAR.match(folded) or (
        text.startswith("©") and len(text) <= MAX_NOTICE and _YEAR.search(text)
    ):
        return "copyright"
    if text.startswith("©"):
        return "credit"  # "© Jane Doe": a photo credit
    if _is_language_menu(folded, lists):
        return "language_menu"
    if _is_nav_bar(text):
        return "navigation"
    return None


def _kept_ascii(text: str) -> int:
    """How many characters of ``text`` are ASCII other than white space: ``fold_line`` keeps each
    of them (as one character), so its result is at least this long."""
    return weight(text.encode("ascii", "ignore").decode("ascii"))


def _is_language_menu(folded: str, lists: _Lists) -> bool:
    """A line made only of two or more language names (glued or separated)."""
    # A menu starts with a language name after its separators: one match at the start rules
    # out most lines before the scan of every position (exact when no name starts with one).
    if lists.languages_start_clean and not lists.languages.match(folded.lstrip(_TRIM + " ")):
        return False
    rest, found = lists.languages.subn(" ", folded)
    return found >= 2 and not rest.strip(_TRIM + " ")


def _is_nav_bar(text: str) -> bool:
    """Short items between separators: ``业 界/ 互联网/ 行 业/ 通 信/ 数 码``."""
    if text.startswith("|"):
        return False  # a table row, as trafilatura renders tables
    if sum(text.count(mark) for mark in "/|｜·•»>") < MIN_NAV_ITEMS - 1:
        return False  # too few separators for enough items; cheaper than splitting
    items = [i.strip() for i in _NAV_SEPARATORS.split(text) if i.strip()]
    if len(items) < MIN_NAV_ITEMS or any(i.replace(".", "").isdigit() for i in items):
        return False
    if any(c in text for c in "。！？!?"):
        return False
    return all(len(i.replace(" ", "")) <= MAX_NAV_ITEM for i in items)


def strip_watermarks(line: str) -> str:
    """``line`` without injected anti-scraping watermarks (see the module docstring)."""
    if not line:
        return line
    cjk = not line.isascii() and _CJK_CHAR.search(line) is not None
    # Both patterns try every position; a watermark needs CJK and its marks, a split domain
    # its ending (cheap scans that rule out most lines).
    cleaned = line
    if cjk and len(_WATERMARK_MARKS.findall(line)) >= MIN_WATERMARK_MARKS:
        cleaned = _WATERMARK.sub(_drop_watermark, line)
    if _DOMAIN_END.search(cleaned):
        cleaned = _SPLIT_DOMAIN.sub(lambda m: _drop_domain(m, cjk, line), cleaned)
    if cleaned == line:
        return line
    # Where a watermark was cut out: nothing between CJK text, one space between words.
    cleaned = _AROUND_CUT.sub(_join_cut, cleaned)
    return _SPACES.sub(" ", cleaned).strip()


def _drop_domain(match: re.Match[str], cjk: bool, line: str) -> str:
    short = sum(1 for group in match.group(1).split() if len(group) <= 2)
    whole = match.group(0).strip() == line.strip()
    return _CUT if short >= 2 and (cjk or whole) else match.group(0)


def _join_cut(match: re.Match[str]) -> str:
    before, after = match.group(1), match.group(2)
    if not before or not after or _is_cjk_side(before) or _is_cjk_side(after):
        return before + after
    return before + " " + after


def _is_cjk_side(char: str) -> bool:
    return bool(re.match(f"[{_CJK}\u3000-\u303f\uff00-\uffef]", char))


def _drop_watermark(match: re.Match[str]) -> str:
    # Ordinary text uses at most one or two of these marks between characters; a watermark
    # uses a mark between (almost) every character.
    marks = re.sub(rf"[{_CJK}\s]|\([^)]*\)", "", match.group(0))
    chars = len(re.findall(f"[{_CJK}]", match.group(0)))
    return _CUT if len(marks) >= chars - 1 and chars >= 4 else match.group(0)
