#!/usr/bin/env bash
# Headless Chromium for the tour tests (Debian's package); installed when missing and root.
source "$(dirname "$0")/common.sh"
for bin in chromium chromium-browser google-chrome google-chrome-stable; do
    command -v "$bin" >/dev/null && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing chromium for the browser tours"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
    log "warning: no Chromium found; tour tests will be skipped by Odoo. Install Debian's chromium."
fi
