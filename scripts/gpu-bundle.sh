#!/usr/bin/env bash
# Builds the GPU bundle into OUT (docs/gpu.md): everything the GPU check needs on a bare GPU machine with no Java,
# no Maven and no network, in at most 64 MiB:
#   OUT/runtime/      a jlink'ed Java 17 runtime (java.base, java.logging, jdk.unsupported, jdk.incubator.vector,
#                     java.management, jdk.management, java.xml; no java.desktop: no figures, docs/gpu.md)
#   OUT/lib/          onecnn.jar and its light dependencies: no DL4J, no ND4J, no JavaCPP, no OpenBLAS
#   OUT/native/       JCuda's driver-API binding only (libJCudaDriver, needs only the driver's libcuda.so.1)
#   OUT/test-classes/ onecnn's compiled tests, OUT/test-lib/ JUnit (the gpu-tagged tests, org.onecnn.gpu.GpuTests)
#   OUT/peers/        a copy of the PyTorch peer (ensemble_torch.py) the bench is compared with
#   OUT/onecnn        the launcher; OUT/gpu-check.sh RESULTS_DIR the one command to run on the GPU machine
# Usage: scripts/gpu-bundle.sh OUT   (OUT must not exist or be empty; builds with Maven offline first)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: scripts/gpu-bundle.sh OUT}"
# the PyTorch peer: ONECNN_TORCH_PEER (another copy, e.g. one under test), else the repository's peers/
peer="${ONECNN_TORCH_PEER:-$here/peers/ensemble_torch.py}"
[ -d "$out" ] && [ -n "$(ls -A "$out")" ] && { echo "gpu-bundle: $out exists and is not empty" >&2; exit 2; }
[ -n "$peer" ] && [ -f "$peer" ] || { echo "gpu-bundle: the PyTorch peer ensemble_torch.py was not found (set ONECNN_TORCH_PEER)" >&2; exit 2; }
command -v jlink >/dev/null || { echo "gpu-bundle: jlink (a JDK 17) is needed" >&2; exit 2; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# 1. onecnn's jar, its dependencies and its compiled tests. Normally built with Maven (offline); with
#    ONECNN_BUNDLE_CLASSPATH set (the bundle test, running inside Maven) no Maven runs: the jar is made from
#    target/classes and the dependencies are taken from that class path (colon-separated jars)
mkdir -p "$out/lib" "$out/test-lib" "$out/native" "$out/peers" "$out/.all-deps"
if [ -z "${ONECNN_BUNDLE_CLASSPATH:-}" ]; then
  (cd "$here" && mvn -B -o -q -DskipTests package)
  (cd "$here" && mvn -B -o -q dependency:copy-dependencies -DincludeScope=test \
      -DoutputDirectory="$out/.all-deps" >/dev/null)
  cp "$here/target/onecnn.jar" "$out/lib/"
else
  IFS=: read -r -a cp_entries <<< "$ONECNN_BUNDLE_CLASSPATH"
  for j in "${cp_entries[@]}"; do
    case "$j" in *.jar) [ -f "$j" ] && cp "$j" "$out/.all-deps/" ;; esac
  done
  jar --create --file "$out/lib/onecnn.jar" -C "$here/target/classes" .
fi

# 2. the light dependencies onecnn's ND4J-free path loads (runs with engine fused/cuda, bench, doctor, reports
#    without figures); the figure libraries stay out except xchart, whose types the report classes name
light='^(jackson-annotations|jackson-core|jackson-databind|jackson-dataformat-yaml|snakeyaml|picocli|commons-math3|progressbar|jline-terminal|jline-native|slf4j-api|slf4j-simple|xchart|jcuda)-[0-9]'
testlibs='^(junit-jupiter-api|junit-jupiter-engine|junit-jupiter-params|junit-platform-commons|junit-platform-engine|junit-platform-launcher|opentest4j|apiguardian-api|commons-rng-core|commons-rng-client-api|commons-rng-simple)-[0-9]'
for j in "$out"/.all-deps/*.jar; do
  b="$(basename "$j")"
  if [[ "$b" =~ $light ]]; then cp "$j" "$out/lib/"; elif [[ "$b" =~ $testlibs ]]; then cp "$j" "$out/test-lib/"; fi
done
# JCuda's natives jar holds every binding (cuBLAS, cuFFT, NVRTC, ...): only the driver API's travels
natives="$(ls "$out"/.all-deps/jcuda-natives-*-linux-x86_64.jar)"
(cd "$out/native" && jar --extract --file "$natives" && mv lib/libJCudaDriver-*-linux-x86_64.so . \
  && find . -mindepth 1 ! -name 'libJCudaDriver-*-linux-x86_64.so' -exec rm -rf {} +)
rm -rf "$out/.all-deps"
cp -r "$here/target/test-classes" "$out/test-classes"
cp "$peer" "$out/peers/ensemble_torch.py"
cp "$here/scripts/gpu/compare_runs.py" "$here/scripts/gpu/summarize.py" "$here/scripts/gpu/check-run.yaml" "$out/"

# 3. the Java runtime
jlink --add-modules java.base,java.logging,jdk.unsupported,jdk.incubator.vector,java.management,jdk.management,java.xml \
  --strip-debug --no-header-files --no-man-pages --compress=2 --output "$out/runtime" 2>/dev/null
if command -v strip >/dev/null; then
  strip -p --strip-unneeded "$out/runtime/lib/server/libjvm.so" 2>/dev/null || true
fi

# 4. the launcher and the check
cat > "$out/onecnn" <<'LAUNCH'
#!/usr/bin/env bash
# onecnn from the GPU bundle: its own Java runtime, no DL4J/ND4J, JCuda's driver binding from native/
b="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$b/runtime/bin/java" --add-modules jdk.incubator.vector -Djava.library.path="$b/native" \
  -Donecnn.home="${ONECNN_HOME:-$PWD}" ${ONECNN_JAVA_OPTS:-} -cp "$b/lib/*" org.onecnn.cli.Main "$@"
LAUNCH
chmod +x "$out/onecnn"
cp "$here/scripts/gpu/gpu-check.sh" "$out/gpu-check.sh"
chmod +x "$out/gpu-check.sh"
size=$(du -sb "$out" | cut -f1)
echo "gpu-bundle: $out, $((size / 1048576)) MiB ($size bytes)"
[ "$size" -lt $((64 * 1048576)) ] || { echo "gpu-bundle: over 64 MiB" >&2; exit 1; }
