"""Author names as a reader would list them, from raw byline or metadata strings.

One pass for both sources of authors (structured metadata and visible bylines):

- role words before a name ("By", "Par", "Von", "Text:", "Autor:", "Written by", "记者",
  "文/") go, but only as whole words written as bylines write them (lower, Title or UPPER
  case), so "Denise", "Parker", "Textor" and "DER SPIEGEL" stay whole. "von", "de" and "di"
  are also surname particles: capitalised, they are read as a role word only before a name of
  two or more words ("Von Anna Schmidt", not "Von Trapp" or "De Niro");
- co-authors joined by ";", "&" or a conjunction (and, und, et, y, e, i, и, 和, 与, ve, en, og,
  och) are split, but only when both sides look like a person's full name (two to four
  capitalised words, or two to four Han characters): "Procter & Gamble" and "Johnson &
  Johnson" have one word a side and stay whole, as does a side holding a company word;
- from structured metadata, "Lastname, Firstname" becomes "Firstname Lastname", and a comma
  list of three or more full names is a list of authors. Two names of two words each
  ("Jane Doe, Business Insider") are read as a name and its affiliation and stay whole;
- not authors: e-mail addresses (the name of "Name <mail>" stays), URLs and bare host names,
  the site's own name (as og:site_name or the JSON-LD publisher states it, compared folded),
  image credits ("Photo: ...", "Getty Images"), unrendered templates ("{{nick}}"), staff codes
  with digits ("kj005"), and a generic word standing alone ("Staff", "Admin", "Redaktion").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import pairwise

MAX_AUTHOR_CHARS = 80

# Role words that are never the start of a name when followed by a space or a colon.
_ROLE_WORDS = (
    "written by",
    "posted by",
    "reported by",
    "story by",
    "words by",
    "by",
    "par",
    "por",
    "door",
    "text",
    "texte",
    "texto",
    "testo",
    "tekst",
    "autor",
    "autorka",
    "autore",
    "auteur",
    "author",
    "reporter",
    "redakcja",
    "текст",
    "автор",
    "από",
)
# Surname particles that are also role words ("von Anna Schmidt", "di Giulia Ferraris").
_PARTICLE_ROLES = ("von", "de", "di")


def _cased(words: Iterable[str]) -> str:
    """An alternation of ``words`` as bylines write them: lower, Title and UPPER case."""
    forms = {form for w in words for form in (w, w.capitalize(), w.title(), w.upper())}
    return "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))


_AFTER_ROLE = r"(?:\s*[:：/／|]\s*|\s+)"
_ROLE = re.compile(rf"^(?:{_cased(_ROLE_WORDS)}){_AFTER_ROLE}(?=\S)")
_PARTICLE_ROLE_LOWER = re.compile(rf"^(?:{'|'.join(_PARTICLE_ROLES)}){_AFTER_ROLE}(?=\S)")
_PARTICLE_ROLE_CAPITAL = re.compile(rf"^(?:{_cased(_PARTICLE_ROLES)})(?:\s*:\s*|\s+)")
# Han role labels carry no word boundary, so the name may follow at once ("记者王晓晨"); "文"
# and "编辑" begin names too, so they count only with a separator ("文/李文").
_CJK_ROLE = re.compile(
    r"^(?:(?:(?:本报|本網|本网|本報)?(?:记者|記者)|作者|撰文|通讯员|通訊員)\s*[:：/／|]?"
    r"|(?:文|编辑|編輯)\s*[:：/／|]|(?:文|编辑|編輯)\s+)\s*"
)

_EMAIL = re.compile(r"(?:mailto:)?[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BRACKETED = re.compile(r"[<(\[]\s*[>)\]]")
# A host name ends in a lower or UPPER case TLD ("J.Doe" is a name, "TVP.INFO" a site).
_HOST_NAME = re.compile(r"^(?:www\.)?[\w-]+(?:\.[\w-]+)*\.(?:[a-z]{2,}|[A-Z]{2,})$")
_DIGIT = re.compile(r"\d")
# Image credits: a photo label, or a picture agency anywhere in the string.
_IMAGE_CREDIT = re.compile(
    r"^(?:photos?|fotos?|images?|pictures?|bild|zdj[eę]ci[ea]|фото|摄影|攝影|图片|圖片|图|圖)"
    r"(?:\s*[:：/／|]|\s+by\b|\s+von\b|\s+de\b)"
    r"|getty\s*images|shutterstock|istock|alamy|imago\s*images|dpa-bildfunk",
    re.IGNORECASE,
)
# Words that stand for nobody when they are the whole "name" (compared folded), role words
# standing alone among them ("Autor" with the name left out).
_GENERIC = frozenset(
    (
        *(re.sub(r"\W+", "", w) for w in (*_ROLE_WORDS, *_PARTICLE_ROLES)),
        "记者",
        "作者",
        "staff",
        "admin",
        "administrator",
        "webmaster",
        "editor",
        "editors",
        "editorial",
        "redaktion",
        "redakcja",
        "redacción",
        "rédaction",
        "redazione",
        "redactie",
        "anonymous",
        "unknown",
        "guest",
        "编辑",
        "小编",
        "管理员",
    )
)

# Co-author joins: ";" and "、" always; "&" and conjunctions only between two full names.
_SEMICOLON = re.compile(r"\s*[;；、]\s*")
# Conjunctions in lower or UPPER case; the one-letter ones lower only (an UPPER one is an initial).
_JOIN = re.compile(
    r"\s*&\s*|\s+(?:and|und|et|ve|en|og|och|και|AND|UND|ET|VE|EN|OG|OCH|ΚΑΙ|y|e|i|и|і)\s+"
)
_HAN_JOIN = re.compile(r"^([\u4e00-\u9fff]{2,4})[和与與]([\u4e00-\u9fff]{2,4})$")
_PARTICLES = frozenset(("van", "von", "de", "der", "den", "da", "di", "del", "della", "du", "la"))
# Words that mark a company or outlet rather than a person.
_ORG_WORDS = frozenset(
    (
        "inc",
        "ltd",
        "llc",
        "co",
        "corp",
        "company",
        "group",
        "gmbh",
        "ag",
        "sa",
        "news",
        "press",
        "media",
        "agency",
        "foundation",
        "institute",
        "university",
        "partners",
        "associates",
        "sons",
        "brothers",
        "bros",
    )
)


def clean_authors(
    names: Iterable[str], site_names: Sequence[str] = (), *, structured: bool = False
) -> tuple[str, ...]:
    """The authors in ``names`` (raw strings, each possibly naming several), in order and
    without repeats. ``structured`` strings come from metadata, where "Doe, Jane" means Jane
    Doe; ``site_names`` are the site's own names, never an author."""
    sites = {_folded(s) for s in site_names}
    cleaned: dict[str, str] = {}  # folded -> first spelling: "DELFI" and "Delfi" are one
    for raw in names:
        for name in _split(_strip_mail(" ".join(raw.split())), structured):
            name = _strip_role(name)
            if _is_author(name, sites):
                cleaned.setdefault(_folded(name), name)
    return tuple(cleaned.values())


def split_coauthors(text: str) -> list[str]:
    """``text`` split where it joins two full names with "&" or a conjunction; whole when
    either side is not a person's name."""
    match = _HAN_JOIN.match(text)
    if match:
        return [match.group(1), match.group(2)]
    parts = _JOIN.split(text)
    if len(parts) < 2 or not all(_is_full_name(_strip_role(p), joined=True) for p in parts):
        return [text]
    # A company word beside the join ("Smith Barney & Co Inc", "Lang & Partners Group") makes
    # it part of a company's name; one further off is an affiliation after a name.
    for left, right in pairwise(parts):
        if {_org_key(left.split()[-1]), _org_key(right.split()[0])} & _ORG_WORDS:
            return [text]
    return parts


def _split(text: str, structured: bool) -> list[str]:
    names: list[str] = []
    for part in _SEMICOLON.split(text):
        if structured and "," in part:
            names.extend(_comma_names(part))
        else:
            names.extend(split_coauthors(part))
    return names


def _comma_names(text: str) -> list[str]:
    """ "Doe, Jane" -> ["Jane Doe"]; a list of three or more full names -> each; else whole."""
    parts = [p.strip() for p in text.split(",")]
    if len(parts) == 2 and _is_surname(parts[0]) and _is_given_names(parts[1]):
        return [f"{parts[1]} {parts[0]}"]
    if len(parts) >= 3 and all(_is_full_name(_strip_role(p)) for p in parts):
        return parts
    return split_coauthors(text)


def _strip_mail(text: str) -> str:
    return _BRACKETED.sub("", _EMAIL.sub("", text)).strip()


def _strip_role(name: str) -> str:
    for pattern in (_CJK_ROLE, _ROLE, _PARTICLE_ROLE_LOWER):
        name = pattern.sub("", name, count=1)
    match = _PARTICLE_ROLE_CAPITAL.match(name)
    if match:
        # "Von Anna Schmidt" is a byline; "Von Trapp" and "Von der Leyen" are surnames.
        rest = name[match.end() :].split()
        if len(rest) >= 2 and rest[0][0].isupper():
            name = name[match.end() :]
    return name.strip(" ,;:·•|-–—")


def _is_author(name: str, sites: set[str]) -> bool:
    if not 1 < len(name) <= MAX_AUTHOR_CHARS:
        return False
    if name.startswith(("http", "@")) or "@" in name or "{{" in name or "}}" in name:
        return False
    # a "name" with digits is a staff code ("kj005"), not a person
    if _DIGIT.search(name) or _HOST_NAME.match(name) or _IMAGE_CREDIT.search(name):
        return False
    folded = _folded(name)
    return folded not in sites and folded not in _GENERIC


def _folded(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _is_full_name(text: str, *, joined: bool = False) -> bool:
    """Two to four words of a person's name (capitalised or UPPER, initials and particles
    allowed), or two to four Han characters. A company word rules a name out, except in a
    ``joined`` part, where ``split_coauthors`` looks only beside the join."""
    if re.fullmatch(r"[\u4e00-\u9fff]{2,4}", text):
        return True
    words = text.split()
    if not 2 <= len(words) <= 4:
        return False
    named = 0
    for word in words:
        if not joined and _org_key(word) in _ORG_WORDS:
            return False
        if word in _PARTICLES:
            continue
        if not _is_name_word(word):
            return False
        named += 1
    return named >= 2


def _org_key(word: str) -> str:
    return word.casefold().strip(".,")


def _is_surname(text: str) -> bool:
    """One capitalised word, possibly after a particle ("Doe", "van Buren", "Smith-Jones")."""
    words = text.split()
    if len(words) == 2 and words[0].lower() in _PARTICLES:
        words = words[1:]
    return len(words) == 1 and _is_personal(words[0])


def _is_given_names(text: str) -> bool:
    """One or two given names or initials ("Jane", "Mary Ann", "J. R.")."""
    words = text.split()
    return 1 <= len(words) <= 2 and all(_is_personal(w) or _is_initial(w) for w in words)


def _is_personal(word: str) -> bool:
    """A capitalised word that is not all capitals ("Doe", "McCoy", "Smith-Jones", "Łukasz")."""
    return _is_name_word(word) and not word.isupper() and word.casefold() not in _ORG_WORDS


def _is_initial(word: str) -> bool:
    return len(word) == 2 and word[0].isupper() and word[1] == "."


def _is_name_word(word: str) -> bool:
    """A word of a name: capitalised or UPPER letters, hyphens and apostrophes inside, or an
    initial."""
    if _is_initial(word):
        return True
    pieces = re.split(r"[-'’]", word.removesuffix("."))
    return all(p.isalpha() for p in pieces) and word[0].isupper()
