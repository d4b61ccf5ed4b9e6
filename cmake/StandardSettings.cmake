# One INTERFACE target carries warnings and sanitizers; every target of the
# project links it (the ccache cmake/StandardSettings.cmake pattern).
add_library(clusterplan_settings INTERFACE)
target_compile_options(clusterplan_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
# GCC 12 (Debian 12's) warns -Wrestrict inside libstdc++'s own string
# concatenation when optimizing (false positives, GCC bugs 105329 and 105651,
# fixed in GCC 13): a release build printed 12 such warnings from
# basic_string code, none about ours. Off for GCC 12 only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
   AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  target_compile_options(clusterplan_settings INTERFACE -Wno-restrict)
endif()
if(CLUSTERPLAN_WERROR)
  target_compile_options(clusterplan_settings INTERFACE -Werror)
endif()
if(CLUSTERPLAN_SANITIZE)
  target_compile_options(clusterplan_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(clusterplan_settings INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(clusterplan_settings INTERFACE _GLIBCXX_ASSERTIONS)
endif()
