/* Command-line option scanner (see opt.h). */
#include "cmd/opt.h"

#include <stdio.h>
#include <string.h>

void
opt_init(struct opt_iter *it, int argc, char **argv, int first)
{
    it->argc = argc;
    it->argv = argv;
    it->index = first;
    it->only_args = false;
    it->value = NULL;
    it->error[0] = '\0';
}

static int
opt_take_value(struct opt_iter *it, const struct opt_spec *s,
               const char *inline_value)
{
    if (!s->has_arg) {
        if (inline_value != NULL) {
            snprintf(it->error, sizeof(it->error),
                     "option --%s takes no value", s->name);
            return OPT_ERROR;
        }
        it->value = NULL;
        return s->id;
    }
    if (inline_value != NULL) {
        it->value = inline_value;
        return s->id;
    }
    if (it->index >= it->argc) {
        snprintf(it->error, sizeof(it->error), "option --%s needs a value",
                 s->name);
        return OPT_ERROR;
    }
    it->value = it->argv[it->index++];
    return s->id;
}

int
opt_next(struct opt_iter *it, const struct opt_spec *specs)
{
    const struct opt_spec *s;
    const char *arg, *eq;
    size_t n;

    it->value = NULL;
    if (it->index >= it->argc)
        return OPT_END;
    arg = it->argv[it->index++];
    if (it->only_args || arg[0] != '-' || arg[1] == '\0') {
        it->value = arg;
        return OPT_ARG;
    }
    if (strcmp(arg, "--") == 0) {
        it->only_args = true;
        return opt_next(it, specs);
    }
    if (arg[1] == '-') {
        eq = strchr(arg + 2, '=');
        n = eq != NULL ? (size_t)(eq - (arg + 2)) : strlen(arg + 2);
        for (s = specs; s->name != NULL; s++) {
            if (strlen(s->name) == n && strncmp(s->name, arg + 2, n) == 0)
                return opt_take_value(it, s, eq != NULL ? eq + 1 : NULL);
        }
        snprintf(it->error, sizeof(it->error), "unknown option %.*s",
                 (int)(n + 2 > 100 ? 100 : n + 2), arg);
        return OPT_ERROR;
    }
    for (s = specs; s->name != NULL; s++) {
        if (s->short_name != 0 && s->short_name == arg[1] && arg[2] == '\0')
            return opt_take_value(it, s, NULL);
    }
    snprintf(it->error, sizeof(it->error), "unknown option %.40s", arg);
    return OPT_ERROR;
}
