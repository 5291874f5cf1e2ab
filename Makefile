# marsad: the two commands are `make run` and `make test`; both set up .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SHARED := ../shared
N      ?= 1000

.PHONY: run test lint format eval bench venv lexicon examples train-ner kb clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

venv: $(STAMP)

## make run: analyse the bundled examples (summary + JSON in out/examples/), ingest them into
## an embedded SQLite store (out/marsad.db) and serve the workbench on 127.0.0.1:8000.
## SERVE=0 stops after the analysis and ingest.
SERVE ?= 1
run: $(STAMP)
	@rm -rf out/examples && mkdir -p out/examples
	$(BIN)/marsad analyze examples/*.txt --format json -o out/examples/
	@$(BIN)/marsad analyze examples/*.txt --format text -o out/examples/summary.txt 2>/dev/null; cat out/examples/summary.txt
	@echo "JSON documents: out/examples/*.json   (summary: out/examples/summary.txt)"
	$(BIN)/marsad ingest examples/ --db out/marsad.db -q
	@if [ "$(SERVE)" = "1" ]; then \
	  echo "marsad workbench: http://127.0.0.1:8000/  (Ctrl-C to stop)"; \
	  $(BIN)/marsad serve --db out/marsad.db --host 127.0.0.1 --port 8000; \
	fi

## make test: lint, type-check and the whole test suite (works without ../shared)
test: $(STAMP) lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests tools
	$(BIN)/ruff check src tests tools
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests tools
	$(BIN)/ruff check --fix src tests tools

## make eval: score marsad on ../shared/examples with ../shared/tools/score.py (the shipped NER
## model is trained on the dev sets too; its held-out figures are in its model card)
eval: $(STAMP)
	@test -d $(SHARED)/examples || { echo "make eval needs $(SHARED)/examples"; exit 1; }
	@rm -rf out/eval && mkdir -p out/eval
	$(BIN)/marsad analyze $(SHARED)/examples/articles/*.txt --format json -o out/eval/
	$(BIN)/python $(SHARED)/tools/score.py $(SHARED)/examples/gold out/eval

## make bench [N=1000] [BENCH_ARGS="--jsonl FILE"]: pipeline speed, component shares, RSS and
## start-up; then the store (ingest rate, size), batch engines (scaling, size growth) and NER
bench: $(STAMP)
	$(BIN)/python tools/bench.py --n $(N) $(BENCH_ARGS)
	$(BIN)/python tools/bench_times.py -n $(N)
	$(BIN)/python tools/bench_entities.py -n $(N)
	$(BIN)/python tools/bench_store.py --n $(N)
	$(BIN)/python tools/bench_batch.py --n 400 --workers 2
	$(BIN)/python tools/bench_ner.py

## data builders (need ../shared)
lexicon: $(STAMP)
	$(BIN)/python tools/build_lexicon.py

## make train-ner: retrain the NER models (needs ../shared and the train extra: torch, gensim):
## the shipped neural model (~27 min on 2 cores), then the CRF it was compared with (~15 min)
train-ner: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,train]'
	@mkdir -p out
	$(BIN)/python -m marsad.ner.train_neural --seed 0 --final --ensemble 3 --epochs 10 --swa-start 3 --out src/marsad/data/models/ner-bilstm-v1 --dev-out out/ner-bilstm-dev --report out/ner-train-neural.json
	$(BIN)/python -m marsad.ner.train --seed 0 --final --family all --out src/marsad/data/models/ner-crf-v1 --report out/ner-train.json

examples: $(STAMP)
	$(BIN)/python tools/make_examples.py

clean:
	rm -rf out build dist .mypy_cache .ruff_cache .pytest_cache .hypothesis
