"""URL normalisation: one spelling per article, so the same page is fetched and stored once.

We strip tracking parameters with our own exact list rather than courlan's pattern: courlan
matches parameter names *containing* ``cid``, ``uid`` or ``ref``, which some news CMSs use as the
article id, and merging two articles under one URL would lose one of them.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

if TYPE_CHECKING:
    from tldextract import TLDExtract
    from tldextract.tldextract import ExtractResult

# Session ids in query strings: each visit sees every link under a new URL.
SESSION_PARAMS = frozenset(
    {
        "phpsessid",
        "jsessionid",
        "sid",
        "sessionid",
        "cfid",
        "cftoken",
        "sessid",
        "session_id",
        "zenid",
        "oscsid",  # PHP shops and CMSs
    }
)
# Query parameters that only track who clicked where; removing them never changes the page.
TRACKING_PARAMS = SESSION_PARAMS | frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "xtor",
        "spm",
        "wt.mc_id",
        "cmpid",
        "ito",
        "ocid",
        "ncid",
        "sr_share",
        "share",
        "at_medium",
        "at_campaign",
        "at_source",
        # share and referrer markers (WeChat adds from=timeline&isappinstalled=0)
        "ref",
        "ref_src",
        "ref_url",
        "referrer",
        "from",
        "isappinstalled",
        "share_token",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmsr", "ga_", "__")
_PATH_SESSION = re.compile(r";(?:jsessionid|phpsessid|sid|sessionid)=[^/?#]*", re.IGNORECASE)
# ASP.NET's cookieless sessions put the id in a path segment: /(S(lit3py55t21z5v55vlm25s55))/
_ASPNET_SESSION = re.compile(r"/\([A-Z]\([A-Za-z0-9]+\)\)(?=/)")


def is_tracking_param(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def normalize_url(url: str) -> str:
    """The canonical spelling of an http(s) URL.

    Lower-cased scheme and host, default port dropped, fragment dropped, tracking and session
    parameters removed, remaining query parameters sorted, percent-encoding made uniform.
    """
    url = url.strip()
    parts = urlsplit(url)
    path = _ASPNET_SESSION.sub("", _PATH_SESSION.sub("", parts.path)) or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = urlencode([(k, v) for k, v in pairs if not is_tracking_param(k)])
    netloc = (parts.hostname or "").lower()
    default_port = {"http": 80, "https": 443}.get(parts.scheme.lower())
    if parts.port and parts.port != default_port:
        netloc = f"{netloc}:{parts.port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    rebuilt = urlunsplit((parts.scheme.lower(), netloc, path, query, ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def strip_session_ids(url: str) -> str:
    """``url`` without session ids (query parameters and path segments), otherwise as is.

    For listing pages, where ``normalize_url`` would go too far: a tracking name such as
    ``from`` is a pagination offset on some sites (``?from=40``).
    """
    parts = urlsplit(url.strip())
    path = _ASPNET_SESSION.sub("", _PATH_SESSION.sub("", parts.path)) or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if k.lower() not in SESSION_PARAMS]
    query = urlencode(kept) if len(kept) < len(pairs) else parts.query
    return urlunsplit((parts.scheme, parts.netloc, path, query, parts.fragment))


def same_site(url_a: str, url_b: str) -> bool:
    """True when both URLs are on the same host, ignoring a leading ``www.``."""
    a = (urlsplit(url_a).hostname or "").removeprefix("www.")
    b = (urlsplit(url_b).hostname or "").removeprefix("www.")
    return bool(a) and a == b


def domain_parts(url: str, *, private_suffixes: bool = False) -> ExtractResult:
    """A URL's host split at its public suffix (``top_domain_under_public_suffix``:
    ``example.co.uk`` of ``feeds.example.co.uk``; empty for an IP address or a bare host).
    With ``private_suffixes``, suffixes such as ``blogspot.com`` count as public ones, so each
    blog there is a domain of its own."""
    return _domain_extractor(private_suffixes)(url)


@cache
def _domain_extractor(private_suffixes: bool) -> TLDExtract:
    # Imported here: only source spiders and onboarding need the suffix list.
    from tldextract import TLDExtract

    # No network: the public-suffix snapshot bundled with tldextract.
    return TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=private_suffixes
    )
