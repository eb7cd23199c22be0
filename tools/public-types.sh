#!/bin/bash
# Prints the public top-level types (classes, interfaces, enums, records, annotations) of each
# module's non-internal packages, from the sources: the "public types per module" count of issue #17.
# Usage: tools/public-types.sh [repo root, default: this script's repo]
set -euo pipefail

root=${1:-"$(dirname "$0")/.."}
cd "$root"
# The modules the root POM builds, in its order; a module without main Java sources (the BOM) is skipped.
mapfile -t modules < <(sed -n 's:.*<module>\(.*\)</module>.*:\1:p' pom.xml)
total=0
for m in "${modules[@]}"; do
  src=$m/src/main/java
  [ -d "$src" ] || continue
  types=()
  while IFS= read -r f; do
    t=$(basename "$f" .java)
    if grep -Eq "^public (final |abstract |sealed |non-sealed |static )*(class|interface|enum|record|@interface) $t\b" "$f"; then
      rel=${f#"$src"/}
      types+=("${rel%.java}")
    fi
  done < <(find "$src" -name '*.java' ! -path '*/internal/*' ! -name package-info.java ! -name module-info.java | sort)
  echo "== $m: ${#types[@]}"
  for t in "${types[@]}"; do echo "  ${t//\//.}"; done
  total=$((total + ${#types[@]}))
done
echo "== total: $total"
