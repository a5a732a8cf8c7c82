# Two set-up commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# One lock for every supported Python and platform (uv resolves with environment markers).
LOCK_FLAGS := --extra dev --universal --generate-hashes --python-version 3.11

.PHONY: install upgrade lock browser run test lint bench clean

install: $(STAMP)

# Every dependency, transitive ones included, comes from requirements.lock at its exact version
# and hash; newsmon itself is then installed editable, built by the locked setuptools.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "newsmon needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1)" >&2; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
		-r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
		--no-build-isolation -e .
	touch $(STAMP)

# Re-resolve the lock to the newest versions pyproject.toml allows, install them and run every
# test against them. Review the changed pins (git diff requirements.lock) and commit the lock.
upgrade: install
	cp requirements.lock $(VENV)/requirements.lock.before
	$(BIN)/uv pip compile --quiet $(LOCK_FLAGS) --upgrade -o requirements.lock pyproject.toml
	@$(BIN)/python -c 'import re, sys; pins = [dict(re.findall(r"^([a-z0-9._-]+)==(\S+)", open(f).read(), re.M)) for f in sys.argv[1:]]; changed = [f"{n} {pins[0].get(n) or chr(45)} -> {pins[1].get(n) or chr(45)}" for n in sorted(pins[0].keys() | pins[1].keys()) if pins[0].get(n) != pins[1].get(n)]; print("\n".join(changed) or "every pin is already the newest allowed")' $(VENV)/requirements.lock.before requirements.lock
	$(MAKE) test

# Write the lock again after an edit of pyproject.toml's dependencies, keeping every other pin.
lock: install
	$(BIN)/uv pip compile --quiet $(LOCK_FLAGS) -o requirements.lock pyproject.toml

# The main job: the scheduling daemon with the shipped sources (Ctrl-C stops it cleanly).
run: install
	$(BIN)/newsmon schedule

# The web UI's browser test drives Debian's chromium, never a browser Playwright downloads.
# Installed here when missing and we are root; otherwise that one test is skipped, saying why.
browser:
	@test -x /usr/bin/chromium || test "$$(id -u)" != 0 || ! command -v apt-get >/dev/null || \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: install browser lint
	$(BIN)/python -m pytest -n 2

# Style, types and the layers between packages (the contracts in pyproject.toml).
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m benchmarks.crawl
	@if [ -d ../shared/corpus ]; then $(BIN)/python -m benchmarks.crawl --corpus ../shared/corpus; \
	else echo "no ../shared/corpus: the run on real pages is skipped"; fi

clean:
	rm -rf $(VENV) build *.egg-info
