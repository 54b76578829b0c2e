#!/usr/bin/env bash
# Proves that third_party/steampipe-plugin-sdk is steampipe-plugin-sdk v5.14.1, byte for byte as the
# Go module proxy serves it, plus the fixes in third_party/steampipe-plugin-sdk-patches (applied in
# name order), and nothing else. The fixes are listed in third_party/README.md.
#
#   scripts/sdk-check.sh          exit 0 when the copy is exactly that, else print the difference
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
module=github.com/turbot/steampipe-plugin-sdk/v5
version=v5.14.1
copy=$repo/third_party/steampipe-plugin-sdk
patches=$repo/third_party/steampipe-plugin-sdk-patches

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Outside any module, so that go.mod's replace does not redirect the download to the copy itself.
dir=$(cd "$tmp" && GOFLAGS= go mod download -json "$module@$version" |
	sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -d "$dir" ] || { echo "sdk-check: could not download $module@$version" >&2; exit 1; }

cp -r "$dir" "$tmp/sdk"
chmod -R u+w "$tmp/sdk"
shopt -s nullglob
series=("$patches"/*.patch)
for p in "${series[@]}"; do
	(cd "$tmp/sdk" && git apply --whitespace=nowarn "$p") ||
		{ echo "sdk-check: $(basename "$p") does not apply to $version plus the patches before it" >&2; exit 1; }
done

if ! diff -r "$tmp/sdk" "$copy" >"$tmp/diff"; then
	echo "sdk-check: $copy is not $module $version plus $patches/*.patch:" >&2
	head -200 "$tmp/diff" >&2
	exit 1
fi
echo "sdk-check: third_party/steampipe-plugin-sdk is $version plus ${#series[@]} patch(es), nothing else"
