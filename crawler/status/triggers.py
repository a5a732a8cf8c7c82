"""Schedules from the sources file as APScheduler triggers, and when a source is due."""

from __future__ import annotations

from datetime import datetime

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.config import ScheduleConfig


def build_trigger(schedule: ScheduleConfig, *, jitter: bool = True) -> BaseTrigger:
    """The APScheduler trigger for a schedule; ``jitter=False`` for exact computations."""
    spread = (schedule.jitter or None) if jitter else None
    if schedule.cron is not None:
        trigger = CronTrigger.from_crontab(schedule.cron, timezone=schedule.timezone)
        trigger.jitter = spread  # from_crontab() takes no jitter argument
        return trigger
    seconds = schedule.interval_seconds
    assert seconds is not None
    return IntervalTrigger(seconds=seconds, timezone=schedule.timezone, jitter=spread)


def next_run_after(
    schedule: ScheduleConfig, last_started_at: datetime | None, now: datetime
) -> datetime:
    """When the source is next due: now when it never ran, else the first fire time of the
    schedule after its last run (which may lie in the past: then it is due now)."""
    if last_started_at is None:
        return now
    trigger = build_trigger(schedule, jitter=False)
    if isinstance(trigger, IntervalTrigger):
        # An interval counts from the last run, not from an arbitrary start date.
        return last_started_at + trigger.interval
    fire = trigger.get_next_fire_time(None, last_started_at)
    return fire if fire is not None else now


def is_due(schedule: ScheduleConfig, last_started_at: datetime | None, now: datetime) -> bool:
    return next_run_after(schedule, last_started_at, now) <= now
