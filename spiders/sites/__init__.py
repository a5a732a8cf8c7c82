"""Spiders for sites that need code: one module per site, a ``SourceSpider`` subclass whose
``name`` is the source's name in the sources file (which still holds its URLs and options)."""
