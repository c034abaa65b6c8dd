#!/usr/bin/env bash
# Databases for `make run` and `make test`.
#   db.sh conf       write .build/odoo.conf for the PostgreSQL that scripts/pg.sh found
#   db.sh template   the cached base template (Odoo base modules, no demo), created once
#   db.sh testdb     a fresh test database: copy of the template + our addons installed
#   db.sh rundb      the `make run` database with our addons and demo data
source "$(dirname "$0")/common.sh"
eval "$(bash "$ROOT/scripts/pg.sh")"

ODOO_BIN=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$ODOO_CONF")
DATA_DIR="$STATE_DIR/data"

write_conf() {
    mkdir -p "$BUILD_DIR" "$DATA_DIR"
    cat > "$ODOO_CONF" <<CONF
[options]
addons_path = $ODOO_SRC/addons,$VENV/odoo-addons,$ROOT/addons
data_dir = $DATA_DIR
db_host = $PGHOST
db_port = $PGPORT
db_user = $PGUSER
db_password = $PGPASSWORD
admin_passwd = admin
http_interface = ${SM_HTTP_INTERFACE:-127.0.0.1}
http_port = ${SM_HTTP_PORT:-8069}
list_db = False
without_demo = True

[queue_job]
channels = root:2,root.sales_channel:2
CONF
}

db_exists() { psql -d postgres -Atqc "select 1 from pg_database where datname='$1'" | grep -q 1; }

copy_db() { # copy_db SRC DST: createdb -T plus the filestore
    dropdb --if-exists "$2"
    rm -rf "$DATA_DIR/filestore/$2"
    createdb -T "$1" "$2"
    if [ -d "$DATA_DIR/filestore/$1" ]; then
        mkdir -p "$DATA_DIR/filestore"
        cp -a "$DATA_DIR/filestore/$1" "$DATA_DIR/filestore/$2"
    fi
}

template_name() {
    local ident
    ident="$(cd "$ODOO_SRC" && git rev-parse HEAD 2>/dev/null || stat -c '%Y' odoo/release.py)"
    echo "sm_base_19_0_$(printf '%s %s %s' "$ODOO_SRC" "$ident" "$BASE_MODULES" | sha1sum | cut -c1-10)"
}

ensure_template() {
    local tmpl; tmpl="$(template_name)"
    mkdir -p "$STATE_DIR"
    exec 9>"$STATE_DIR/template.lock"
    flock 9
    if ! db_exists "$tmpl" || ! psql -d "$tmpl" -Atqc "select 1 from ir_config_parameter where key='sales_mgmt.template_ready'" 2>/dev/null | grep -q 1; then
        log "creating base template $tmpl ($BASE_MODULES); once per Odoo version"
        dropdb --if-exists "$tmpl"
        rm -rf "$DATA_DIR/filestore/$tmpl"
        "${ODOO_BIN[@]}" -d "$tmpl" -i "$BASE_MODULES" --stop-after-init --log-level=warn >&2 \
            || die "could not create the base template $tmpl"
        psql -d "$tmpl" -qc "insert into ir_config_parameter (key, value) values ('sales_mgmt.template_ready', now()::text)"
    fi
    flock -u 9
    echo "$tmpl"
}

case "${1:-}" in
conf)
    write_conf
    ;;
template)
    write_conf
    ensure_template
    ;;
testdb)
    write_conf
    tmpl="$(ensure_template)"
    db="${SM_TEST_DB:-sm_test_$(printf '%s' "$ROOT" | sha1sum | cut -c1-8)}"
    log "test database $db from $tmpl"
    copy_db "$tmpl" "$db"
    "${ODOO_BIN[@]}" -d "$db" -i "$ADDONS" --stop-after-init --log-level=warn >&2 \
        || die "installing $ADDONS into $db failed"
    echo "$db"
    ;;
rundb)
    write_conf
    db="${SM_DB:-sales_mgmt}"
    stamp="$BUILD_DIR/rundb-$db.hash"
    addons_hash="$(cd "$ROOT" && find addons -type f -not -name '*.pyc' -print0 | sort -z | xargs -0 sha1sum | sha1sum | cut -c1-16)"
    if ! db_exists "$db"; then
        log "creating database $db with demo data (first run only)"
        # English stays the default (first); Chinese (Simplified) is loaded before our addons so that
        # demo texts stored per language get their zh_CN too.
        "${ODOO_BIN[@]}" -d "$db" -i "$ADDONS" --with-demo --load-language=en_US,zh_CN --stop-after-init --log-level=warn >&2 \
            || { dropdb --if-exists "$db"; die "could not create $db"; }
        echo "$addons_hash" > "$stamp"
    elif [ "$(cat "$stamp" 2>/dev/null)" != "$addons_hash" ]; then
        log "addons changed since the last run: updating $db"
        "${ODOO_BIN[@]}" -d "$db" -u "$ADDONS" --stop-after-init --log-level=warn >&2 || die "update of $db failed"
        echo "$addons_hash" > "$stamp"
    fi
    echo "$db"
    ;;
*)
    die "usage: db.sh conf|template|testdb|rundb"
    ;;
esac
