#!/usr/bin/env bash
# `make test`: lint, the i18n check (scripts/i18n.sh), then every addon test and everything under tests/ with pytest-odoo
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

# Translations: committed .pot files current and zh_CN.po complete (exported from the fresh
# test database). A failure does not stop the tests; it makes `make test` fail at the end.
i18n_rc=0
SM_I18N_DB="$db" SM_I18N_UPDATE=0 bash scripts/i18n.sh check || i18n_rc=$?

log "running tests on $db"
set +e
"$VENV/bin/python" -m pytest \
    --odoo-config "$ODOO_CONF" --odoo-database "$db" --odoo-http \
    --odoo-log-level "${SM_TEST_LOG_LEVEL:-warn}" "$@"
rc=$?
set -e
if [ "$rc" = 0 ] && [ "$i18n_rc" != 0 ]; then
    log "tests passed but the i18n check failed (see above): bash scripts/i18n.sh check"
    rc=$i18n_rc
fi
log "make test finished in $(( $(date +%s) - start ))s (exit $rc)"
exit $rc
