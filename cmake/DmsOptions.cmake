# SPDX-License-Identifier: GPL-3.0-or-later
# The one compiler-options target every dms target links.
add_library(dms_options INTERFACE)
target_compile_features(dms_options INTERFACE cxx_std_20)
target_compile_options(dms_options INTERFACE -Wall -Wextra -Wshadow -Wpedantic -Werror
                                             -Wno-error=deprecated-declarations)

# Sanitizers for every target (scripts/sanitize: address,undefined). Any report
# ends the program: -fno-sanitize-recover makes UBSan reports fatal too.
set(DMS_SANITIZE "" CACHE STRING "Sanitizers for every target, e.g. address,undefined")

# libFuzzer targets of tests/fuzz (scripts/fuzz): clang only, in a build directory of
# their own. Every target is compiled with the fuzzer's coverage instrumentation and,
# unless DMS_SANITIZE says otherwise, with AddressSanitizer and UBSan.
option(DMS_FUZZ "Build only the libFuzzer targets (tests/fuzz); needs clang" OFF)
if(DMS_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DMS_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ "
                        "(scripts/fuzz does)")
  endif()
  if(DMS_SANITIZE STREQUAL "")
    set(DMS_SANITIZE address,undefined CACHE STRING
        "Sanitizers for every target, e.g. address,undefined" FORCE)
  endif()
  target_compile_options(dms_options INTERFACE -fsanitize=fuzzer-no-link)
endif()

if(NOT DMS_SANITIZE STREQUAL "")
  target_compile_options(dms_options INTERFACE -fsanitize=${DMS_SANITIZE}
                         -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(dms_options INTERFACE -fsanitize=${DMS_SANITIZE} -fno-sanitize-recover=all)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 warns falsely under -fsanitize (std::regex's std::function "may be used
    # uninitialized"); the normal build keeps the warning.
    target_compile_options(dms_options INTERFACE -Wno-maybe-uninitialized)
  endif()
endif()
