"""Pure text handling shared by every layer: the one folding of words (search terms, similarity
tokens, junk-line and month-name matching), traditional-to-simplified Chinese, month names,
and the per-token cache of the passes that run over every word.

A leaf: it imports only the standard library and third-party packages, never another newsmon
module, so extraction, similarity, relevance and storage can all use it without importing one
another. Its data files (``hanzi_pairs.txt``, ``months.yaml``) live beside the modules that
read them.
"""
