#!/usr/bin/env bash
# `make run`: serve the web client on http://localhost:8069 (admin/admin) with our addons and demo data.
source "$(dirname "$0")/common.sh"
cd "$ROOT"
bash scripts/odoo_src.sh
bash scripts/venv.sh
db="$(bash scripts/db.sh rundb)"
log "serving $db on http://localhost:${SM_HTTP_PORT:-8069} (login admin / admin)"
# queue_job server-wide: its job runner starts with the server and runs channel import jobs.
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF" -d "$db" --db-filter "^$db\$" --load=base,web,queue_job "$@"
