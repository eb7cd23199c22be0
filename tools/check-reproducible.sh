#!/usr/bin/env bash
# Proves the build is reproducible: moves aside every archive this build made (each module's
# target/*.jar: jars, sources, javadoc, test-jar and the shaded CLI), builds them a second time with
# the same lifecycle and configuration, and fails if any SHA-256 differs or an archive is missing.
# The second build reuses the compiled classes: javac is deterministic for the same inputs, and a
# second full compile would cost minutes of CI; timestamps, entry order and generated files (what
# makes builds differ) all come from the packaging, which runs again in full.
# Usage: check-reproducible.sh PROJECT_ROOT MVN   (samples' verify phase runs it; -Dpv2hvm.reproducible.skip skips it)
set -euo pipefail

if [ $# -ne 2 ] || [ ! -f "$1/pom.xml" ] || [ ! -x "$2" ]; then
  echo "usage: $0 PROJECT_ROOT MVN (the directory holding the parent pom.xml, and the mvn to run)" >&2
  exit 2
fi
root="$(cd "$1" && pwd)"
mvn="$2"
first="$root/target/reproducible-check/first-build"

rm -rf "$first"
mkdir -p "$first"
modules=()
for pom in "$root"/*/pom.xml; do
  [ -f "$pom" ] || continue
  dir="$(dirname "$pom")"
  name="$(basename "$dir")"
  # original-*.jar is the shade plugin's copy of its input, left from earlier builds; never published.
  rm -f "$dir"/target/original-*.jar
  compgen -G "$dir/target/*.jar" >/dev/null || continue
  modules+=("$name")
  mkdir -p "$first/$name"
  # Moved, not copied: the plugins skip an archive that is already up to date.
  mv "$dir"/target/*.jar "$first/$name/"
done
if [ "${#modules[@]}" -eq 0 ]; then
  echo "check-reproducible: no module has a jar in target/; run it after the package phase" >&2
  exit 2
fi
list="$(IFS=,; echo "${modules[*]}")"
echo "check-reproducible: packaging ${list} a second time"

# Offline: the first build fetched every plugin and dependency. useIncrementalCompilation=false
# keeps the compiler from recompiling tests only because a reactor jar is newer.
"$mvn" -B -q -o -f "$root/pom.xml" -pl "$list" package \
  -Dmaven.main.skip=true -DskipTests -Dmaven.compiler.useIncrementalCompilation=false \
  -Dcyclonedx.skip=true -Dpv2hvm.reproducible.skip=true

checked=0
differ=0
for name in "${modules[@]}"; do
  for a in "$first/$name"/*.jar; do
    jar="$(basename "$a")"
    b="$root/$name/target/$jar"
    checked=$((checked + 1))
    if [ ! -f "$b" ]; then
      echo "check-reproducible: $name/target/$jar was not built the second time" >&2
      differ=1
    elif [ "$(sha256sum <"$a" | cut -d' ' -f1)" != "$(sha256sum <"$b" | cut -d' ' -f1)" ]; then
      echo "check-reproducible: $name/target/$jar differs between two builds (first: $a);" \
        "compare them with diffoscope, and see https://maven.apache.org/guides/mini/guide-reproducible-builds.html" >&2
      differ=1
    fi
  done
done
if [ "$differ" -ne 0 ]; then
  exit 1
fi
echo "check-reproducible: ${checked} archives byte-identical across two builds"
