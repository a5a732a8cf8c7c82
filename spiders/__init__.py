"""What Scrapy runs: one spider per configured source (``source.SourceSpider``), which reads its
feeds (``feed``), sitemaps (``sitemap``) and listing pages (``links``), then requests the
articles they list; ``registry`` builds a source's spider class and is Scrapy's spider loader;
``sites/`` holds the few spiders that need code. Spiders fetch and yield pages: extraction,
storage and the other components run behind them (``crawler.pipelines``, ``crawler.components``).
"""
