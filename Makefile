# Two commands for a newcomer: `make run` starts the monitor, `make test` runs the tests.
# Both create .venv with Python >= 3.11 and install govwatch into it on first use.

PYTHON ?= $(shell command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test demo lint clean eval image

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "govwatch needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

govwatch.yaml:
	cp govwatch.example.yaml govwatch.yaml
	@echo "created govwatch.yaml from govwatch.example.yaml: edit it to choose sites and subscribers"

run: $(STAMP) govwatch.yaml
	$(BIN)/govwatch run

demo: $(STAMP)
	$(BIN)/govwatch demo

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

eval: $(STAMP)
	$(BIN)/python bench/score_extract.py

image:  # the Docker image (deploy/Dockerfile); deploy/README.md has the Compose setup
	docker build -f deploy/Dockerfile -t govwatch .

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache
