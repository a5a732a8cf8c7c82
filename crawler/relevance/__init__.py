"""Is an article about what this monitor is for? Relevance to a topic set, in any language.

``assess(title, text, language, topics)`` scores an article against a topics file loaded by
``load_topics(path)`` (None: the shipped climate-cooperation topics). Plain functions on plain
data: no Scrapy, no network, no model download; the weights live in the topics file.
"""

from crawler.relevance.model import Assessment, Evidence, assess
from crawler.relevance.topics import (
    DEFAULT_TOPICS,
    TopicsError,
    TopicSet,
    load_topics,
    warm_up,
)

__all__ = [
    "DEFAULT_TOPICS",
    "Assessment",
    "Evidence",
    "TopicSet",
    "TopicsError",
    "assess",
    "load_topics",
    "warm_up",
]
