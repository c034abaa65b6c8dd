#!/usr/bin/env bash
# Translations of our addons (Simplified Chinese first).
#   i18n.sh export        regenerate addons/<addon>/i18n/<addon>.pot with `odoo-bin i18n export`
#                         and merge new msgids (untranslated) into addons/<addon>/i18n/zh_CN.po,
#                         keeping every existing translation; idempotent
#   i18n.sh check         export the .pot files into a temporary folder; fail when a committed
#                         .pot is not current, or when zh_CN.po leaves a msgid untranslated or
#                         loses a placeholder / markup of it
#   i18n.sh untranslated  list the msgids of our addons without a zh_CN translation (exit 0)
#
# The database to export from (terms of fields, views and data come from it; Python, JS and
# dashboard terms from the source files) must have the three addons installed without demo data:
#   SM_I18N_DB=name   use that database; our addons are updated in it first unless SM_I18N_UPDATE=0
#                     (test.sh passes the test database it has just created, with SM_I18N_UPDATE=0)
#   otherwise         a private database sm_i18n_<hash> is created once from the cached base
#                     template (db.sh testdb) and updated on later runs
# SM_I18N_LANG (default zh_CN) is the language of the .po files.
source "$(dirname "$0")/common.sh"
cd "$ROOT"

LANG_CODE="${SM_I18N_LANG:-zh_CN}"
PO_TOOL=("$VENV/bin/python" "$ROOT/scripts/i18n_po.py")
command="${1:-}"

case "$command" in
export | check | untranslated) ;;
*) die "usage: i18n.sh export|check|untranslated" ;;
esac

if [ "$command" = untranslated ]; then
    for addon in ${ADDONS//,/ }; do
        "${PO_TOOL[@]}" untranslated "$addon" "addons/$addon/i18n/$addon.pot" "addons/$addon/i18n/$LANG_CODE.po"
        "${PO_TOOL[@]}" count "$addon" "addons/$addon/i18n/$addon.pot" "addons/$addon/i18n/$LANG_CODE.po"
    done
    exit 0
fi

bash scripts/odoo_src.sh
bash scripts/venv.sh
eval "$(bash scripts/pg.sh)"
[ -f "$ODOO_CONF" ] || bash scripts/db.sh conf
ODOO_BIN=("$VENV/bin/python" "$ODOO_SRC/odoo-bin")

db_exists() { psql -d postgres -Atqc "select 1 from pg_database where datname='$1'" | grep -q 1; }

if [ -n "${SM_I18N_DB:-}" ]; then
    db="$SM_I18N_DB"
    db_exists "$db" || die "database $db (SM_I18N_DB) does not exist"
    if [ "${SM_I18N_UPDATE:-1}" != 0 ]; then
        log "updating $ADDONS in $db so that its terms match the sources"
        "${ODOO_BIN[@]}" -c "$ODOO_CONF" -d "$db" -u "$ADDONS" --stop-after-init --log-level=warn >&2 \
            || die "update of $ADDONS in $db failed"
    fi
else
    db="sm_i18n_$(printf '%s' "$ROOT" | sha1sum | cut -c1-8)"
    if db_exists "$db"; then
        log "updating $ADDONS in $db so that its terms match the sources"
        "${ODOO_BIN[@]}" -c "$ODOO_CONF" -d "$db" -u "$ADDONS" --stop-after-init --log-level=warn >&2 \
            || die "update of $ADDONS in $db failed"
    else
        SM_TEST_DB="$db" bash scripts/db.sh testdb >/dev/null
    fi
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# One .pot per addon, written by Odoo's own exporter (`odoo-bin i18n export -l pot`), then
# without the export time stamps so that two exports of the same sources are identical.
for addon in ${ADDONS//,/ }; do
    "${ODOO_BIN[@]}" i18n export -c "$ODOO_CONF" -d "$db" -l pot -o "$tmp/$addon.pot" "$addon" \
        >"$tmp/$addon.log" 2>&1 || { cat "$tmp/$addon.log" >&2; die "export of $addon from $db failed"; }
    [ -s "$tmp/$addon.pot" ] || { cat "$tmp/$addon.log" >&2; die "export of $addon wrote nothing (installed in $db?)"; }
done
"${PO_TOOL[@]}" normalise "$tmp"/*.pot

if [ "$command" = export ]; then
    for addon in ${ADDONS//,/ }; do
        dir="addons/$addon/i18n"
        mkdir -p "$dir"
        cmp -s "$tmp/$addon.pot" "$dir/$addon.pot" || cp "$tmp/$addon.pot" "$dir/$addon.pot"
        "${PO_TOOL[@]}" merge "$dir/$addon.pot" "$dir/$LANG_CODE.po" "$LANG_CODE"
        "${PO_TOOL[@]}" count "$addon" "$dir/$addon.pot" "$dir/$LANG_CODE.po"
    done
    log "exported from $db; list what is left to translate: bash scripts/i18n.sh untranslated"
    exit 0
fi

rc=0
for addon in ${ADDONS//,/ }; do
    dir="addons/$addon/i18n"
    "${PO_TOOL[@]}" compare "$addon" "$dir/$addon.pot" "$tmp/$addon.pot" || rc=1
    "${PO_TOOL[@]}" untranslated "$addon" "$tmp/$addon.pot" "$dir/$LANG_CODE.po" --strict || rc=1
done
if [ "$rc" != 0 ]; then
    log "i18n check failed: run \`bash scripts/i18n.sh export\`, translate the msgids listed above in addons/<addon>/i18n/$LANG_CODE.po (glossary: addons/sales_mgmt_core/i18n/GLOSSARY.md)"
    exit 1
fi
log "i18n check passed: .pot files current, $LANG_CODE.po complete"
