#!/usr/bin/env bash
# Builds Steampipe's Postgres FDW for this plugin ("standalone" mode: the plugin runs inside the
# PostgreSQL backend) and installs it into the machine's PostgreSQL, so that the plugin's tables
# become real foreign tables: the planner, quals and row conversion Steampipe users get.
#
#   scripts/fdw.sh            build (unless the plugin's sources are unchanged) and install
#   scripts/fdw.sh --check    exit 0 when the installed extension was built from these sources
#
# Sources, first found wins:
#   1. $BLUEJAY_ENGINES, else ../shared/engines beside the repository: the FDW v2.2.2 and the
#      Steampipe v2.2.0-rc.0 packages it imports, as tarballs (checked against their sha256);
#   2. otherwise the two public repositories at those tags, with git.
# Needs: pg_config and the server headers of the running PostgreSQL (Debian:
# postgresql-server-dev-NN at the server's exact version), rsync, gcc, go.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
module=$(cd "$repo" && go list -m)
fdw_tag=v2.2.2
steampipe_tag=v2.2.0-rc.0
fdw_sha=95b1cd2810572279999888321e3dcc94593210dbc9dd031b2e05093b00e26f82
steampipe_sha=9896d658a7d2153800a4af3fec76833188bea6aed857716da0bfeb2f43687a07
engines=${BLUEJAY_ENGINES:-$repo/../shared/engines}
work=${BLUEJAY_FDW_WORK:-$repo/.fdw}
pg_config=${PG_CONFIG:-pg_config}

die() { echo "make fdw: $*" >&2; exit 1; }

command -v "$pg_config" >/dev/null || die "no pg_config: install PostgreSQL and its server headers (Debian: apt-get install postgresql-15 postgresql-server-dev-15)"
[ -f "$("$pg_config" --includedir-server)/postgres.h" ] || die "no PostgreSQL server headers in $("$pg_config" --includedir-server): install postgresql-server-dev-NN at the server's exact version"
command -v rsync >/dev/null || die "no rsync: the FDW's Makefile uses it (Debian: apt-get install rsync)"

libdir=$("$pg_config" --pkglibdir)
extdir=$("$pg_config" --sharedir)/extension
name=steampipe_postgres_bluejay

# The stamp names the plugin sources, the FDW tag and the PostgreSQL the build was made for.
stamp_of() {
	(cd "$repo" && git ls-files -z -- '*.go' go.mod go.sum third_party/steampipe-plugin-sdk/go.mod ':!:*_test.go' | xargs -0 sha256sum
	 echo "$fdw_tag $steampipe_tag $("$pg_config" --version)") | sha256sum | cut -d' ' -f1
}
stamp=$(stamp_of)
installed_stamp() { cat "$extdir/$name.stamp" 2>/dev/null || true; }

if [ "${1:-}" = "--check" ]; then
	[ "$(installed_stamp)" = "$stamp" ] && [ -f "$libdir/$name.so" ]
	exit
fi
if [ "$(installed_stamp)" = "$stamp" ] && [ -f "$libdir/$name.so" ]; then
	echo "make fdw: $name is up to date in $libdir"
	exit 0
fi

fetch_sources() {
	rm -rf "$work/src" && mkdir -p "$work/src"
	if [ -f "$engines/steampipe-postgres-fdw-${fdw_tag#v}.tar.gz" ]; then
		echo "make fdw: sources from $engines"
		(cd "$engines" && printf '%s  %s\n%s  %s\n' \
			"$fdw_sha" "steampipe-postgres-fdw-${fdw_tag#v}.tar.gz" \
			"$steampipe_sha" "steampipe-${steampipe_tag#v}.tar.gz" | sha256sum --quiet -c -) ||
			die "the tarballs in $engines do not match their sha256"
		tar -xzf "$engines/steampipe-postgres-fdw-${fdw_tag#v}.tar.gz" -C "$work/src"
		tar -xzf "$engines/steampipe-${steampipe_tag#v}.tar.gz" -C "$work/src"
	else
		echo "make fdw: no $engines; cloning the FDW $fdw_tag and Steampipe $steampipe_tag"
		git clone -q --depth 1 --branch "$fdw_tag" https://github.com/turbot/steampipe-postgres-fdw "$work/src/steampipe-postgres-fdw-${fdw_tag#v}"
		git clone -q --depth 1 --branch "$steampipe_tag" https://github.com/turbot/steampipe "$work/src/steampipe-${steampipe_tag#v}"
	fi
}

# The FDW's Makefile copies its tree to work/ and builds there, so the replaces are absolute. Only
# the main module's replaces count, so the FDW's build repeats the plugin's: the FDW imports the SDK
# too, and must compile the repository's patched copy, not the module proxy's.
point_at_plugin() {
	cat >>"$1/go.mod" <<EOF

replace github.com/turbot/steampipe/v2 => $work/src/steampipe-${steampipe_tag#v}

replace $module => $repo

replace github.com/turbot/steampipe-plugin-sdk/v5 => $repo/third_party/steampipe-plugin-sdk

require $module v0.0.0-00010101000000-000000000000
EOF
}

fetch_sources
fdw=$work/src/steampipe-postgres-fdw-${fdw_tag#v}
point_at_plugin "$fdw"
echo "make fdw: building (about 6 minutes with an empty module cache, 30 s warm)"
# plugin_version='""': without it the Makefile puts the URL in the version slot.
make -C "$fdw" standalone plugin=bluejay plugin_version='""' plugin_github_url="$module" >"$work/build.log" 2>&1 ||
	{ tail -40 "$work/build.log" >&2; die "the FDW build failed; the whole log is $work/build.log"; }

out=$fdw/build-$(uname)
install -m 0755 "$out/$name.so" "$libdir/$name.so"
install -m 0644 "$out/$name.control" "$out/$name--1.0.sql" "$extdir/"
echo "$stamp" >"$extdir/$name.stamp"
rm -rf "$fdw/work" # the FDW's own copy of its tree, with the plugin built into it
echo "make fdw: installed $name into $libdir and $extdir"
