# How `sam build` builds a Python layer or function (`BuildMethod: makefile`): its requirements installed
# without the AWS SDK the Lambda runtime provides, its sources copied, and every module compiled to
# unchecked-hash bytecode, which Lambda's read-only code folders would otherwise recompile at every cold
# start. Why: docs/decisions.md. Each ContentUri and CodeUri folder has a Makefile that includes this one:
#     include $(dir $(lastword $(MAKEFILE_LIST)))../../tools/sam/python.mk
# SAM runs `make build-<LogicalId>` in a scratch copy of that folder, with ARTIFACTS_DIR set.
#
# LAMBDA_ARCHITECTURE: arm64 (the template's, for AWS; the default), x86_64, or host (this machine's own
# platform, for local runs: tools/build_host.py). SAM does not pass the architecture to make.
# INTO: where in the artifact the packages go; a layer's Makefile sets `python`, as Lambda expects.

SAM_TOOLS := $(dir $(lastword $(MAKEFILE_LIST)))
LAMBDA_ARCHITECTURE ?= arm64
TARGET = $(ARTIFACTS_DIR)/$(INTO)
# The folder's packages and modules: no tests, no requirements.txt, Makefile or OpenAPI description.
SOURCES := $(filter-out tests __pycache__,$(patsubst %/,%,$(wildcard */))) $(wildcard *.py)

PIP_PLATFORM_arm64 := --platform manylinux2014_aarch64 --python-version 3.13 --implementation cp
PIP_PLATFORM_x86_64 := --platform manylinux2014_x86_64 --python-version 3.13 --implementation cp
PIP_PLATFORM_host :=
ifeq ($(filter $(LAMBDA_ARCHITECTURE),arm64 x86_64 host),)
$(error LAMBDA_ARCHITECTURE is "$(LAMBDA_ARCHITECTURE)"; it must be arm64, x86_64 or host)
endif

# Bytecode is specific to Python's minor version: it must be the runtime's. SAM does not check the
# interpreter for makefile builds; find-python313 says where it looked when there is none.
PYTHON313 := $(shell "$(SAM_TOOLS)../find-python313")
ifeq ($(PYTHON313),)
$(error sam build needs Python 3.13, the Lambda runtime's version, to compile the functions' bytecode)
endif

# Bytecode from local runs, checked against file times that the zip does not keep, never ships.
build-%:
	@test -n "$(ARTIFACTS_DIR)" || { echo "ARTIFACTS_DIR is not set: sam build runs this Makefile" >&2; exit 1; }
	mkdir -p "$(TARGET)"
	$(if $(wildcard requirements.txt),"$(PYTHON313)" -m pip install --quiet --disable-pip-version-check \
		--no-compile --only-binary=:all: $(PIP_PLATFORM_$(LAMBDA_ARCHITECTURE)) --target "$(TARGET)" \
		-r requirements.txt)
	"$(PYTHON313)" "$(SAM_TOOLS)lambda_runtime.py" "$(TARGET)"
	cp -R $(SOURCES) "$(TARGET)"
	find "$(TARGET)" -name __pycache__ -type d -prune -exec rm -rf {} +
	"$(PYTHON313)" -m compileall -q -j 0 --invalidation-mode unchecked-hash "$(TARGET)"
