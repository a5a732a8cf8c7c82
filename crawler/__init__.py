"""newsmon's crawl core: the sources file (config), errors, Scrapy settings (the one place the
component order lives), the runner, items, pipelines, drop reasons, article rows, URLs and
stored page bodies. Extraction, Scrapy components, the CLI and output each have a room below."""
