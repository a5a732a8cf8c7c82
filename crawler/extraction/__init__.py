"""From a fetched page to an article: ``page.extract_page`` is the entry point; the passes it
runs (decoding, parsing, metadata, titles, dates, bylines and authors, rules, boilerplate, the
article's region, clean-up, language) live one per module here, with the worker pool that runs
them beside Scrapy. No module here imports Scrapy."""
