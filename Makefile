# Two commands from a fresh machine:
#   make demo   install iadsim in .venv and simulate examples/demo.yaml into results/demo
#   make test   install iadsim with its test dependencies and run the test suite
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test bench system-deps clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("iadsim needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(PIP) install -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(PIP) install -e '.[test]'
	touch $@ $(VENV)/.installed-run

system-deps:
	./scripts/install-system-deps.sh

demo: $(VENV)/.installed-run
	$(BIN)/iadsim run examples/demo.yaml -o results/demo

# pytest exits 5 when it collects no tests: that is a failure too.
test: $(VENV)/.installed-test system-deps
	$(BIN)/python -m pytest; status=$$?; \
	if [ $$status -eq 5 ]; then echo "pytest collected no tests: failing" >&2; exit 1; fi; exit $$status

bench: $(VENV)/.installed-test
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) results .pytest_cache
