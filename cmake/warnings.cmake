# Warning flags (STYLE.md section 12); -Werror unless SYNDIC_WERROR=OFF.
function(syn_warnings target)
    target_compile_options(${target} PRIVATE
        -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes
        -Wmissing-prototypes -Wformat=2 -Wvla -Wno-format-nonliteral)
    if(SYNDIC_WERROR)
        target_compile_options(${target} PRIVATE -Werror)
    endif()
endfunction()
