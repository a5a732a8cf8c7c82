"""Near-duplicates and stories across languages, as plain functions on plain data.

``signature`` computes, in the extraction worker, what the storage layer needs to find an
article's near-duplicates (MinHash band keys, ``minhash``) and the other reports of its story in any
language (the parties it names, ``parties``, and language-independent evidence,
``evidence``). ``scoring`` decides, from two articles' data, whether they are copies
(``is_near_duplicate``) or one story (``story_score``). Nothing here touches the database.
"""
