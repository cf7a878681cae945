# xacct: two commands on a fresh machine: `make generate` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
LS_VENV ?= .venv-localstack
BIN := $(VENV)/bin
REGISTRY ?= tenants.yaml
OUT ?= generated
REPORTS ?= reports
# Terraform provider mirror; empty or missing means terraform uses its registry.
export XACCT_PROVIDER_MIRROR ?= /opt/tf-plugins
export XACCT_LOCALSTACK_VENV := $(abspath $(LS_VENV))

.PHONY: help venv generate check validate lint report test test-fast test-plan localstack-up localstack-down localstack-venv \
        bench soak docs docs-check fmt ruff clean

# every .PHONY target has a line here (tests/test_makefile.py checks it)
help:
	@echo "make help            this list"
	@echo "make venv            create .venv and install xacct with its test tools (the targets that run xacct do it first)"
	@echo "make generate        generate Terraform from $(REGISTRY) into $(OUT)/"
	@echo "make test            full test suite (installs venvs, starts LocalStack, stops it after); leaves the"
	@echo "                     evidence report of $(REGISTRY) in $(REPORTS)/ (report.html, report.md, report.json)"
	@echo "make test-fast       the unit tier: no terraform, no LocalStack, nothing slow (< 90 s)"
	@echo "make test-plan       everything but the live layer (terraform, no LocalStack)"
	@echo "make check           generate --check: is generated/ what the registry gives?"
	@echo "make validate        validate the registry (and lint it) without writing"
	@echo "make lint            xacct lint on $(REGISTRY)"
	@echo "make report          the evidence report of $(REGISTRY)'s model documents in $(REPORTS)/"
	@echo "make ruff            ruff check and ruff format --check on generator, tests and bench"
	@echo "make fmt             ruff format generator, tests and bench (rewrites files)"
	@echo "make bench           benchmarks (see bench/README.md)"
	@echo "make soak            the kill and read-back tests, many more runs (slow)"
	@echo "make docs            regenerate the wrapper modules' .tf files (from wrapper.toml), the module READMEs,"
	@echo "                     the README's permission kinds and the registry schema (schema/tenants.schema.json)"
	@echo "make docs-check      exit 1 listing the stale generated module files and schema (writes nothing)"
	@echo "make localstack-up   start LocalStack for the live tests (make localstack-down stops it)"
	@echo "make localstack-down stop the LocalStack that localstack-up started"
	@echo "make localstack-venv install LocalStack into $(LS_VENV) (make test does it)"
	@echo "make clean           remove $(OUT)/, $(REPORTS)/ and the test caches"

$(BIN)/.installed: pyproject.toml requirements/constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c requirements/constraints.txt -e '.[test]'
	touch $@

venv: $(BIN)/.installed

$(LS_VENV)/.installed: requirements/localstack.txt requirements/localstack-constraints.txt
	test -x $(LS_VENV)/bin/python || $(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/pip install -q --disable-pip-version-check -c requirements/localstack-constraints.txt -r requirements/localstack.txt
	touch $@

localstack-venv: $(LS_VENV)/.installed

generate: venv
	$(BIN)/xacct generate --registry $(REGISTRY) --out $(OUT)

check: venv
	$(BIN)/xacct generate --registry $(REGISTRY) --out $(OUT) --check

validate: venv
	$(BIN)/xacct validate --registry $(REGISTRY)

lint: venv
	$(BIN)/xacct lint --registry $(REGISTRY)

# The evidence report on the registry's model documents (make test leaves one from the planned roots).
report: venv
	$(BIN)/xacct report --registry $(REGISTRY) --out $(REPORTS)

ruff: venv
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

fmt: venv
	$(BIN)/ruff format generator tests bench

localstack-up: venv localstack-venv
	$(BIN)/python -m generator.localstack up

localstack-down: venv
	$(BIN)/python -m generator.localstack down

# The unit tier: no terraform, no LocalStack, nothing slow (under 90 s; tests/conftest.py fails a test
# that starts terraform without its marker).
test-fast: venv
	$(BIN)/python -m pytest -q -rs -n 2 -m "not live and not terraform and not slow" --xacct-registry $(REGISTRY) $(PYTEST_ARGS)

# Everything but the live layer (terraform plans, no LocalStack).
test-plan: venv
	$(BIN)/python -m pytest -q -rs -m "not live" --xacct-registry $(REGISTRY) $(PYTEST_ARGS)

# Everything: lint of our own code, then all tests with LocalStack started here and stopped after.
test: venv localstack-venv
	$(BIN)/ruff check generator tests bench
	$(BIN)/python -m generator.localstack run -- \
	  bash tests/make_test.sh $(BIN)/python $(REGISTRY) $(REPORTS) $(PYTEST_ARGS)

bench: venv
	$(BIN)/python bench/run.py

soak: venv
	XACCT_KILL_RUNS=200 XACCT_HYPOTHESIS_EXAMPLES=100 $(BIN)/python -m pytest -q -s tests/reliability tests/output -k "kill or reads_back"

docs: venv
	$(BIN)/python -m generator.modulegen modules
	$(BIN)/python -m generator.permissions.docs README.md
	$(BIN)/xacct schema --output schema/tenants.schema.json

docs-check: venv
	$(BIN)/python -m generator.modulegen modules --check
	$(BIN)/xacct schema --check schema/tenants.schema.json

clean:
	rm -rf $(OUT) $(REPORTS) .pytest_cache .xacct
