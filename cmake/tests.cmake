# Tests: every tests/unit/<area>/test_<module>.c is one cmocka executable
# (label unit); tests/cli/test_*.sh and tests/integration/test_*.{sh,py}
# get the syndic binary as $1 (label cli / integration); tools/checksrc.sh
# bans unsafe functions; fuzz/regress inputs are replayed by a plain build.
pkg_check_modules(CMOCKA REQUIRED IMPORTED_TARGET cmocka)

set(SYN_TEST_ENV
    "SYNDIC_TEST_DATA=${CMAKE_SOURCE_DIR}/tests/data"
    "SYNDIC_SOURCE_DIR=${CMAKE_SOURCE_DIR}"
    "SYNDIC_CORPUS=${CMAKE_SOURCE_DIR}/../shared/corpus"
    "SYNDIC_BIN=$<TARGET_FILE:syndic>"
    "ASAN_OPTIONS=detect_leaks=1:abort_on_error=1"
    "UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1")

add_library(syn_testlib STATIC ${CMAKE_SOURCE_DIR}/tests/unit/testutil.c)
target_link_libraries(syn_testlib PUBLIC libsyndic PkgConfig::CMOCKA)
target_include_directories(syn_testlib PUBLIC ${CMAKE_SOURCE_DIR}/tests/unit)

file(GLOB_RECURSE SYN_UNIT_TESTS CONFIGURE_DEPENDS
     ${CMAKE_SOURCE_DIR}/tests/unit/*/test_*.c)
foreach(src ${SYN_UNIT_TESTS})
    get_filename_component(name ${src} NAME_WE)
    get_filename_component(dir ${src} DIRECTORY)
    get_filename_component(area ${dir} NAME)
    set(t unit_${area}_${name})
    add_executable(${t} ${src})
    target_link_libraries(${t} PRIVATE syn_testlib)
    syn_warnings(${t})
    add_test(NAME ${area}/${name} COMMAND ${t})
    set_tests_properties(${area}/${name} PROPERTIES LABELS unit
        ENVIRONMENT "${SYN_TEST_ENV}" TIMEOUT 300)
endforeach()

foreach(kind cli integration e2e)
    file(GLOB SYN_SCRIPT_TESTS CONFIGURE_DEPENDS
         ${CMAKE_SOURCE_DIR}/tests/${kind}/test_*.sh
         ${CMAKE_SOURCE_DIR}/tests/${kind}/test_*.py
         ${CMAKE_SOURCE_DIR}/tests/${kind}/test_*.mjs)
    foreach(src ${SYN_SCRIPT_TESTS})
        get_filename_component(name ${src} NAME_WE)
        get_filename_component(ext ${src} LAST_EXT)
        if(ext STREQUAL ".sh")
            set(runner bash)
        elseif(ext STREQUAL ".py")
            set(runner /usr/bin/python3)
        else()
            set(runner node)
        endif()
        add_test(NAME ${kind}/${name}
                 COMMAND ${runner} ${src} $<TARGET_FILE:syndic>)
        set_tests_properties(${kind}/${name} PROPERTIES LABELS ${kind}
            ENVIRONMENT "${SYN_TEST_ENV}" TIMEOUT 600 SKIP_RETURN_CODE 77)
    endforeach()
endforeach()

add_test(NAME style/checksrc
         COMMAND bash ${CMAKE_SOURCE_DIR}/tools/checksrc.sh ${CMAKE_SOURCE_DIR}/src)
set_tests_properties(style/checksrc PROPERTIES LABELS style)

# Fuzz regressions: each fuzz/<target>.c linked with a replay main that feeds
# it every file of fuzz/regress/<target>/ and fuzz/corpus/<target>/.
file(GLOB SYN_FUZZ_TARGETS CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/fuzz/fuzz_*.c)
foreach(src ${SYN_FUZZ_TARGETS})
    get_filename_component(name ${src} NAME_WE)
    string(REGEX REPLACE "^fuzz_" "" target ${name})
    add_executable(replay_${target} ${src} ${CMAKE_SOURCE_DIR}/fuzz/replay.c)
    target_link_libraries(replay_${target} PRIVATE libsyndic)
    syn_warnings(replay_${target})
    add_test(NAME fuzz/${target}
             COMMAND replay_${target}
                     ${CMAKE_SOURCE_DIR}/fuzz/regress/${target}
                     ${CMAKE_SOURCE_DIR}/fuzz/corpus/${target})
    set_tests_properties(fuzz/${target} PROPERTIES LABELS fuzz
        ENVIRONMENT "${SYN_TEST_ENV}")
endforeach()
