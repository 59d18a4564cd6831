# syn_embed(OUT SYMBOL ROOT FILES): compile files into the binary as a table
#   const struct syn_embedded SYMBOL[] = { {"rel/path", data, len}, ... , {0} };
# (struct declared in util/embed.h). Regenerated when any input changes.
function(syn_embed out symbol root files)
    # The list must reach the script as one argument: unescaped, its ';'
    # would end the shell command after the first file.
    string(REPLACE ";" "$<SEMICOLON>" files_arg "${files}")
    add_custom_command(
        OUTPUT ${out}
        COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} -DROOT=${root}
                "-DFILES=${files_arg}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_gen.cmake
        DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_gen.cmake
        COMMENT "Embedding ${symbol}"
        VERBATIM)
endfunction()
