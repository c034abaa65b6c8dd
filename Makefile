# Sales Management for Odoo 19 - see README.md.
ODOO_SRC ?= $(HOME)/.cache/sales-mgmt/odoo-19.0
export ODOO_SRC

.PHONY: run test lint venv db-template clean bench

run:            ## serve the web client with the three addons and demo data on :8069
	bash scripts/run.sh

test:           ## lint + every addon test and tests/ against a fresh database
	bash scripts/test.sh

lint:           ## only the pre-commit hooks
	bash scripts/venv.sh && PATH="$(CURDIR)/.venv/bin:$$PATH" .venv/bin/pre-commit run --all-files

venv:
	bash scripts/odoo_src.sh && bash scripts/venv.sh

db-template:    ## (re)create the cached base template if missing
	bash scripts/db.sh template

bench:          ## benchmarks under bench/ (BENCH=name for one); figures in README
	bash scripts/bench.sh $(BENCH)

clean:          ## drop the local build folder (the shared caches stay)
	rm -rf .build .venv
