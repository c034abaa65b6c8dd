#!/usr/bin/env bash
# `make test`: lint, then every addon test and everything under tests/ with pytest-odoo
# against a fresh database copied from the cached base template.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
start=$(date +%s)

bash scripts/odoo_src.sh
bash scripts/venv.sh
bash scripts/browser.sh

log "lint (pre-commit: ruff, ruff-format, pylint-odoo mandatory checks)"
PATH="$VENV/bin:$PATH" "$VENV/bin/pre-commit" run --all-files

db="$(bash scripts/db.sh testdb)"
eval "$(bash scripts/pg.sh)"
log "running tests on $db"
set +e
"$VENV/bin/python" -m pytest \
    --odoo-config "$ODOO_CONF" --odoo-database "$db" --odoo-http \
    --odoo-log-level "${SM_TEST_LOG_LEVEL:-warn}" "$@"
rc=$?
set -e
log "make test finished in $(( $(date +%s) - start ))s (exit $rc)"
exit $rc
