/* Fuzz target: the INI configuration parser. Invariants: never crashes or
 * leaks; on success every long key is within its documented range; on
 * failure the message names the input ("fuzz:LINE: ..."). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/config.h"
#include "util/mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct syn_config cfg;
    struct syn_err err;
    char *text;

    if (size > 64 * 1024)
        return 0;
    text = syn_strndup((const char *)data, size);
    if (text == NULL)
        return 0;
    syn_err_clear(&err);
    if (config_load_string(&cfg, text, "fuzz", &err) == SYN_OK) {
        if (cfg.excerpt_words < 5 || cfg.excerpt_words > 1000 ||
            cfg.fetch_interval_s < 60 || cfg.digest_weekly_day > 6 ||
            (cfg.site_base_url != NULL && cfg.site_base_url[0] != '\0' &&
             cfg.site_base_url[strlen(cfg.site_base_url) - 1] == '/')) {
            abort();
        }
        config_fini(&cfg);
    } else if (strncmp(err.msg, "fuzz", 4) != 0) {
        abort();
    }
    syn_free(text);
    return 0;
}
