# Two commands from a fresh machine:
#   make demo   install iadsim in .venv and simulate examples/demo.yaml into results/demo
#   make test   install iadsim with its test dependencies and run the test suite
# Installs are locked: constraints.txt pins every package (transitive ones and the build backend too).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCK := constraints.txt
PIP := PIP_CONSTRAINT=$(abspath $(LOCK)) $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: demo test bench system-deps clean lock

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("iadsim needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP) install -c $(LOCK) -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(LOCK) | $(BIN)/python
	$(PIP) install -c $(LOCK) -e '.[test]'
	touch $@ $(VENV)/.installed-run

# Re-resolve the lock from pyproject.toml in a fresh venv (after changing a dependency there).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip --disable-pip-version-check -q install '.[test,cases]' hatchling==1.33.0
	{ sed -n '1,2p' $(LOCK); .lock-venv/bin/python -m pip freeze --exclude iadsim | sort -f; } > $(LOCK).new
	mv $(LOCK).new $(LOCK) && rm -rf .lock-venv

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
	rm -rf $(VENV) results .pytest_cache .lock-venv
