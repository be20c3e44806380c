# casegraph: `make run` builds the seed graph and answers the competency questions; `make test` runs
# lint, format check and the whole test suite. Both create .venv and install pinned dependencies.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
CG     := $(VENV)/bin/casegraph
STORE  ?= casegraph.store
OUT    ?= out
PIP    := $(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt

.PHONY: run test install install-dev browser lint format notebook bench train clean

$(PY):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "casegraph needs Python 3.11+"'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(PY)
	$(PIP) -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml constraints.txt | $(PY)
	$(PIP) -e '.[dev]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(CG) build seeds/ --store $(STORE)
	mkdir -p $(OUT)
	$(CG) export --store $(STORE) --format trig -o $(OUT)/casegraph.trig
	$(CG) export --store $(STORE) --format turtle -o $(OUT)/casegraph.ttl
	$(CG) draw --store $(STORE) -o $(OUT)/casegraph.png
	$(CG) validate --store $(STORE)
	$(CG) ask --store $(STORE)

lint: install-dev
	$(VENV)/bin/ruff check graph tests bench
	$(VENV)/bin/ruff format --check graph tests bench

format: install-dev
	$(VENV)/bin/ruff format graph tests bench
	$(VENV)/bin/ruff check --fix graph tests bench

# Headless Chromium for the browser tests (tests/test_html.py): Debian's package, installed once.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  echo "installing Debian's chromium for the browser tests"; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium; }

test: lint browser
	$(PY) -m pytest

# JupyterLab on the notebooks in notebooks/, with the venv's kernel: installs the extra
# casegraph[notebook] (jupyterlab, ipykernel) once, then serves http://localhost:8888/lab.
$(VENV)/.installed-notebook: pyproject.toml constraints.txt | $(PY)
	$(PIP) -e '.[notebook]'
	touch $@ $(VENV)/.installed

notebook: $(VENV)/.installed-notebook
	$(VENV)/bin/jupyter lab notebooks/

# Benchmarks print figures and assert nothing; they take about 45 minutes (the query benchmark
# builds a store of a million triples under /tmp/casegraph-bench). See bench/README.md. They need
# the extras casegraph[bench] (psutil) and casegraph[cluster] (dask).
$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(PY)
	$(PIP) -e '.[bench,cluster]'
	touch $@ $(VENV)/.installed

bench: $(VENV)/.installed-bench
	$(PY) bench/cli_timing.py
	$(PY) bench/throughput.py --json bench/results/throughput.json
	$(PY) bench/queries.py --json bench/results/queries.json
	$(PY) bench/plot.py --out bench/results

# The learned layer (graph/extract/learned.py, graph/nlp.py): corpus/ -> train/data -> training/
# -> graph/models/: the sentence and role classifiers and the fine-tuned entity recogniser.
# Deterministic (fixed seeds); two models train at a time on 2 cores. make run and make test never
# train: they use the models shipped in graph/models/.
TRAIN_DATA := train/data
MODELS := sentences roles ner
train: install-dev
	rm -rf $(TRAIN_DATA) training
	$(PY) train/scripts/convert.py corpus $(TRAIN_DATA)
	$(PY) train/scripts/convert_ner.py corpus $(TRAIN_DATA)
	$(MAKE) -j2 $(MODELS:%=training/%/model-best)
	$(PY) train/scripts/package.py training graph/models $(MODELS)

training/ner/model-best:
	$(PY) -m spacy train train/configs/ner.cfg --output training/ner \
	  --paths.train $(TRAIN_DATA)/train-ner.spacy --paths.dev $(TRAIN_DATA)/dev-ner.spacy

training/%/model-best:
	$(PY) -m spacy train train/configs/textcat.cfg --output training/$* \
	  --paths.train $(TRAIN_DATA)/train-$*.spacy --paths.dev $(TRAIN_DATA)/dev-$*.spacy

clean:
	rm -rf $(VENV) $(STORE) $(OUT) .pytest_cache .ruff_cache
