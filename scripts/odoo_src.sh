#!/usr/bin/env bash
# Make sure Odoo 19.0 source is at $ODOO_SRC; clone upstream there when missing and online.
source "$(dirname "$0")/common.sh"

if [ ! -f "$ODOO_SRC/odoo/release.py" ] || [ ! -d "$ODOO_SRC/addons/sale" ]; then
    log "Odoo source not found at $ODOO_SRC; cloning $ODOO_REPO_URL ($ODOO_BRANCH)"
    mkdir -p "$(dirname "$ODOO_SRC")"
    git clone --depth 1 --branch "$ODOO_BRANCH" "$ODOO_REPO_URL" "$ODOO_SRC" \
        || die "no Odoo source at $ODOO_SRC and cloning failed: put an Odoo $ODOO_BRANCH tree there or set ODOO_SRC"
fi
grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" || die "$ODOO_SRC is not Odoo 19.0"

# Some snapshots of 19.0 list views/res_config_settings_views.xml in a manifest while the
# file is views/res_config_settings.xml (iap is pulled in by crm). Give it the expected name.
for manifest in "$ODOO_SRC"/addons/*/__manifest__.py; do
    addon="$(dirname "$manifest")"
    if grep -q "views/res_config_settings_views.xml" "$manifest" \
        && [ ! -f "$addon/views/res_config_settings_views.xml" ] \
        && [ -f "$addon/views/res_config_settings.xml" ]; then
        cp "$addon/views/res_config_settings.xml" "$addon/views/res_config_settings_views.xml"
        log "patched missing views/res_config_settings_views.xml in $(basename "$addon")"
    fi
done
