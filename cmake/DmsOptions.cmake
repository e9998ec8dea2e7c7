# SPDX-License-Identifier: GPL-3.0-or-later
# The one compiler-options target every dms target links.
add_library(dms_options INTERFACE)
target_compile_features(dms_options INTERFACE cxx_std_20)
target_compile_options(dms_options INTERFACE -Wall -Wextra -Wshadow -Wpedantic -Werror
                                             -Wno-error=deprecated-declarations)
