# Two commands for a newcomer: `make run` and `make test`. Both create .venv and install what is needed.
PYTHON ?= python3
export NO_MKDOCS_2_WARNING := 1
# jieba (Chinese search) imports pkg_resources, which setuptools now warns about at every import
export PYTHONWARNINGS := ignore:pkg_resources is deprecated:UserWarning
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench clean

# The browser tests drive Debian's Chromium (Playwright's own browser download is not used);
# a CJK font makes screenshots of Chinese pages readable.
CHROMIUM := /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade "pip==25.3" "setuptools==80.9.0"
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# The sample plans are written as of this date, so that `make run` stays reproducible.
SAMPLES_TODAY := 2026-11-20

## run: install, validate the rules, check the sample plans, build the site
run: $(STAMP)
	$(BIN)/playbook rules
	$(BIN)/playbook check accounts/ --today $(SAMPLES_TODAY)
	$(BIN)/playbook build --today $(SAMPLES_TODAY)
	@echo "Open it with: $(BIN)/playbook serve   (then http://127.0.0.1:8000/)"

$(CHROMIUM):
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei

## test: the whole suite, browser tests included
test: $(STAMP) $(CHROMIUM)
	$(BIN)/pytest -q

## bench: the benchmarks, figures printed side by side
bench: $(STAMP)
	$(BIN)/python bench/bench_load.py
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_site.py
	$(BIN)/python bench/bench_limits.py
	$(BIN)/python bench/bench_history.py
	$(BIN)/python bench/bench_serve.py

clean:
	rm -rf $(VENV) site build *.egg-info
