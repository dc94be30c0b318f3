# Two commands on a fresh machine (Debian + Python 3.11): `make serve` and `make test`.
# Each creates .venv and installs what it needs; `make test` also installs the Debian packages the
# tests use (espeak-ng, sox, redis-server, chromium, Noto fonts) when they are missing.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# chromium and the Noto fonts: the browser tests (Playwright drives Debian's chromium, never a download);
# the colour emoji font for the pages' icons (🎤 🌐 ⏳), which a tablet has and a bare Debian lacks
APT_PACKAGES := espeak-ng sox redis-server chromium fonts-noto-core fonts-noto-cjk fonts-noto-color-emoji

.PHONY: serve test screenshots fuzz-long lint check install install-dev install-libretranslate system-packages clean

# LibreTranslate in its own environment: it pins numpy, requests, redis … at versions that conflict with
# the relay's (tests/remote/libretranslate_server.py starts it; about a minute to install, no torch)
LT_VENV    := .venv-libretranslate
LT_VERSION := 1.9.6

$(VENV)/.base:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, the CPU build: argostranslate pulls it in through stanza, and an unpinned
	# torch would bring gigabytes of CUDA packages
	$(PIP) install --quiet torch==2.13.0
	touch $@

$(VENV)/.installed: $(VENV)/.base pyproject.toml
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.base pyproject.toml
	$(PIP) install --quiet -e '.[dev]'
	# openai-whisper only for its tokenizer files (tests/fixtures/build_whisper.py), without its
	# dependencies: they would bring triton, numba and llvmlite (1.2 GB) that nothing here runs
	$(PIP) install --quiet --no-deps openai-whisper==20250625
	touch $@ $(VENV)/.installed

$(LT_VENV)/.installed:
	$(PYTHON) -m venv $(LT_VENV)
	$(LT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LT_VENV)/bin/python -m pip install --quiet libretranslate==$(LT_VERSION)
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev
install-libretranslate: $(LT_VENV)/.installed

system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

## serve: install, put the default models in place (once; skipped with MADOGUCHI_MODELS_INSTALL_DEFAULTS=false)
## and start the relay on the embedded defaults (SQLite, in-process queue)
serve: install
	@mkdir -p data models
	$(VENV)/bin/madoguchi models install-defaults $(if $(CONFIG),--config $(CONFIG),)
	@$(VENV)/bin/madoguchi check $(if $(CONFIG),--config $(CONFIG),) || true
	@echo "Create a clerk token with: $(VENV)/bin/madoguchi token add $(if $(CONFIG),--config $(CONFIG) ,)--role clerk --name counter-1"
	$(VENV)/bin/madoguchi serve $(if $(CONFIG),--config $(CONFIG),)

## test: install everything and run the whole test suite, then the linters
## (with CI=true in the environment, as CI sets it, a test that cannot run fails the run: tests/ci_rules.py)
test: install-dev install-libretranslate system-packages
	$(PY) -m pytest -q -rfEs
	$(MAKE) --no-print-directory lint

## screenshots: run the browser tests and replace the screenshots in docs/screenshots/
screenshots: install-dev system-packages
	MADOGUCHI_SCREENSHOTS=1 $(PY) -m pytest -q tests/browser

## fuzz-long: the long fuzz, 100,000 frames at a live relay (about 4 minutes on two cores at load 9–12; docs/security.md)
fuzz-long: install-dev
	MADOGUCHI_FUZZ_FRAMES=100000 $(PY) -m pytest -q -s tests/relay/test_fuzz.py

lint: install-dev
	$(VENV)/bin/ruff check relay pipelines easy_japanese tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

check: install
	$(VENV)/bin/madoguchi check

clean:
	rm -rf $(VENV) $(LT_VENV) .pytest_cache .mypy_cache .ruff_cache .cache
