"""Schedules, due times and source health: plain functions, no daemon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from crawler.config import ScheduleConfig, parse_config, parse_duration
from crawler.errors import ConfigError
from crawler.status.health import assess
from crawler.status.triggers import build_trigger, is_due, next_run_after

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("4h", 14400), ("30m", 1800), ("1h30m", 5400), ("1d", 86400), ("90s", 90), (45, 45)],
)
def test_durations(text: str | int, seconds: float) -> None:
    assert parse_duration(text) == seconds


def test_defaults_and_per_source_schedules() -> None:
    config = parse_config(
        "defaults:\n  schedule: {cron: '0 6 * * *', jitter: 900}\n"
        "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n    schedule: {every: 4h}\n"
        "  - name: b\n    feeds: ['https://b.org/rss']\n"
        "  - name: c\n    feeds: ['https://c.org/rss']\n"
        "    schedule: {cron: '30 7 * * 1-5', timezone: Europe/Warsaw}\n"
    )
    a, b, c = config.sources
    assert config.schedule_of(a).describe() == "every 4h"
    assert config.schedule_of(b).describe() == "cron 0 6 * * * ±900s"
    assert config.schedule_of(c).describe() == "cron 30 7 * * 1-5 Europe/Warsaw"


def test_without_any_schedule_every_source_runs_daily() -> None:
    config = parse_config("sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n")
    schedule = config.schedule_of(config.sources[0])
    assert schedule.cron == "0 6 * * *"
    assert next_run_after(schedule, NOW, NOW) == datetime(2026, 3, 11, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ("{cron: '0 25 * * *'}", "schedule.cron: invalid cron expression '0 25 * * *'"),
        ("{cron: 'every day'}", "schedule.cron: invalid cron expression"),
        ("{every: 0s}", "schedule.every: duration must be positive"),
        ("{every: 0}", "schedule.every: duration must be positive"),
        ("{every: 'soon'}", "schedule.every: not a duration: 'soon'"),
        ("{every: 4h, at: noon}", "schedule.at: unknown key"),
        ("{every: 4h, cron: '* * * * *'}", "schedule: a schedule needs exactly one of"),
        ("{every: 4h, timezone: Nowhere/City}", "schedule.timezone: unknown time zone"),
        ("{every: 4h, jitter: -5}", "schedule.jitter: Input should be greater than or equal"),
    ],
)
def test_invalid_schedules_name_the_source(schedule: str, message: str) -> None:
    text = f"sources:\n  - name: wire\n    feeds: ['https://a.org/rss']\n    schedule: {schedule}\n"
    with pytest.raises(ConfigError) as info:
        parse_config(text, origin="s.yaml")
    assert f"s.yaml: source 'wire' (sources[0]): {message}" in str(info.value)


def test_invalid_default_schedule() -> None:
    with pytest.raises(ConfigError, match=r"defaults\.schedule\.every: not a duration"):
        parse_config(
            "defaults:\n  schedule: {every: x}\n"
            "sources:\n  - name: a\n    feeds: ['https://a.org/rss']\n"
        )


def test_due_times() -> None:
    every = ScheduleConfig(every="4h")
    assert is_due(every, None, NOW)  # never crawled: due now
    assert not is_due(every, NOW - timedelta(hours=3), NOW)
    assert is_due(every, NOW - timedelta(hours=4), NOW)
    daily = ScheduleConfig(cron="0 6 * * *")
    assert not is_due(daily, datetime(2026, 3, 10, 6, 5, tzinfo=UTC), NOW)
    assert is_due(daily, datetime(2026, 3, 9, 6, 5, tzinfo=UTC), NOW)


def test_cron_in_a_time_zone() -> None:
    warsaw = ScheduleConfig(cron="0 6 * * *", timezone="Europe/Warsaw")
    fire = next_run_after(warsaw, NOW, NOW)
    assert fire.astimezone(UTC) == datetime(2026, 3, 11, 5, 0, tzinfo=UTC)


def test_jitter_reaches_the_trigger() -> None:
    assert build_trigger(ScheduleConfig(cron="0 6 * * *", jitter=900)).jitter == 900
    assert build_trigger(ScheduleConfig(cron="0 6 * * *", jitter=900), jitter=False).jitter is None
    assert build_trigger(ScheduleConfig(every="2h", jitter=60)).jitter == 60


@dataclass
class Run:
    status: str
    articles_found: int = 5
    articles_new: int = 1


def test_health_verdicts() -> None:
    ok, empty, failed = Run("ok"), Run("ok", articles_found=0), Run("failed", 0, 0)
    assert assess([], 3, ever_yielded=False).verdict == "new"
    assert assess([ok, failed, failed], 3, ever_yielded=True).verdict == "ok"
    degraded = assess([failed, ok], 3, ever_yielded=True)
    assert (degraded.verdict, degraded.consecutive_bad) == ("degraded", 1)
    broken = assess([empty, failed, empty, ok], 3, ever_yielded=True)
    assert (broken.verdict, broken.consecutive_bad) == ("broken", 3)
    assert broken.reason == "the last 3 runs failed or found no articles"
    # a source that never yielded anything is broken only by outright failures
    assert assess([empty] * 5, 3, ever_yielded=False).verdict == "degraded"
    assert assess([failed] * 3, 3, ever_yielded=False).verdict == "broken"
    # a quiet day (links found, all already stored) is not bad
    assert assess([Run("ok", articles_found=4, articles_new=0)] * 5, 3, True).verdict == "ok"
    assert assess([Run("running"), ok], 3, ever_yielded=True).verdict == "ok"
