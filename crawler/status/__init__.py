"""What is known about each source's crawls, as plain data: when it runs next (its schedule as
an APScheduler trigger, the next run times the daemon stored), how it has been doing (health
from its recent runs), and both together per source.

Shared by the daemon (``scheduler``), ``newsmon status`` and the web app, which are all top
layer and independent of one another; it imports neither Scrapy nor the daemon.
"""
