# Two commands for a newcomer: `make run` starts the monitor, `make test` runs the tests.
# Both create .venv with Python >= 3.11 and install govwatch into it on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The rules/ modules setup.py compiles with mypyc (when it can) are rebuilt in place, not reinstalled,
# when a source changes: rules/__init__.py would otherwise run them all from source (and say so).
COMPILED := $(VENV)/.compiled
RULES_SOURCES := setup.py $(wildcard rules/*.py)
SAY_COMPILED := env -u GOVWATCH_NO_COMPILED $(BIN)/python -c 'import rules; c = rules.compiled(); \
	print("rules compiled with mypyc:", " ".join(c) if c else "none (pure Python)")'

.PHONY: run test demo lint clean eval image compile

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "govwatch needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip 'setuptools>=77'
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@$(SAY_COMPILED)
	@touch $(STAMP) && touch -r $(STAMP) $(COMPILED)

# Never fails: without mypy or a C compiler, or with GOVWATCH_PURE=1, setup.py leaves pure Python.
# (Nothing to do right after $(STAMP): the editable install compiled in place.)
$(COMPILED): $(STAMP) $(RULES_SOURCES)
	@if [ ! -e $@ ] || [ -n "$$(find $(RULES_SOURCES) -newer $@)" ]; then mkdir -p build; \
		if $(BIN)/python setup.py -q build_ext --inplace >build/compile.log 2>&1; then \
			grep -E '^WARNING: govwatch|: error:' build/compile.log; touch $@; $(SAY_COMPILED); \
		else cat build/compile.log; echo "WARNING: rebuilding the compiled rules failed (build/compile.log)"; fi; \
	fi

compile:  # rebuild the compiled rules/ modules in place now
	@rm -f $(COMPILED)
	@$(MAKE) --no-print-directory $(COMPILED)

govwatch.yaml:
	cp govwatch.example.yaml govwatch.yaml
	@echo "created govwatch.yaml from govwatch.example.yaml: edit it to choose sites and subscribers"

run: $(COMPILED) govwatch.yaml
	$(BIN)/govwatch run

demo: $(COMPILED)
	$(BIN)/govwatch demo

test: $(COMPILED)
	$(BIN)/python -m pytest $(ARGS)

eval: $(COMPILED)  # CORPUS=DIR scores another folder of *.txt + *.gold.json (default ../shared/corpus/dev)
	$(BIN)/python bench/score_extract.py $(CORPUS)

image:  # the Docker image (deploy/Dockerfile); deploy/README.md has the Compose setup
	docker build -f deploy/Dockerfile -t govwatch .

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache build rules/*.so rules/_compiled.json
