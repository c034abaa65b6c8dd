# Shared settings for the scripts in this folder; sourced, never run.
# Every value can be overridden from the environment.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-$HOME/.cache/sales-mgmt/odoo-19.0}"
ODOO_BRANCH="${ODOO_BRANCH:-19.0}"
ODOO_REPO_URL="${ODOO_REPO_URL:-https://github.com/odoo/odoo.git}"
# Shared between clones: PostgreSQL cluster, Odoo data dir (filestores), base templates.
STATE_DIR="${SM_STATE_DIR:-$HOME/.cache/sales-mgmt/state}"
VENV="${VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-python3}"
BUILD_DIR="$ROOT/.build"
ODOO_CONF="$BUILD_DIR/odoo.conf"
ADDONS="sales_mgmt_core,sales_mgmt_channels,sales_mgmt_analytics"
# Odoo modules every database starts from (the cached base template).
BASE_MODULES="${SM_BASE_MODULES:-sale_management,sale_stock,crm,sale_crm,account,mail,spreadsheet_dashboard,stock_delivery,queue_job}"

log() { printf '\033[1m[sales-mgmt]\033[0m %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
