#!/usr/bin/env bash
# `make bench [BENCH=name]`: run bench/bench_<name>.py (all when empty) on a fresh bench database.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
bash scripts/odoo_src.sh
bash scripts/venv.sh
export SM_BENCH_DB="${SM_BENCH_DB:-sm_bench}"
SM_TEST_DB="$SM_BENCH_DB" bash scripts/db.sh testdb >/dev/null
export ODOO_CONF
for script in bench/bench_${1:-*}.py; do
    log "running $script"
    PYTHONPATH="$ROOT/bench" "$VENV/bin/python" "$script"
done
