"""Topics files: concept lists and weights for relevance (see crawler/relevance)."""
