/* Compiler annotations used across syndic: they let the compiler check the
 * contracts that headers state in prose. */
#ifndef SYNDIC_UTIL_COMPILER_H
#define SYNDIC_UTIL_COMPILER_H

/* The caller must look at the result (a status, or memory it now owns). */
#define SYN_NODISCARD __attribute__((warn_unused_result))
/* printf-style format at argument f, variadic arguments from a. */
#define SYN_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define SYN_UNUSED __attribute__((unused))
#define SYN_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
