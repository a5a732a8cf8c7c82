"""The bundled sample news site: a loopback server and the pages, feeds and sitemaps it serves.

``newsmon demo`` uses it to show the whole pipeline without internet, and the end-to-end tests
crawl it and compare what was stored with ``expected.json``. Modules: ``server`` (the HTTP
server, ``render_sources``), ``responder`` (how one request is answered) and ``reply`` (the
answer), ``behaviour`` (the per-path table in ``site.yaml``), ``faults`` (resets, stalls, huge
bodies, gzip bombs, endless archives... a table can inject per path; tests/faults/ has a site
built on them), ``expected`` (the ground truth) and ``bundle`` (where the package data lives).

The site (``site/``, URLs written with a ``{BASE}`` placeholder) has four sources, the ones in
``sources.yaml``: ``prwire`` (RSS 2.0 + Atom, French/English/Spanish press releases, tracking
parameters and a fragment on feed links, a video page), ``cnportal`` (sitemap index -> Google
News sitemap + gzipped archive sitemap, with a robots-disallowed ``/private/`` URL, a 404 and a
410), ``carbontrade`` (three paginated listing pages, an old URL that 301-redirects, a gallery,
links that must not be followed) and ``pap`` (RSS 1.0/RDF, a ``utm_*`` feed link to a page with
``<link rel="canonical">``). Each page keeps its own bytes: the GBK page declares no charset
anywhere (and uses characters outside GB2312), one page is GB2312 declared in ``<meta
charset>``, one windows-1250 declared only in the HTTP header, the rest UTF-8. The Big5 page
(seed 003) declares ``big5`` in ``<meta http-equiv>``; Big5 has no tone-marked pinyin letters
(the page's ``態(tài)`` artefacts) nor ``凇``, so those are numeric character references
(``&#224;``) and the bytes decode with any Big5 variant (big5, cp950, big5hkscs).
"""
