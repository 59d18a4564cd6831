# make asan: AddressSanitizer + UBSan, no recovery, so any finding fails a test.
if(SYNDIC_SANITIZE)
    set(SYN_SAN_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
        -fno-omit-frame-pointer)
    add_compile_options(${SYN_SAN_FLAGS})
    add_link_options(${SYN_SAN_FLAGS})
    add_compile_definitions(SYNDIC_ASAN=1)
endif()

# make fuzz: instrument everything for coverage; fuzz.cmake links the fuzzers.
if(SYNDIC_FUZZ)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
        -fno-omit-frame-pointer)
    add_link_options(-fsanitize=address,undefined)
    add_compile_definitions(SYNDIC_FUZZING=1)
endif()
