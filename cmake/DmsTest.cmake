# SPDX-License-Identifier: GPL-3.0-or-later
# dms_add_test(<name> LABEL unit|tool|db|system|fuzz SOURCES <src>... [LIBS <lib>...])
# One gtest executable; every test case becomes a CTest entry with the label.
# unit: in-process only; tool: also runs command-line tools (named-checkzone, ...);
# db: also a PostgreSQL; system: also servers (named, rsyncd, dmsd).
# db and system tests get the per-run PostgreSQL cluster (fixture "pg_cluster").
set(DMS_TEST_PG_STATE ${CMAKE_BINARY_DIR}/testing/pg-cluster.state)

function(dms_add_test name)
  cmake_parse_arguments(T "" "LABEL" "SOURCES;LIBS" ${ARGN})
  if(NOT T_LABEL MATCHES "^(unit|tool|db|system|fuzz)$")
    message(FATAL_ERROR "dms_add_test(${name}): LABEL must be unit, tool, db, system or fuzz")
  endif()
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE dms_options GTest::gtest GTest::gmock GTest::gtest_main
                                        ${T_LIBS})
  set(props LABELS ${T_LABEL} ENVIRONMENT "DMS_TEST_PG_STATE=${DMS_TEST_PG_STATE}")
  if(T_LABEL STREQUAL "db" OR T_LABEL STREQUAL "system")
    list(APPEND props FIXTURES_REQUIRED pg_cluster)
  endif()
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST PROPERTIES ${props})
endfunction()
