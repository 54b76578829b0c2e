#!/usr/bin/env bash
# Builds Powerpipe v1.5.2 (what Steampipe users run a mod with) and its dashboard UI, for the tests
# that run the project's mod where users run it. Both builds are cached outside the repository, so
# a fresh clone on a machine that built them once skips them:
#
#   scripts/powerpipe.sh binary   bin/powerpipe, a link to the cached build (CGO; ~8 min of CPU cold)
#   scripts/powerpipe.sh assets   bin/dashboard-assets, a link to the cached UI build (~3 min, 3.8 GB)
#
# The cache is ${BLUEJAY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bluejay}, one directory per build
# keyed by the source tarball's sha256 (or the tag's commit), the stamped version, the UI's pins
# and the toolchain, so a change to any of them builds anew beside the old one.
#
# Sources, first found wins: $BLUEJAY_ENGINES, else ../shared/engines beside the repository (the
# tarball, checked against its sha256); otherwise the public repository at the tag, with git.
# Needs: go and gcc (go-duckdb and go-sqlite3 are cgo); for the assets Node 20 with corepack.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
tag=v1.5.2
commit=43f90aaed69c1804dcf9683cc38982cfdf9b66e6
sha=f8abed2e320ff9f9b0db449d8afb75ca5ffb357103ff3e7b4275b6b90701c9d1
tarball=powerpipe-${tag#v}.tar.gz
engines=${BLUEJAY_ENGINES:-$repo/../shared/engines}
cache=${BLUEJAY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bluejay}
# The UI's package.json asks for two versions the npm registry no longer serves; these are the
# nearest it does (the same majors), and the UI builds and renders the project's dashboards with them.
ui_pins='@material-symbols/svg-300=0.40.2 @storybook/node-logger=8.6.18'

die() { echo "scripts/powerpipe.sh: $*" >&2; exit 1; }
say() { echo "scripts/powerpipe.sh: $*"; }

# source_id names the sources a build comes from: the tarball's sha256 when it is here, the tag's
# commit when it is cloned (both are the same tree).
source_id() {
	if [ -f "$engines/$tarball" ]; then echo "$sha"; else echo "$commit"; fi
}

key_of() { printf '%s\n' "$@" | sha256sum | cut -c1-16; }

# extract_sources puts Powerpipe's tree in $1.
extract_sources() {
	rm -rf "$1" && mkdir -p "$1"
	if [ -f "$engines/$tarball" ]; then
		(cd "$engines" && echo "$sha  $tarball" | sha256sum --quiet -c -) ||
			die "$engines/$tarball does not match its sha256"
		tar -xzf "$engines/$tarball" -C "$1" --strip-components=1
	else
		say "no $engines/$tarball; cloning Powerpipe $tag"
		git clone -q --depth 1 --branch "$tag" https://github.com/turbot/powerpipe "$1"
	fi
}

# link points bin/$1 at the cached build $2, replacing an older link.
link() {
	mkdir -p "$repo/bin"
	ln -sfn "$2" "$repo/bin/$1"
	say "bin/$1 -> $2"
}

build_binary() {
	command -v gcc >/dev/null || die "no gcc: Powerpipe needs cgo (Debian: apt-get install gcc g++)"
	local dir
	dir=$cache/powerpipe-$(key_of "$(source_id)" "$tag" "$(go version)")
	if [ -x "$dir/powerpipe" ]; then
		say "Powerpipe $tag is cached in $dir"
	else
		say "building Powerpipe $tag into $dir (about 8 minutes of CPU cold, 1.2 GB)"
		local src=$dir.src
		extract_sources "$src"
		# The version stamped in is the tag's, so `powerpipe --version` says what ran; builtBy stays
		# "local", which makes Powerpipe read the UI from its install directory instead of an archive
		# embedded at release time (the source has none).
		(cd "$src" && CGO_ENABLED=1 go build -trimpath -o "$dir/powerpipe.tmp" \
			-ldflags "-s -w -X main.version=${tag#v} -X main.commit=$commit" .) ||
			die "the Powerpipe build failed in $src"
		mv "$dir/powerpipe.tmp" "$dir/powerpipe"
		rm -rf "$src"
	fi
	link powerpipe "$dir/powerpipe"
}

# pin_ui rewrites, in the UI's package.json, the versions of the packages the registry lacks,
# in whichever section names them.
pin_ui() {
	(cd "$1" && node -e '
		const fs = require("fs"), p = JSON.parse(fs.readFileSync("package.json"));
		for (const pin of process.argv.slice(1)) {
			const [name, version] = pin.split("=");
			const section = ["dependencies", "devDependencies"].find((s) => p[s] && p[s][name]);
			if (!section) { console.error("no " + name + " in package.json"); process.exit(1); }
			p[section][name] = version;
		}
		fs.writeFileSync("package.json", JSON.stringify(p, null, 2) + "\n");' $ui_pins)
}

build_assets() {
	command -v node >/dev/null && command -v corepack >/dev/null || die "no node or corepack: the UI needs Node 20 (Debian: apt-get install nodejs npm)"
	local dir
	dir=$cache/dashboard-assets-$(key_of "$(source_id)" "$tag" "$ui_pins" "$(node --version)")
	if [ -f "$dir/index.html" ]; then
		say "the dashboard UI of Powerpipe $tag is cached in $dir"
	else
		say "building the dashboard UI of Powerpipe $tag into $dir (about 3 minutes of both cores, 3.8 GB)"
		local src=$dir.src
		extract_sources "$src"
		local ui=$src/ui/dashboard
		pin_ui "$ui"
		# corepack brings the yarn the UI names (packageManager); it fetches it from the npm registry
		# only when told the registry's URL.
		mkdir -p "$src/.corepack-bin"
		corepack enable --install-directory "$src/.corepack-bin"
		export PATH=$src/.corepack-bin:$PATH COREPACK_NPM_REGISTRY=${COREPACK_NPM_REGISTRY:-$(npm config get registry | sed "s:/*$::")}
		export COREPACK_ENABLE_DOWNLOAD_PROMPT=0 COREPACK_HOME=$cache/corepack YARN_ENABLE_IMMUTABLE_INSTALLS=false
		# CI=false for the build: with CI=true (as .ci/run runs) react-scripts treats the UI's own
		# lint warnings as errors, "Failed to compile" (the cold CI run of e72ea28).
		(cd "$ui" && yarn install && yarn setup-material-symbols && CI=false yarn build) >"$dir.log" 2>&1 ||
			{ tail -40 "$dir.log" >&2; die "the UI build failed; the whole log is $dir.log"; }
		rm -rf "$dir.tmp" && cp -r "$ui/build" "$dir.tmp" && mv "$dir.tmp" "$dir"
		rm -rf "$src"
	fi
	link dashboard-assets "$dir"
}

case "${1:-}" in
binary) build_binary ;;
assets) build_assets ;;
*) die "usage: $0 binary|assets" ;;
esac
