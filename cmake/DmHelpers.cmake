# Small helpers that keep each folder's CMakeLists short and explicit.
#
#   dm_cc_library(name SRCS a.cc b.cc DEPS lib1 lib2 [TESTONLY] [UNITY])
#   dm_cc_binary(name SRCS main.cc DEPS ...)          -> build/bin/name
#   dm_cc_test(name SRCS foo_test.cc DEPS ... [LABELS integration] [TIMEOUT s] [COST n] [UNITY])
#
# Tests link GoogleTest's main and are discovered one ctest entry per TEST(). Labels: unit (the
# default), integration, fleet, health; "concurrency" marks the tests of the controller's
# concurrent parts, which scripts/test --sanitize thread builds (dm_concurrency_tests) and runs.
# The sanitizer run over unit and integration tests builds only those (dm_unit_and_integration_
# tests): not the benchmarks, nor the real-server tests it does not run.
#
# Test code (tests and TESTONLY libraries: fakes, fixtures, harnesses) is compiled with -Og: it
# is a third of the build, and optimizing GoogleTest's templates costs more to compile than it
# saves in test runs, which are short. What tests exercise is compiled as it ships.
set(DM_TEST_COMPILE_OPTIONS -Og)

# UNITY: the target's files compile a few at a time as one unit (CMake's unity build), so that
# the headers they share (protobuf messages, Abseil, nlohmann/json, GoogleTest) are parsed and
# their templates compiled once per batch rather than once per file. For folders of many small
# files over the same headers (dmctl's commands, the fleet operations, the RPC handlers, tests).
# Their files must not define the same name in an anonymous namespace. -DDM_UNITY_BUILD=OFF
# compiles file by file (a compiler error then names the file it is in, not the batch).
option(DM_UNITY_BUILD "Compile UNITY targets a few files at a time" ON)
function(dm_unity target)
  if(DM_UNITY_BUILD)
    set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 8)
  endif()
endfunction()

function(dm_cc_library name)
  cmake_parse_arguments(ARG "TESTONLY;UNITY" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
  if(ARG_TESTONLY)
    target_compile_options(${name} PRIVATE ${DM_TEST_COMPILE_OPTIONS})
  endif()
  if(ARG_UNITY)
    dm_unity(${name})
  endif()
endfunction()

function(dm_cc_binary name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
endfunction()

add_custom_target(dm_concurrency_tests)
add_custom_target(dm_unit_and_integration_tests)

function(dm_cc_test name)
  cmake_parse_arguments(ARG "UNITY;SERIAL" "TIMEOUT;COST" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY "${CMAKE_BINARY_DIR}/tests")
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  target_compile_options(${name} PRIVATE ${DM_TEST_COMPILE_OPTIONS})
  if(ARG_UNITY)
    dm_unity(${name})
  endif()
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if("concurrency" IN_LIST ARG_LABELS)
    add_dependencies(dm_concurrency_tests ${name})
  endif()
  if("unit" IN_LIST ARG_LABELS OR "integration" IN_LIST ARG_LABELS)
    add_dependencies(dm_unit_and_integration_tests ${name})
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  # COST: ctest starts costlier tests first, so that a long one runs beside the short ones.
  if(NOT ARG_COST)
    set(ARG_COST 0)
  endif()
  # SERIAL: a test that loads the machine (a whole OpenStack) runs alone, so that it does not
  # starve the timing-sensitive fleet tests beside it.
  set(serial FALSE)
  if(ARG_SERIAL)
    set(serial TRUE)
  endif()
  # The first label here; all of them from the file below (a list does not survive PROPERTIES).
  list(GET ARG_LABELS 0 first_label)
  gtest_discover_tests(${name}
    PROPERTIES LABELS "${first_label}" TIMEOUT ${ARG_TIMEOUT} COST ${ARG_COST} RUN_SERIAL ${serial}
    # Integration tests start the real binaries; they find them here.
    ENVIRONMENT "DM_BIN_DIR=${CMAKE_BINARY_DIR}/bin"
    DISCOVERY_TIMEOUT 30)
  list(LENGTH ARG_LABELS label_count)
  if(label_count GREATER 1)
    # Read by ctest after the discovered tests (NAME_TESTS lists them), in this order.
    set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${name}_labels.cmake")
    file(WRITE "${labels_file}"
         "if(${name}_TESTS)\n"
         "  set_tests_properties(\${${name}_TESTS} PROPERTIES LABELS \"${ARG_LABELS}\")\n"
         "endif()\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
  endif()
endfunction()
