# Warnings every Concord target is built with; third-party headers come in as
# SYSTEM includes through their imported targets, so they stay quiet.
function(concord_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
        -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual -Wimplicit-fallthrough)
endfunction()
