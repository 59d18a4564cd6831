/* Fuzz target: compile hostile template text (a theme directory is config,
 * but a bad one must give an error, never a crash), link it and render it
 * against a small fixed tree. Invariant: a failed compile leaves no
 * template behind. */
#include <stddef.h>
#include <stdint.h>

#include "util/tpl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tpl_set *set = tpl_set_new();
    struct syn_err err;
    struct arena a;
    struct tpl_tree t;
    struct tpl_val *list, *m;
    struct buf out;

    if (set == NULL)
        return 0;
    arena_init(&a, 1024, 0);
    tpl_tree_init(&t, &a);
    tpl_set_str(&t, t.root, "name", "<x>");
    list = tpl_set_list(&t, t.root, "items");
    m = tpl_list_add_map(&t, list);
    tpl_set_str(&t, m, "name", "a&b");
    tpl_list_add_str(&t, list, "s");
    buf_init(&out, 1u << 20);
    if (tpl_set_add(set, "f.html", (const char *)data, size, &err) == SYN_OK) {
        if (tpl_set_add(set, "p.html", "{{name}}{{#items}}{{.}}{{/items}}", 33,
                        &err) != SYN_OK) {
            __builtin_trap();
        }
        if (tpl_set_link(set, &err) == SYN_OK) {
            SYN_IGNORE(tpl_render(set, "f.html", &t, &out, &err));
            /* the plain-text mode of mail templates, on the same input */
            buf_reset(&out);
            SYN_IGNORE(tpl_render_as(set, "f.html", &t, TPL_ESCAPE_TEXT, &out,
                                     &err));
        }
    } else if (tpl_set_has(set, "f.html")) {
        __builtin_trap();
    }
    buf_fini(&out);
    arena_fini(&a);
    tpl_set_free(set);
    return 0;
}
