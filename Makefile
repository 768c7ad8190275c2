# make run | make test | make compare | make samestart | make mutants | make bench | make lab
# | make clean  (see README.md)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
KERNEL := d2l-lenet
BACKEND_NOTEBOOKS := $(sort $(wildcard notebooks/mxnet/*.ipynb notebooks/pytorch/*.ipynb))
# make run NOTEBOOKS='notebooks/mxnet/ex3_activation_lr.ipynb ...': only those; their records
# replace the same recipes' in results/runs.jsonl (d2l_lenet/records.py), the others stay.
NOTEBOOKS ?= $(BACKEND_NOTEBOOKS)
# Heavy exercises (d2l_lenet/recipes.py CAPPED) run under their D2L_MAX_* caps, in run and test.
CAPS_FOR = $(PY) -m d2l_lenet.recipes --caps-for
# make test replays notebooks in LANES kernels side by side (pytest-xdist, one notebook per
# lane at a time), each with the cores divided between the lanes: small nets use one thread
# poorly, so two notebooks side by side finish sooner than one notebook with every core.
LANES ?= 2
LANE_THREADS := $(shell n=$$(( $$(getconf _NPROCESSORS_ONLN) / $(LANES) )); \
    [ $$n -ge 1 ] && echo $$n || echo 1)
LANE_ENV := $(if $(filter 1,$(LANES)),,D2L_NUM_THREADS=$(LANE_THREADS) OMP_NUM_THREADS=$(LANE_THREADS))
EXECUTE = $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.kernel_name=$(KERNEL) --ExecutePreprocessor.timeout=1800

# The data: D2L_DATA_DIR if set, else ../shared/data when it exists (the course machines);
# otherwise d2l_compat looks in the usual places and downloads.
ifeq ($(origin D2L_DATA_DIR), undefined)
  ifneq ($(wildcard ../shared/data/fashion-mnist),)
    export D2L_DATA_DIR := $(abspath ../shared/data)
  endif
endif

.PHONY: run test bench compare lab clean venv samestart mutants
.DELETE_ON_ERROR:

venv: $(STAMP)

$(STAMP): requirements.txt constraints.txt pyproject.toml d2l_lenet/install_kernel.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m d2l_lenet.install_kernel
	touch $@

# Execute every notebook headless, in place, in LANES lanes side by side (as make test replays
# them, so the committed outputs come from the same thread count); run records go to
# results/runs.jsonl, which is replaced only when every notebook has run; then the report.
run: $(STAMP)
	@mkdir -p results
	rm -f results/runs.jsonl.part
	printf '%s\n' $(NOTEBOOKS) | xargs -P $(LANES) -I NB sh -c \
	    'echo "== NB" && env $$($(CAPS_FOR) NB) $(LANE_ENV) \
	     D2L_RESULTS=$(CURDIR)/results/runs.jsonl.part D2L_ANIMATOR=final $(EXECUTE) NB && \
	     $(PY) -m jupytext --sync NB >/dev/null'
	@if [ -f results/runs.jsonl.part ]; then \
	    if [ "$(NOTEBOOKS)" = "$(BACKEND_NOTEBOOKS)" ]; then mv results/runs.jsonl.part results/runs.jsonl; \
	    else $(PY) -m d2l_lenet.records --merge results/runs.jsonl.part; fi; fi
	$(MAKE) compare

# reports/compare.md from the run records, and the notebook that shows it.
compare: $(STAMP)
	$(PY) -m d2l_lenet.compare
	$(EXECUTE) notebooks/compare.ipynb
	$(PY) -m jupytext --sync notebooks/compare.ipynb >/dev/null

# Unit tests, then every notebook replayed cell by cell by nbval, numbers compared within
# their measured tolerances (d2l_lenet.testrun, d2l_lenet.nbval_numbers).
test: $(STAMP)
	$(PY) -m d2l_lenet.testrun --lanes $(LANES) --kernel $(KERNEL)

# Speed (results/bench.json), then the README's tables rendered from it.
bench: $(STAMP)
	$(PY) -m d2l_lenet.bench
	$(PY) -m d2l_lenet.readme

# As root (containers, course machines) Jupyter refuses to start without --allow-root; a port
# already in use makes it try the next ones.
lab: $(STAMP)
	$(VENV)/bin/jupyter lab notebooks/ --ServerApp.port_retries=50 \
	    $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# MXNet and PyTorch from identical weights and batches (results/samestart.jsonl), then the report.
samestart: $(STAMP)
	rm -f results/samestart.jsonl
	$(PY) -m d2l_lenet.samestart --jobs $(LANES)
	$(PY) -m d2l_lenet.samestart --jobs $(LANES) --start torch-biases --recipes lenet-v2
	$(MAKE) compare

# One-line bugs planted in a copy of d2l_compat; each must make the fast tests fail.
mutants: $(STAMP)
	$(PY) -m d2l_lenet.mutants --jobs $(LANES)

clean:
	rm -rf $(VENV) build .pytest_cache
	find . -name __pycache__ -prune -exec rm -rf {} +
