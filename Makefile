# Colmena's commands. `make test` and `make run` are the two a newcomer needs; see README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON313 = $(shell tools/find-python313)
VENV := .venv
SAM_VENV := .venv-sam
RUNTIME_VENV := .venv-runtime
PY := $(VENV)/bin/python
SAM := $(SAM_VENV)/bin/sam
# `sam build` runs the workflow's `python3.13` from PATH.
SAM_PATH = $(dir $(PYTHON313)):$(PATH)
# `sam build --cached` keys a makefile layer by its own folder only: the architecture and the shared recipe
# (tools/sam) name the cache folder, as in tools/build_host.py.
SAM_CACHE = .aws-sam/cache/arm64-$(shell cat tools/sam/*.* | sha256sum | cut -c1-12)

.PHONY: help install lint typecheck template-check workflows-check test unit e2e bench openapi new-function build build-host run invoke deploy smoke clean

help: ## list the commands
	@grep -E '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/dev.txt requirements/runtime.txt layers/shared/requirements.txt functions/*/requirements.txt
	@test -n "$(PYTHON313)" || exit 1
	test -x $(PY) || $(PYTHON313) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt \
		$(addprefix -r ,$(wildcard functions/*/requirements.txt))
	touch $@

$(SAM_VENV)/.installed: requirements/sam.txt
	@test -n "$(PYTHON313)" || exit 1
	test -x $(SAM) || $(PYTHON313) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/sam.txt
	touch $@

# What the Lambda runtime gives a function (boto3, nothing else): built functions are imported on it.
$(RUNTIME_VENV)/.installed: requirements/runtime.txt
	@test -n "$(PYTHON313)" || exit 1
	test -x $(RUNTIME_VENV)/bin/python || $(PYTHON313) -m venv $(RUNTIME_VENV)
	$(RUNTIME_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/runtime.txt
	touch $@

install: $(VENV)/.installed $(SAM_VENV)/.installed $(RUNTIME_VENV)/.installed ## create the virtual environments (Python 3.13) with the pinned tools

lint: $(VENV)/.installed ## ruff (lint and format) over the whole tree
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(VENV)/.installed ## mypy over the layer, the functions, the tools and the tests
	$(VENV)/bin/mypy

template-check: install ## cfn-lint and sam validate --lint on template.yaml
	$(VENV)/bin/cfn-lint template.yaml
	AWS_DEFAULT_REGION=us-east-1 SAM_CLI_TELEMETRY=0 $(SAM) validate --lint --template-file template.yaml

workflows-check: $(VENV)/.installed ## the GitHub Actions workflows against their schema, and every step a make target
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(PY) -m tools.workflows

test: lint typecheck template-check workflows-check ## every check and the whole test suite (what CI runs)
	PATH="$(SAM_PATH)" SAM_CLI_TELEMETRY=0 $(PY) -m pytest

unit: $(VENV)/.installed ## the fast tests only (no build, no local stack)
	$(PY) -m pytest -m "not build and not e2e"

e2e: install ## the build suite and the end-to-end suite on the local stack (the slow half of make test)
	PATH="$(SAM_PATH)" SAM_CLI_TELEMETRY=0 $(PY) -m pytest -m "build or e2e"

bench: install ## cold starts and warm durations beside their baselines
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/bench.txt
	PATH="$(SAM_PATH)" $(PY) tools/bench.py

openapi: $(VENV)/.installed ## rewrite functions/*/openapi.json from the routes (commit the result)
	$(PY) tools/openapi.py

new-function: $(VENV)/.installed ## add a function: make new-function NAME=<snake_case> CONTEXT=<context> TRIGGER=api|s3|schedule|event|workflow-task
	@$(PY) -m tools.scaffold "$(NAME)" "$(CONTEXT)" "$(TRIGGER)"

build: $(SAM_VENV)/.installed ## sam build for AWS (arm64, compiled), into .aws-sam/build
	PATH="$(SAM_PATH)" SAM_CLI_TELEMETRY=0 LAMBDA_ARCHITECTURE=arm64 $(SAM) build --parallel --cache-dir $(SAM_CACHE)

build-host: $(VENV)/.installed $(SAM_VENV)/.installed ## sam build for this machine's architecture, into .build/host
	PATH="$(SAM_PATH)" SAM_CLI_TELEMETRY=0 $(PY) tools/build_host.py

run: install ## the whole application on the local stack (API on :3000, AWS endpoint on :4566, local Stripe on :12111); Ctrl-C stops it
	$(PY) -m tools.local_stack

invoke: install ## run one function on the local stack: make invoke FN=<LogicalId> EVENT=events/<function>/<file>.json
	@$(PY) -m tools.local_stack.invoke "$(FN)" "$(EVENT)"

# CI (GitHub sets CI=true) deploys without the change-set prompt that samconfig.toml keeps for prod from a
# laptop: the pipeline's approval is the protected `prod` environment.
deploy: $(SAM_VENV)/.installed ## sam deploy the last `make build` to an environment: make deploy ENV=dev|staging|prod
	@test -n "$(ENV)" || { echo "usage: make deploy ENV=dev|staging|prod"; exit 2; }
	SAM_CLI_TELEMETRY=0 $(SAM) deploy --config-env $(ENV) $(if $(CI),--no-confirm-changeset)

smoke: $(VENV)/.installed ## read-only checks against a deployed environment's API: make smoke ENV=dev|staging|prod
	@test -n "$(ENV)" || { echo "usage: make smoke ENV=dev|staging|prod"; exit 2; }
	$(PY) -m tools.smoke --env $(ENV)

clean: ## remove the virtual environments and build output
	rm -rf $(VENV) $(SAM_VENV) $(RUNTIME_VENV) .aws-sam .build .local
