"""What the CLI prints and writes: jsonl, json, csv and table records (the web API shares
them), search results, story listings, crawl summaries, and the file ``export -o`` writes to."""
