/* html_lead_image(): feed media first, else a WALK_IMAGE walk (walk.h),
 * which applies the sanitizer's image rules (lazy loading, pixels). */
#include "html/image.h"

#include <string.h>

#include "html/walk.h"
#include "util/mem.h"
#include "util/url.h"

/* An image URL of the feed's media, resolved, if it is usable. */
static enum syn_status
media_image(const char *media_url, const char *base_url, char **out,
            struct syn_err *err)
{
    struct html_doc *doc = NULL;
    struct buf html;
    enum syn_status st;
    struct walk_opts o = {WALK_IMAGE, base_url, NULL, NULL, 0, NULL, out};

    /* Judge it as the walk judges an <img>: same URL and pixel rules. */
    buf_init(&html, 6 * strlen(media_url) + 32);
    st = buf_append_str(&html, "<img width=\"640\" src=\"");
    if (st == SYN_OK) {
        size_t i;

        for (i = 0; media_url[i] != '\0' && st == SYN_OK; i++) {
            if (media_url[i] == '"') {
                st = buf_append_str(&html, "&quot;");
            } else if (media_url[i] == '&') {
                st = buf_append_str(&html, "&amp;");
            } else {
                st = buf_append_char(&html, media_url[i]);
            }
        }
    }
    if (st == SYN_OK) {
        st = buf_append_str(&html, "\">");
    }
    if (st == SYN_OK) {
        st = html_doc_parse(html.data, html.len, &doc, err);
    }
    if (st == SYN_OK) {
        st = html_doc_walk(doc, &o, err);
    }
    html_doc_free(doc);
    buf_fini(&html);
    if (st == SYN_OK && *out != NULL && !url_is_http(*out)) {
        syn_free(*out);
        *out = NULL;
    }
    return st;
}

enum syn_status
html_lead_image(const char *html, size_t len, const char *media_url,
                const char *base_url, char **out, struct syn_err *err)
{
    struct walk_opts o = {WALK_IMAGE, base_url, NULL, NULL, 0, NULL, out};
    struct html_doc *doc = NULL;
    enum syn_status st;

    *out = NULL;
    if (media_url != NULL && media_url[0] != '\0') {
        st = media_image(media_url, base_url, out, err);
        if (st != SYN_OK || *out != NULL)
            return st;
    }
    if (html == NULL || len == 0)
        return SYN_OK;
    st = html_doc_parse(html, len, &doc, err);
    if (st == SYN_OK) {
        st = html_doc_walk(doc, &o, err);
    }
    html_doc_free(doc);
    if (st == SYN_OK && *out != NULL && !url_is_http(*out)) {
        syn_free(*out);
        *out = NULL;
    }
    return st;
}
