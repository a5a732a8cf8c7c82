"""The classes ``crawler.settings`` names for Scrapy: spider and downloader middlewares, the
crawl-run extension, the downloader and the log formatter, one role per module, plus the
reaction to a lost database that the components touching it share."""
