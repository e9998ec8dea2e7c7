# SPDX-License-Identifier: GPL-3.0-or-later
# dms_add_test(<name> LABEL unit|tool|db|system SOURCES <src>... [LIBS <lib>...])
#   One gtest executable; every test case becomes a CTest entry with the label.
#   unit: in-process only; tool: also runs command-line tools (named-checkzone, ...);
#   db: also a PostgreSQL; system: also servers (named, rsyncd, dmsd).
#   db and system tests get the per-run PostgreSQL cluster (fixture "pg_cluster").
# dms_add_test(<name> LABEL fuzz SOURCES <src>... [LIBS <lib>...] CORPUS <dir> [DICT <file>])
#   One libFuzzer target (DMS_FUZZ builds only): CTest entry <name> runs it for
#   DMS_FUZZ_SECONDS on the seeds in CORPUS, keeping what it finds in the build tree.
# Each label has a target tests_<label> that builds all of its executables
# (scripts/sanitize builds tests_unit and tests_db).
set(DMS_TEST_PG_STATE ${CMAKE_BINARY_DIR}/testing/pg-cluster.state)
set(DMS_FUZZ_SECONDS 30 CACHE STRING "Seconds CTest runs each fuzz target")
# A fixed seed: the CTest runs (CI) take the same path every time, so a red run is
# about the change, and a finding can be replayed. Long runs (scripts/fuzz run) draw
# a new seed each time.
set(DMS_FUZZ_SEED 20261207 CACHE STRING "libFuzzer -seed of the CTest fuzz runs")

function(dms_add_test name)
  cmake_parse_arguments(T "" "LABEL;CORPUS;DICT" "SOURCES;LIBS" ${ARGN})
  if(NOT T_LABEL MATCHES "^(unit|tool|db|system|fuzz)$")
    message(FATAL_ERROR "dms_add_test(${name}): LABEL must be unit, tool, db, system or fuzz")
  endif()
  if(NOT TARGET tests_${T_LABEL})
    add_custom_target(tests_${T_LABEL})
  endif()
  add_executable(${name} ${T_SOURCES})
  add_dependencies(tests_${T_LABEL} ${name})
  if(T_LABEL STREQUAL "fuzz")
    _dms_add_fuzz_test(${name} "${T_LIBS}" "${T_CORPUS}" "${T_DICT}")
    return()
  endif()
  target_link_libraries(${name} PRIVATE dms_options GTest::gtest GTest::gmock GTest::gtest_main
                                        ${T_LIBS})
  set(props LABELS ${T_LABEL} ENVIRONMENT "DMS_TEST_PG_STATE=${DMS_TEST_PG_STATE}")
  if(T_LABEL STREQUAL "db" OR T_LABEL STREQUAL "system")
    list(APPEND props FIXTURES_REQUIRED pg_cluster)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES ${props})
endfunction()

# libFuzzer writes what it finds to the first corpus directory: a work directory in
# the build tree, so the seeds in the source tree stay as they are. A crash, leak,
# sanitizer report or an input slower than 30 s fails the test and leaves the input
# in work/<name>/ (the log names it).
function(_dms_add_fuzz_test name libs corpus dict)
  if(NOT DMS_FUZZ)
    message(FATAL_ERROR "dms_add_test(${name} LABEL fuzz): only in a DMS_FUZZ build")
  endif()
  if(NOT IS_DIRECTORY ${corpus})
    message(FATAL_ERROR "dms_add_test(${name}): CORPUS '${corpus}' is not a directory")
  endif()
  target_link_libraries(${name} PRIVATE dms_options ${libs})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set(work ${CMAKE_BINARY_DIR}/fuzz-work/${name})
  file(MAKE_DIRECTORY ${work}/corpus)
  set(args -max_total_time=${DMS_FUZZ_SECONDS} -seed=${DMS_FUZZ_SEED} -timeout=30 -rss_limit_mb=2048
           -print_final_stats=1 -artifact_prefix=${work}/)
  if(dict)
    list(APPEND args -dict=${dict})
  endif()
  add_test(NAME ${name} COMMAND ${name} ${args} ${work}/corpus ${corpus})
  math(EXPR limit "${DMS_FUZZ_SECONDS} + 300")
  set_tests_properties(${name} PROPERTIES LABELS fuzz TIMEOUT ${limit})
endfunction()
