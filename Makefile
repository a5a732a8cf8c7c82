# Two set-up commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install browser run test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The main job: the scheduling daemon with the shipped sources (Ctrl-C stops it cleanly).
run: install
	$(BIN)/newsmon schedule

# The web UI's browser test drives Debian's chromium, never a browser Playwright downloads.
# Installed here when missing and we are root; otherwise that one test is skipped, saying why.
browser:
	@test -x /usr/bin/chromium || test "$$(id -u)" != 0 || ! command -v apt-get >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: install browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n 2

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python -m benchmarks.crawl
	@if [ -d ../shared/corpus ]; then $(BIN)/python -m benchmarks.crawl --corpus ../shared/corpus; \
	else echo "no ../shared/corpus: the run on real pages is skipped"; fi

clean:
	rm -rf $(VENV) build *.egg-info
