# zinepress: `make` sets up .venv and builds every output; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ZP     := $(BIN)/python build.py

.PHONY: all build pdf pdf-letter pdf-large-print epub colophon zine check typography test bench preview clean distclean

all: build

# Re-install only when the declared dependencies change.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

build: $(STAMP)
	$(ZP) build all

pdf pdf-letter pdf-large-print epub colophon zine: $(STAMP)
	$(ZP) build $@

check: $(STAMP)
	$(ZP) check

typography: $(STAMP)
	$(ZP) build pdf pdf-letter
	$(ZP) check --typography

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m zinepress.dev.bench

preview: $(STAMP)
	$(ZP) build pdf
	$(BIN)/python -m zinepress.dev.preview

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
