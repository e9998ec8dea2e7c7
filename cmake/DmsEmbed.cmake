# SPDX-License-Identifier: GPL-3.0-or-later
# dms_embed_files(OUTPUT <cpp> NAMESPACE <ns> FILES <file>...)
# Generates a .cpp that defines `std::span<const EmbeddedFile> <ns>::embedded_files()`
# holding each file's base name and content, so binaries carry sql/ with them.
function(dms_embed_files)
  cmake_parse_arguments(E "" "OUTPUT;NAMESPACE" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DNAMESPACE=${E_NAMESPACE}
            "-DFILES=${E_FILES}" -P ${CMAKE_SOURCE_DIR}/cmake/DmsEmbedScript.cmake
    DEPENDS ${E_FILES} ${CMAKE_SOURCE_DIR}/cmake/DmsEmbedScript.cmake
    COMMENT "Embedding ${E_NAMESPACE} files"
    VERBATIM)
endfunction()
