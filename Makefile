# make run | make test | make bench | make lab | make clean  (see README.md)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNEL := d2l-lenet
BACKEND_NOTEBOOKS := $(sort $(wildcard notebooks/mxnet/*.ipynb notebooks/pytorch/*.ipynb))
# Heavy exercises (scripts/recipes.py CAPPED) run under their D2L_MAX_* caps, in run and test.
CAPS_FOR = $(PY) scripts/recipes.py --caps-for
NBVAL = --nbval --nbval-kernel-name $(KERNEL) --nbval-sanitize-with tests/sanitize.cfg \
    --nbval-cell-timeout 1800 -v
# make test replays notebooks in LANES kernels side by side (pytest-xdist, one notebook per
# lane at a time), each with the cores divided between the lanes: on 2 cores two lanes of one
# thread replay the exercise 3 pair in 327 s against 433 s for one lane of two threads.
LANES ?= 2
LANE_THREADS := $(shell n=$$(( $$(getconf _NPROCESSORS_ONLN) / $(LANES) )); \
    [ $$n -ge 1 ] && echo $$n || echo 1)
XDIST := $(if $(filter 1,$(LANES)),,-n $(LANES) --dist loadfile)
EXECUTE = $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.kernel_name=$(KERNEL) --ExecutePreprocessor.timeout=1800

# The data: D2L_DATA_DIR if set, else ../shared/data when it exists (the course machines);
# otherwise d2l_compat looks in the usual places and downloads.
ifeq ($(origin D2L_DATA_DIR), undefined)
  ifneq ($(wildcard ../shared/data/fashion-mnist),)
    export D2L_DATA_DIR := $(abspath ../shared/data)
  endif
endif

.PHONY: run test bench compare lab clean venv
.DELETE_ON_ERROR:

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) \
	    --display-name "Python 3 (d2l: MXNet + PyTorch)" >/dev/null
	touch $@

# Execute every notebook headless, in place; run records go to results/runs.jsonl, which
# is replaced only when every notebook has run; then the comparison report.
run: $(STAMP)
	@mkdir -p results
	rm -f results/runs.jsonl.part
	set -e; for nb in $(BACKEND_NOTEBOOKS); do \
	    echo "== $$nb"; \
	    env $$($(CAPS_FOR) $$nb) D2L_RESULTS=$(CURDIR)/results/runs.jsonl.part \
	        D2L_ANIMATOR=final $(EXECUTE) $$nb; \
	    $(PY) -m jupytext --sync $$nb >/dev/null; \
	done
	@if [ -f results/runs.jsonl.part ]; then mv results/runs.jsonl.part results/runs.jsonl; fi
	$(MAKE) compare

# reports/compare.md from the run records, and the notebook that shows it.
compare: $(STAMP)
	$(PY) scripts/compare.py
	$(EXECUTE) notebooks/compare.ipynb
	$(PY) -m jupytext --sync notebooks/compare.ipynb >/dev/null

# Unit tests, then every notebook replayed cell by cell by nbval. A capped notebook's
# outputs came from the same caps, but its timings and figures differ run to run, so it is
# replayed with --nbval-lax: cells marked NBVAL_CHECK_OUTPUT (shapes, parameter counts) are
# compared, every cell must run, and its band checks raise outside the bands. Every
# notebook runs even after a failure; the target fails if any did. LANES=1: one at a time.
test: $(STAMP)
	@mkdir -p build
	rm -f build/test-runs.jsonl
	set -e; full=""; capped=""; \
	for nb in $(BACKEND_NOTEBOOKS); do \
	    if [ -n "$$($(CAPS_FOR) $$nb)" ]; then capped="$$capped $$nb"; else full="$$full $$nb"; fi; \
	done; \
	export D2L_RESULTS=$(CURDIR)/build/test-runs.jsonl D2L_ANIMATOR=final; status=0; \
	$(if $(XDIST),export D2L_NUM_THREADS=$(LANE_THREADS);) \
	$(PY) -m pytest tests $$full notebooks/compare.ipynb $(NBVAL) $(XDIST) || status=1; \
	printf '%s\n' $$capped | xargs -P $(LANES) -I NB sh -c \
	    'env $$($(CAPS_FOR) NB) $(PY) -m pytest NB $(NBVAL) --nbval-lax' || status=1; \
	exit $$status

bench: $(STAMP)
	$(PY) scripts/bench.py

lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/

clean:
	rm -rf $(VENV) build .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
