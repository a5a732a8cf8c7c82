"""The language codes newsmon can store and filter by, checked without loading the detector."""

from __future__ import annotations

from collections.abc import Iterable

# Every code the detector can give an article, so every code a ``--lang`` filter can match:
# py3langid 0.4's labels plus the ones its 0.3 model had and 0.4 dropped (``nb``), since either
# may be installed. Written out rather than read from the model, which takes 0.6 s to load; a
# test checks the installed model's labels against it. Mostly ISO 639-1, with ISO 639-3 codes
# for languages that have no two-letter one (``yue``, ``wuu``) and ``zxx``: no linguistic content.
_KNOWN_CODES = """
    ace af am an ar ary arz as az ba bcl be bg bn br bs ca crh cs cy da de dz el en eo es et eu
    ext fa fi fo fr fuv fy ga gcf gcr gd gl gom grc gu gug guw ha hbo he hi hr ht hu hy id ig is
    it ja jv ka kab kik kk km kn ko ku ky la lb lg lij ln lo lt ltg lv mg mk ml mn mr ms mt my nb
    ne nl nn no nso oc om or pa pcm pl ps pt qu ro ru rw sa sdh se si sk sl sn so sq sr st sv sw
    ta te tg th tk tl tr tt ug uk ur uz uzs vec vi vo wa wuu xh yo yue zh zu zxx
"""
KNOWN_LANGUAGES = frozenset(_KNOWN_CODES.split())
# The languages newsmon's relevance terms and month names cover: the examples an error gives.
_EXAMPLES = "en, fr, zh, de, es, pl, pt, it, ja, ru"


def check_language(value: str) -> str:
    """``value`` as a language code newsmon can store (lower-cased, trimmed); ``ValueError``
    otherwise: a filter or hint naming an unknown language would match nothing, silently."""
    code = value.strip().lower()
    if code not in KNOWN_LANGUAGES:
        raise ValueError(
            f"{value!r} is not a language code newsmon knows: give an ISO 639-1 "
            f"code such as {_EXAMPLES}"
        )
    return code


def check_languages(values: Iterable[str]) -> tuple[str, ...]:
    """``check_language`` of each value, each code once, in the order given."""
    return tuple(dict.fromkeys(map(check_language, values)))
