"""Imported once by the extraction pool's fork server, so every worker starts warm.

Loading trafilatura and py3langid's model (an xz-compressed array, ~1 s to inflate) in each
worker made every small crawl wait seconds for its first article. The fork server pays it once;
workers fork from it with everything loaded, the default topics file's terms included.

What it loaded then lives as long as the workers do, so it is moved out of the garbage
collector's sight (``gc.freeze``): a worker's full collections no longer walk the language
model, trafilatura and the topics' matchers, and forked pages of memory stay shared.
"""

import gc

from crawler.extraction.language import warm_up
from crawler.extraction.page import extract_page
from crawler.relevance import warm_up as warm_up_relevance

warm_up()
warm_up_relevance()
gc.freeze()

__all__ = ["extract_page"]
