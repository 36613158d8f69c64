#!/bin/sh
# Refresh fuzz/seeds/ from the repository's policies: shipped policies, test fixtures, the
# spec's conformance kit, the vendor catalogue, and every ```policy block of the docs.
# Run from the repository root: `sh fuzz/collect-seeds.sh`.
set -eu
out=fuzz/seeds
mkdir -p "$out"
rm -f "$out"/*
name() { echo "$1" | sed 's#^\.\./shared/##; s#^/work/shared/##; s#/#__#g'; }
for f in $(find policies tests examples -name '*.policy' -o -name '*.vendor' | sort); do
  cp "$f" "$out/$(name "$f")"
done
if [ -d ../shared/conformance ]; then
  for f in $(find ../shared/conformance -name '*.policy' | sort); do
    cp "$f" "$out/$(name "$f")"
  done
fi
# ```policy blocks of the Markdown docs, one seed each.
for md in README.md $(find docs -name '*.md' | sort); do
  awk -v base="$out/$(name "$md")" '
    /^```policy/ { n++; file = base "." n ".policy"; inside = 1; next }
    /^```/ && inside { inside = 0; close(file); next }
    inside { print > file }
  ' "$md"
done
echo "$(ls "$out" | wc -l) seeds in $out"
