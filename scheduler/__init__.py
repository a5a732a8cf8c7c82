"""``newsmon schedule``: crawls every source on its schedule, each crawl in its own process."""
