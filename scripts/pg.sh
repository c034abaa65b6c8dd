#!/usr/bin/env bash
# Print shell exports (PGHOST, PGPORT, PGUSER, PGPASSWORD) of a PostgreSQL that answers.
#
# 1. When any PG* variable is set and that server answers, it is used as it is.
# 2. Otherwise a private cluster under the state folder is created (once) and started,
#    with a role `odoo` that may create databases. Works as root (the server then runs
#    as the `postgres` system user) and as a normal user.
source "$(dirname "$0")/common.sh"

if [ -n "${PGHOST:-}${PGPORT:-}${PGUSER:-}" ] && pg_isready -q -t 3 2>/dev/null \
    && psql -d "${PGDATABASE:-postgres}" -Atqc 'select 1' >/dev/null 2>&1; then
    printf 'export PGHOST=%q PGPORT=%q PGUSER=%q PGPASSWORD=%q\n' \
        "${PGHOST:-}" "${PGPORT:-5432}" "${PGUSER:-$(id -un)}" "${PGPASSWORD:-}"
    exit 0
fi

port="${SM_PG_PORT:-54329}"
if [ "$(id -u)" = 0 ]; then
    # /root is not readable by the postgres user: keep the cluster under /var/tmp.
    pgdir="${SM_PG_DIR:-/var/tmp/sales-mgmt/pg}"
    run_as() { runuser -u postgres -- "$@"; }
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
else
    pgdir="${SM_PG_DIR:-$STATE_DIR/pg}"
    run_as() { "$@"; }
fi

bindir="${SM_PG_BINDIR:-}"
if [ -z "$bindir" ]; then
    for candidate in "$(pg_config --bindir 2>/dev/null || true)" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -n "$candidate" ] && [ -x "$candidate/initdb" ]; then bindir="$candidate"; break; fi
    done
fi
[ -n "$bindir" ] || die "no PostgreSQL server binaries found (install postgresql, or set PGHOST/PGPORT/PGUSER)"

export PGHOST=127.0.0.1 PGPORT="$port" PGUSER=odoo PGPASSWORD=odoo
if ! "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    mkdir -p "$pgdir"
    [ "$(id -u)" = 0 ] && chown postgres: "$pgdir" "$(dirname "$pgdir")"
    if [ ! -f "$pgdir/data/PG_VERSION" ]; then
        log "initialising a private PostgreSQL cluster in $pgdir"
        run_as "$bindir/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 \
            || run_as "$bindir/initdb" -D "$pgdir/data" -U postgres --auth=trust -E UTF8 --locale=C >"$pgdir/initdb.log" 2>&1 \
            || die "initdb failed, see $pgdir/initdb.log"
    fi
    log "starting PostgreSQL on 127.0.0.1:$port"
    # A development and test cluster: durability traded for speed.
    run_as "$bindir/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 start \
        -o "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null \
        || die "PostgreSQL did not start, see $pgdir/server.log"
fi
if ! PGUSER=postgres psql -d postgres -Atqc "select 1 from pg_roles where rolname='odoo'" | grep -q 1; then
    PGUSER=postgres psql -d postgres -qc "create role odoo login superuser password 'odoo'" >/dev/null
fi
printf 'export PGHOST=%q PGPORT=%q PGUSER=%q PGPASSWORD=%q\n' "$PGHOST" "$PGPORT" "$PGUSER" "$PGPASSWORD"
