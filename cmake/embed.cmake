# syn_embed(OUT SYMBOL ROOT FILES): compile files into the binary as a table
#   const struct syn_embedded SYMBOL[] = { {"rel/path", data, len}, ... , {0} };
# (struct declared in util/embed.h). Regenerated when any input changes.
function(syn_embed out symbol root files)
    add_custom_command(
        OUTPUT ${out}
        COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol} -DROOT=${root}
                "-DFILES=${files}" -P ${CMAKE_SOURCE_DIR}/cmake/embed_gen.cmake
        DEPENDS ${files} ${CMAKE_SOURCE_DIR}/cmake/embed_gen.cmake
        COMMENT "Embedding ${symbol}"
        VERBATIM)
endfunction()
