/* logfmt logging (see log.h). */
#include "util/log.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "util/limits.h"
#include "util/str.h"

static const char *const level_names[] = {"error", "warn", "info", "debug"};

enum syn_status
log_level_parse(const char *name, enum log_level *out)
{
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(level_names); i++) {
        if (str_casecmp(name, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return SYN_OK;
        }
    }
    if (str_casecmp(name, "warning") == 0) {
        *out = LOG_WARN;
        return SYN_OK;
    }
    return SYN_EINVAL;
}

const char *
log_quote(char *dst, size_t cap, const char *value)
{
    size_t i, o = 0;
    int quote = value[0] == '\0' || strpbrk(value, " \"=\t") != NULL;

    if (cap < 3) {
        if (cap > 0) {
            dst[0] = '\0';
        }
        return dst;
    }
    if (quote) {
        dst[o++] = '"';
    }
    for (i = 0; value[i] != '\0' && o + 3 < cap; i++) {
        unsigned char c = (unsigned char)value[i];

        if (c == '"' || c == '\\') {
            dst[o++] = '\\';
        }
        dst[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (quote) {
        dst[o++] = '"';
    }
    dst[o] = '\0';
    return dst;
}

void
log_write(const struct syn_log *log, enum log_level level, const char *file,
          int line, const char *fmt, ...)
{
    char msg[SYN_MAX_LOG_LINE], ts[32];
    struct tm tm;
    time_t now;
    va_list ap;
    FILE *out;

    if (log != NULL && level > log->level)
        return;
    out = (log != NULL && log->out != NULL) ? log->out : stderr;
    va_start(ap, fmt);
    /* NOTE: truncates, SYN_MAX_LOG_LINE. */
    (void)vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    now = time(NULL);
    if (gmtime_r(&now, &tm) == NULL ||
        strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0) {
        ts[0] = '\0';
    }
    if (file != NULL) {
        fprintf(out, "ts=%s level=%s %s src=%s:%d\n", ts, level_names[level],
                msg, file, line);
    } else {
        fprintf(out, "ts=%s level=%s %s\n", ts, level_names[level], msg);
    }
}
