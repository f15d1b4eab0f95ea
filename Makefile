# zinepress: `make` sets up .venv and builds every output; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
ZP     := $(BIN)/python build.py

.PHONY: browser-check all build pdf pdf-letter pdf-large-print epub colophon zine check new typography test bench preview a11y epub-look clean distclean

all: build

# Re-install only when the declared dependencies or their pinned versions change.
# constraints.txt holds the exact version of every package: the same book on every machine.
$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

# Deliberately move to the newest versions pyproject.toml allows: resolve them in a fresh
# venv, write them to constraints.txt, reinstall. Review the diff, then rebuild and test.
.PHONY: upgrade
upgrade:
	rm -rf .venv-upgrade
	$(PYTHON) -m venv .venv-upgrade
	.venv-upgrade/bin/python -m pip install --quiet --upgrade pip
	.venv-upgrade/bin/python -m pip install --quiet -e '.[test]'
	{ sed -n '/^#/p' constraints.txt; .venv-upgrade/bin/python -m pip freeze --exclude-editable; } > constraints.new
	rm -rf .venv-upgrade
	mv constraints.new constraints.txt
	$(MAKE) $(STAMP)
	git diff --stat constraints.txt || true

build: $(STAMP)
	$(ZP) build all

pdf pdf-letter pdf-large-print epub colophon zine: $(STAMP)
	$(ZP) build $@

check: $(STAMP)
	$(ZP) check

# A new zine project elsewhere: make new DIR=~/my-zine
new: $(STAMP)
	@test -n "$(DIR)" || { echo "usage: make new DIR=path/to/new-zine" >&2; exit 2; }
	$(ZP) new "$(DIR)"

typography: $(STAMP)
	$(ZP) build pdf pdf-letter
	$(ZP) check --typography

test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python -m zinepress.dev.bench

preview: $(STAMP)
	$(ZP) build pdf
	$(BIN)/python -m zinepress.dev.preview

# Ace by DAISY, the EPUB accessibility checker, with Debian's chromium as its browser
# (puppeteer's own browser download is skipped). Installed once into .cache/.
ACE_DIR := .cache/ace
ACE     := $(ACE_DIR)/node_modules/.bin/ace-cli
CHROMIUM := /usr/bin/chromium

$(ACE):
	mkdir -p $(ACE_DIR)
	cd $(ACE_DIR) && PUPPETEER_SKIP_DOWNLOAD=1 npm install --no-audit --no-fund --silent \
	    @daisy/ace-cli@1.4.6 @daisy/ace-axe-runner-puppeteer@1.4.6

$(CHROMIUM):
	apt-get install -y chromium || (apt-get update && apt-get install -y chromium)

a11y: $(STAMP) $(ACE) $(CHROMIUM)
	$(ZP) build epub
	PUPPETEER_EXECUTABLE_PATH=$(CHROMIUM) $(BIN)/python -m zinepress.dev.a11y --ace $(ACE)

epub-look: $(STAMP) $(CHROMIUM)
	$(ZP) build epub
	$(BIN)/python -m zinepress.dev.look --chromium $(CHROMIUM)

clean:
	rm -rf build

distclean: clean
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis .cache

# The catalogue in a real browser (Debian's chromium, headless): screenshots to look at.
browser-check: $(STAMP)
	$(BIN)/python -m zinepress.dev.browsercheck
