"""Onboarding news sources: ``newsmon sources check``, ``sources add`` and ``sources import``.

``check`` runs the source's real spider through Scrapy in a dry run (``dryrun``: no storage, no
known-URL filter, a few articles) and reports what it found (``report``) with warnings about
the extracted articles (``quality``). ``add`` fetches a page, its ``robots.txt`` and the feeds
and sitemaps they name (``probe``, through Scrapy too), reads them with plain functions
(``discover``), and appends a proposed entry to the sources file as text (``propose``).
``findings`` holds the plain data both commands collect. ``import`` reads a feed reader's OPML
export (``opml``), groups its feeds by site and appends the entries the same way; with
``--check`` it fetches each feed once (``probe``).
"""
