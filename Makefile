# ouro: `make demo` and `make test` do all set-up themselves; set-up steps are stamped and
# skipped when nothing they depend on changed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Compiler releases the test suite and the demo compile with (installed from npm as solc-js
# unless a native solc of that version exists).
SOLC_VERSIONS := 0.4.24 0.4.26 0.5.16 0.5.17 0.6.6 0.6.12 0.7.6 0.8.19 0.8.20 0.8.37

.PHONY: setup demo test clean doctor grid
setup: $(VENV)/.stamp-pip node_modules/.stamp-npm
	@$(BIN)/ouro compilers install --quiet --solcx $(SOLC_VERSIONS)
	@$(BIN)/ouro chains brownie-network --quiet

$(VENV)/.stamp-pip: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $@

node_modules/.stamp-npm: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

demo: setup
	$(BIN)/ouro doctor
	@# synthesise a governance token from its spec, verify it, and write a brownie project to out/GovToken
	$(BIN)/ouro synth examples/specs/erc20.yaml --out out/GovToken
	@# exit status 1 means "findings": expected, EtherBank is vulnerable on purpose
	$(BIN)/ouro verify examples/contracts/EtherBank.sol || test $$? -eq 1

# The full option grid of every contract kind (make test runs a sample of it).
grid: setup
	$(BIN)/python -m synth.grid --jobs 2 --output out/grid.json

test: setup
	$(BIN)/python -m pytest

doctor: setup
	$(BIN)/ouro doctor

clean:
	rm -rf $(VENV) node_modules build .pytest_cache out
