#!/usr/bin/env bash
# The fused engine's double-precision ensemble is written from the float one: the same text with the element type,
# the vector class and the lane count changed (so the two can never drift apart in what they compute). This script
# makes DoubleEnsemble.java from FloatEnsemble.java; with --check it only compares (FusedSourcesTest runs that).
set -euo pipefail
dir="$(cd "$(dirname "$0")/.." && pwd)/src/main/java/org/onecnn/empirical/fused"
gen() {
  sed -e 's/FloatEnsemble/DoubleEnsemble/g' \
      -e 's/engine in float:/engine in double:/' \
      -e 's/the same text as {@link DoubleEnsemble}/the same text as {@link FloatEnsemble}/' \
      -e 's/: edit this file, then run/: edit FloatEnsemble.java, not this file, then run/' \
      -e 's/FloatVector/DoubleVector/g' \
      -e 's/VectorSpecies<Float>/VectorSpecies<Double>/g' \
      -e 's/static final int L = 8;/static final int L = 4;/' \
      -e 's/(float) value/value/g' \
      -e 's/float al = (float) alpha;/double al = alpha;/g' \
      -e 's/\bfloat\[\]/double[]/g' \
      -e 's/new float\[/new double[/g' \
      -e 's/, 0f);/, 0.0);/g' \
      "$dir/FloatEnsemble.java"
}
if [[ "${1:-}" == "--check" ]]; then
  diff <(gen) "$dir/DoubleEnsemble.java" >&2 && echo "DoubleEnsemble.java is FloatEnsemble.java's double version"
else
  gen > "$dir/DoubleEnsemble.java"
fi
