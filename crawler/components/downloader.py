"""Scrapy's downloader with its per-site concurrency limit actually enforced.

Scrapy 2.19 on the asyncio reactor schedules each download as a task, and the task marks its
request as transferring only when it first runs; ``_process_queue`` meanwhile drains the whole
slot queue, because the slot still looks free. With no download delay, a site limited to 2
concurrent requests got 6-16 at once (measured from the fixture server's access log, see
tests/e2e/test_recrawl.py). Marking the request as transferring before the task is scheduled
restores the limit; ``_download`` adds it again (a set) and removes it when done, as before.
"""

from __future__ import annotations

from time import monotonic

from scrapy.core.downloader import Downloader, Slot
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import _schedule_coro


class BoundedDownloader(Downloader):
    def _process_queue(self, slot: Slot) -> None:
        if slot.latercall:
            return  # processing resumes when the delayed call fires
        now = monotonic()
        delay = slot.download_delay()
        if delay:
            penalty = delay - now + slot.lastseen
            if penalty > 0:
                slot.latercall = call_later(penalty, self._latercall, slot)
                return
        while slot.queue and slot.free_transfer_slots() > 0:
            slot.lastseen = now
            request, queue_dfd = slot.queue.popleft()
            slot.transferring.add(request)  # the fix: count it before the task runs
            _schedule_coro(self._wait_for_download(slot, request, queue_dfd))
            if delay:  # one request per delay: no burst
                self._process_queue(slot)
                break
