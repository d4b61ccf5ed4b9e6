# One INTERFACE target carries warnings and sanitizers; every target of the
# project links it (the ccache cmake/StandardSettings.cmake pattern).
add_library(clusterplan_settings INTERFACE)
target_compile_options(clusterplan_settings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wno-sign-conversion
  -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
if(CLUSTERPLAN_WERROR)
  target_compile_options(clusterplan_settings INTERFACE -Werror)
endif()
if(CLUSTERPLAN_SANITIZE)
  target_compile_options(clusterplan_settings INTERFACE
    -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
  target_link_options(clusterplan_settings INTERFACE -fsanitize=address,undefined)
  target_compile_definitions(clusterplan_settings INTERFACE _GLIBCXX_ASSERTIONS)
endif()
