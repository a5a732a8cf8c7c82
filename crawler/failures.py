"""Why a request failed, in one readable line for crawl_runs (``HTTP 503 after 2 retries``,
``timed out after 30 s``, ``redirect loop: a -> b -> a``), or that it was refused on purpose.

Scrapy reports failures as exception types whose messages are written for developers (an empty
``ResponseDataLossError``, a ``DownloadFailedError`` holding a list of Twisted failures); the
crawl_runs row is read by whoever runs newsmon, so each kind gets a sentence here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from scrapy import Request
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
    UnsupportedURLSchemeError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from crawler.status.health import CONNECTION_REFUSED, HOST_NOT_FOUND

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

# Request.meta key set by crawler.components.retry when a Retry-After asked for a longer wait than a
# crawl allows: the value is the requested wait in seconds.
RETRY_AFTER_REFUSED = "newsmon_retry_after_refused"
# How describe_failure words a site that could not be reached (crawler.output.summary reads them).
# HOST_NOT_FOUND, CONNECTION_REFUSED: worded where runs are read back (crawler.status.health).
# Seconds a crawl waits at most for a Retry-After (``NEWSMON_MAX_RETRY_AFTER`` overrides it).
DEFAULT_MAX_RETRY_AFTER = 60.0


class RedirectLoop(IgnoreRequest):
    """A redirect leads back to a URL of the same redirect chain."""


@dataclass(frozen=True)
class FetchLimits:
    """The crawl's limits, to name them in reasons (per-request meta overrides them)."""

    max_size: int
    timeout: float
    max_redirects: int
    max_retry_after: float


def fetch_limits(settings: BaseSettings) -> FetchLimits:
    """The crawl's limits from its settings, to name them in reasons."""
    return FetchLimits(
        max_size=settings.getint("DOWNLOAD_MAXSIZE"),
        timeout=settings.getfloat("DOWNLOAD_TIMEOUT"),
        max_redirects=settings.getint("REDIRECT_MAX_TIMES"),
        max_retry_after=settings.getfloat("NEWSMON_MAX_RETRY_AFTER", DEFAULT_MAX_RETRY_AFTER),
    )


def refusal(failure: Failure) -> str | None:
    """The stats name of a deliberate refusal (not an error), else None.

    Scrapy raises a plain IgnoreRequest both for these and for real failures (too many
    redirects, a decompression bomb), so its own messages are what tells them apart.
    """
    if failure.check(HttpError) or not failure.check(IgnoreRequest):
        return None
    message = failure.getErrorMessage()
    if message.startswith("Forbidden by robots.txt"):
        return "RobotsDisallowed"
    if message.startswith("Filtered offsite request"):
        return "Offsite"
    if message.startswith("page budget of"):  # crawler.components.bounds.PageBudgetMiddleware
        return "PageBudget"
    return None


def describe_failure(failure: Failure, limits: FetchLimits) -> str:
    """One line saying why the request of ``failure`` failed."""
    request: Request | None = getattr(failure, "request", None)
    meta = request.meta if request is not None else {}
    retry_count = int(meta.get("retry_times", 0))
    retries = f"; gave up after {_retries(retry_count)}" if retry_count else ""
    redirected = f" at {request.url}" if request is not None and meta.get("redirect_urls") else ""
    error = failure.value
    if isinstance(error, HttpError):
        response = error.response
        location = response.headers.get(b"Location")
        if 300 <= response.status < 400 and location:
            target = location.decode("latin-1")
            return f"HTTP {response.status} redirect to a URL that is not http(s): {target}"
        reason = f"HTTP {response.status}{redirected}"
        if retry_count:
            reason += f" after {_retries(retry_count)}"
        if RETRY_AFTER_REFUSED in meta:
            reason += (
                f" (it asked to retry after {meta[RETRY_AFTER_REFUSED]:g} s, longer than "
                f"the {limits.max_retry_after:g} s a crawl waits)"
            )
        return reason
    if isinstance(error, RedirectLoop):
        return str(error)
    if isinstance(error, DownloadTimeoutError):
        timeout = float(meta.get("download_timeout", limits.timeout))
        return f"timed out after {timeout:g} s{redirected}{retries}"
    if isinstance(error, DownloadCancelledError):
        # The HTTP handler cancels a download only for its size: announced (a message) or
        # counted while receiving (no message); timeouts are DownloadTimeoutError.
        max_size = int(meta.get("download_maxsize", limits.max_size))
        return f"response larger than {format_size(max_size)} (max_response_size); not read"
    if isinstance(error, ResponseDataLossError):
        return f"connection closed mid-response, the body is incomplete{redirected}{retries}"
    if isinstance(error, DownloadFailedError):
        return f"connection failed: {_twisted_reasons(error)}{redirected}{retries}"
    if isinstance(error, DownloadConnectionRefusedError):
        return f"{CONNECTION_REFUSED}{redirected}{retries}"
    if isinstance(error, CannotResolveHostError):
        return f"{HOST_NOT_FOUND}{redirected}{retries}"
    if isinstance(error, UnsupportedURLSchemeError):
        return f"unsupported URL scheme: {error}"
    if isinstance(error, IgnoreRequest):
        message = str(error)
        if message.startswith("max redirections reached"):
            return f"more than {limits.max_redirects} redirects (redirect_max_times)"
        if "during decompression" in message:
            max_size = int(meta.get("download_maxsize", limits.max_size))
            return (
                f"compressed response inflates past {format_size(max_size)} "
                "(max_response_size; a gzip bomb?)"
            )
        return f"ignored: {message}"
    message = failure.getErrorMessage()
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def format_size(size: int) -> str:
    """``16 MiB``, ``15.3 MiB``, ``512 KiB``."""
    if size >= 1 << 20:
        return f"{size / (1 << 20):.3g} MiB"
    if size >= 1 << 10:
        return f"{size / (1 << 10):.3g} KiB"
    return f"{size} bytes"


def _retries(count: int) -> str:
    return f"{count} {'retry' if count == 1 else 'retries'}"


def _twisted_reasons(error: DownloadFailedError) -> str:
    """The failures inside Twisted's ResponseFailed, by type and message."""
    reasons = getattr(error.__cause__, "reasons", None) or []
    names = []
    for reason in reasons:
        if isinstance(reason, Failure):
            message = reason.getErrorMessage()
            names.append(f"{reason.type.__name__} ({message})" if message else reason.type.__name__)
    return "; ".join(names) or type(error).__name__
