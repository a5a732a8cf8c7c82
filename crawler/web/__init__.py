"""``newsmon serve``: a read-only web UI, JSON API and Atom feed over the stored articles.

``app.create_app`` builds the FastAPI app; ``pages`` (HTML), ``api`` (``/api``) and ``feed``
(``/feed.atom``) share the parameters of ``params`` and the reads of ``results``.
"""
