/* HTML pages from the store. */
#include "web/handlers.h"
#include "web/req.h"

#define NOT_YET(name)                                                          \
    enum syn_status name(struct web_req *req, struct syn_err *err)             \
    {                                                                          \
        (void)req;                                                             \
        return syn_err_set(err, SYN_ENOTFOUND, "not yet");                     \
    }

NOT_YET(web_h_home)
NOT_YET(web_h_article)
NOT_YET(web_h_source)
NOT_YET(web_h_topic)
NOT_YET(web_h_search)
NOT_YET(web_h_partners)
NOT_YET(web_h_share)
NOT_YET(web_h_feed)
NOT_YET(web_h_opml)
NOT_YET(web_h_sitemap)

enum syn_status
web_metrics_shares(struct web_req *req, struct buf *out, struct syn_err *err)
{
    (void)req;
    (void)out;
    (void)err;
    return SYN_OK;
}
