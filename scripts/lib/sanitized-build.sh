# Sourced by scripts/test and scripts/fuzz: configures and builds a tree with sanitizers, with
# clang from Debian, in a folder of its own beside build/.
#
#   sanitized_build_dir SANITIZERS       the folder: build-asan (address,undefined, which also
#                                        holds the fuzz targets), build-tsan (thread)
#   configure_sanitized_build SANITIZERS configures it (cmake), quietly
#
# Optimized a little (-O1), with line tables only: a sanitizer's report names file and line,
# and full debug information would double the build's time for nothing it reports. Assertions
# stay on.

sanitized_build_dir() {
  case "$1" in
    address,undefined) echo "${BUILD_DIR:-build}-asan" ;;
    thread) echo "${BUILD_DIR:-build}-tsan" ;;
    *)
      echo "unknown sanitizers '$1': use address,undefined or thread" >&2
      return 2
      ;;
  esac
}

configure_sanitized_build() {
  local sanitizers=$1 dir fuzz=OFF static=ON
  dir=$(sanitized_build_dir "$sanitizers")
  [[ $sanitizers == address,undefined ]] && fuzz=ON
  # ThreadSanitizer's suppressions name the uninstrumented libraries they are for, which needs
  # them as shared objects (tests/sanitizers/tsan.supp).
  [[ $sanitizers == thread ]] && static=OFF
  CC=clang CXX=clang++ cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
    -DDM_SANITIZE="$sanitizers" -DDM_FUZZ=$fuzz -DDM_STATIC_ARCHIVES=$static >/dev/null
}
