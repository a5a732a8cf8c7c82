"""Onboarding a news source: ``newsmon sources check`` and ``newsmon sources add``.

``check`` runs the source's real spider through Scrapy in a dry run (``dryrun``: no storage, no
known-URL filter, a few articles) and reports what it found (``report``) with warnings about
the extracted articles (``quality``). ``add`` fetches a page, its ``robots.txt`` and the feeds
and sitemaps they name (``probe``, through Scrapy too), reads them with plain functions
(``discover``), and appends a proposed entry to the sources file as text (``propose``).
``findings`` holds the plain data both commands collect.
"""
