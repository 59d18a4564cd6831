/* Logging in logfmt to a stream (stderr by default):
 *   ts=2026-11-29T10:00:00Z level=warn fetch failed source=12 status=SYN_ENET
 * The caller's message should itself be "event key=value ..." (STYLE.md 8).
 * Debug lines carry src=file:line and compile out of NDEBUG builds.
 * Never log passwords, tokens, cookies or URL userinfo.
 * Thread rules: one fprintf per line, so lines from threads do not mix. */
#ifndef SYNDIC_UTIL_LOG_H
#define SYNDIC_UTIL_LOG_H

#include <stdio.h>

#include "util/compiler.h"
#include "util/err.h"

enum log_level {
    LOG_ERROR = 0,
    LOG_WARN,
    LOG_INFO,
    LOG_DEBUG,
};

struct syn_log {
    enum log_level level; /* lines above this level are dropped */
    FILE *out;            /* borrowed; stderr when NULL */
};

/* Level by name ("error", "warn", "info", "debug"); SYN_EINVAL otherwise. */
enum syn_status log_level_parse(const char *name,
                                enum log_level *out /* out */) SYN_NODISCARD;

void log_write(const struct syn_log *log, enum log_level level,
               const char *file, int line, const char *fmt, ...)
    SYN_PRINTF(5, 6);

/* Quote a value for logfmt into dst[cap]: bare when it has no space, quote
 * or '=', else "..." with \" and \\ escaped; control bytes become '?'.
 * Returns dst. NOTE: truncates to cap. */
const char *log_quote(char *dst, size_t cap, const char *value);

#define log_error(log, ...) log_write((log), LOG_ERROR, NULL, 0, __VA_ARGS__)
#define log_warn(log, ...) log_write((log), LOG_WARN, NULL, 0, __VA_ARGS__)
#define log_info(log, ...) log_write((log), LOG_INFO, NULL, 0, __VA_ARGS__)
#ifdef NDEBUG
#define log_debug(log, ...) ((void)(log))
#else
#define log_debug(log, ...)                                                    \
    log_write((log), LOG_DEBUG, __FILE__, __LINE__, __VA_ARGS__)
#endif

#endif
