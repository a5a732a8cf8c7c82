"""``python -m crawler`` runs the newsmon CLI (what the tests and the scheduler invoke)."""

from crawler.cli import main

if __name__ == "__main__":
    main()
