#!/usr/bin/env bash
# Create or refresh .venv with Odoo's requirements, ours and the dev tooling.
source "$(dirname "$0")/common.sh"

stamp="$VENV/.sales-mgmt-stamp"
want="$(cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" \
    "$ROOT/requirements-odoo-addons.txt" | sha1sum | cut -c1-16) $ODOO_SRC"
if [ -x "$VENV/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    exit 0
fi
"$PYTHON" -c 'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))' \
    || die "Python 3.10-3.12 required (found $("$PYTHON" --version)); set PYTHON=..."
if command -v dpkg >/dev/null && ! dpkg -s libldap2-dev libsasl2-dev >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing libldap2-dev libsasl2-dev (python-ldap builds against them)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libldap2-dev libsasl2-dev >/dev/null
    else
        log "warning: libldap2-dev and libsasl2-dev look missing; python-ldap may fail to build"
    fi
fi
log "creating $VENV"
"$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install -q --upgrade pip wheel "setuptools<81"
# lxml_html_clean in the same command as Odoo's pinned lxml, or pip upgrades lxml and breaks Odoo.
"$VENV/bin/pip" install -q -r "$ODOO_SRC/requirements.txt" lxml_html_clean \
    -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt"
"$VENV/bin/pip" install -q --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat
# OCA addons (queue_job) are wheels whose `odoo` requirement cannot be met from PyPI: download
# them without dependencies and unpack their odoo/addons/<name> folders onto the addons path.
rm -rf "$VENV/odoo-addons" "$VENV/odoo-addon-wheels"
"$VENV/bin/pip" download -q --no-deps -d "$VENV/odoo-addon-wheels" -r "$ROOT/requirements-odoo-addons.txt"
"$VENV/bin/python" - "$VENV/odoo-addon-wheels" "$VENV/odoo-addons" <<'PY'
import pathlib, sys, zipfile
source, target = map(pathlib.Path, sys.argv[1:])
for wheel in source.glob("*.whl"):
    with zipfile.ZipFile(wheel) as archive:
        for name in archive.namelist():
            if name.startswith("odoo/addons/") and not name.endswith("/"):
                path = target / name.removeprefix("odoo/addons/")
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(archive.read(name))
PY
echo "$want" > "$stamp"
log "virtualenv ready"
