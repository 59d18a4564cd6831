/* See finish.h: the identity until src/html/ is wired in. */
#include "feed/finish.h"

enum syn_status
feed_item_finish(struct feed *f, struct feed_item *it, struct syn_err *err)
{
    (void)f;
    (void)it;
    (void)err;
    /* TODO(lead): it->summary_html/content_html = html_sanitize(...),
     * it->excerpt_html/excerpt_text = html_excerpt(...), base it->base_url */
    return SYN_OK;
}
