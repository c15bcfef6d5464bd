# Sanitizer and fuzzing builds, each in a build folder of its own (scripts/test --sanitize,
# scripts/fuzz), with clang from Debian.
#
#   -DDM_SANITIZE=address,undefined   AddressSanitizer + UndefinedBehaviorSanitizer
#   -DDM_SANITIZE=thread              ThreadSanitizer
#   -DDM_FUZZ=ON                      the libFuzzer targets in fuzz/ (with address,undefined)
#
# Every report fails: undefined behaviour aborts instead of printing and going on. The libraries
# linked from Debian (gRPC, protobuf, Abseil, OpenSSL...) are not instrumented: their own bugs are
# not looked for, and what ThreadSanitizer cannot see inside them is named in
# tests/sanitizers/tsan.supp with the reason for each line.
set(DM_SANITIZE "" CACHE STRING "Sanitizers to build with: address,undefined or thread")
option(DM_FUZZ "Build the fuzz targets in fuzz/ (clang's libFuzzer)" OFF)

if(DM_SANITIZE OR DM_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DM_SANITIZE and DM_FUZZ need clang: CC=clang CXX=clang++ cmake ...")
  endif()
  add_compile_options(-fno-omit-frame-pointer)
endif()

if(DM_SANITIZE)
  add_compile_options(-fsanitize=${DM_SANITIZE})
  add_link_options(-fsanitize=${DM_SANITIZE})
  if(DM_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
endif()

if(DM_FUZZ)
  if(NOT DM_SANITIZE MATCHES "address")
    message(FATAL_ERROR "DM_FUZZ runs under AddressSanitizer: -DDM_SANITIZE=address,undefined")
  endif()
  # Coverage for libFuzzer everywhere; only the fuzz targets link its main().
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
