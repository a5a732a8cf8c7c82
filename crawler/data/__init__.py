"""Word lists and tables the extraction, relevance and similarity modules read (junk lines,
parties, topics). Kept as data so they can be edited without touching code; a package so they
ship with newsmon."""
