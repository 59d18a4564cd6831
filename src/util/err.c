/* Status names and error-detail formatting (see err.h). */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

static const struct {
    const char *name;
    const char *text;
} status_table[] = {
    [SYN_OK] = {"SYN_OK", "success"},
    [SYN_ENOMEM] = {"SYN_ENOMEM", "out of memory"},
    [SYN_EINVAL] = {"SYN_EINVAL", "invalid input"},
    [SYN_ETOOBIG] = {"SYN_ETOOBIG", "limit exceeded"},
    [SYN_EPARSE] = {"SYN_EPARSE", "parse error"},
    [SYN_EIO] = {"SYN_EIO", "I/O error"},
    [SYN_ENET] = {"SYN_ENET", "network error"},
    [SYN_EDB] = {"SYN_EDB", "database error"},
    [SYN_ENOTFOUND] = {"SYN_ENOTFOUND", "not found"},
    [SYN_EEXIST] = {"SYN_EEXIST", "already exists"},
    [SYN_EAUTH] = {"SYN_EAUTH", "authentication failed"},
    [SYN_EUSAGE] = {"SYN_EUSAGE", "usage error"},
    [SYN_ECONFIG] = {"SYN_ECONFIG", "configuration error"},
    [SYN_EDENIED] = {"SYN_EDENIED", "refused by policy"},
    [SYN_ETIMEOUT] = {"SYN_ETIMEOUT", "timed out"},
};

enum syn_status
syn_err_set(struct syn_err *err, enum syn_status code, const char *fmt, ...)
{
    va_list ap;

    if (err == NULL)
        return code;
    err->code = code;
    va_start(ap, fmt);
    /* NOTE: truncates, SYN_ERR_MSG_LEN: the message is for humans. */
    (void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

void
syn_err_clear(struct syn_err *err)
{
    if (err == NULL)
        return;
    err->code = SYN_OK;
    err->msg[0] = '\0';
}

const char *
syn_status_name(enum syn_status code)
{
    if ((unsigned)code >= SYN_ARRAY_LEN(status_table) ||
        status_table[code].name == NULL)
        return "SYN_EUNKNOWN";
    return status_table[code].name;
}

const char *
syn_strerror(enum syn_status code)
{
    if ((unsigned)code >= SYN_ARRAY_LEN(status_table) ||
        status_table[code].text == NULL)
        return "unknown error";
    return status_table[code].text;
}
