/* Element and namespace names of the XML reader (see xml_names.h).
 * Specs: RSS 2.0, RSS 1.0 and modules (dc, dcterms, content,
 * syndication), RFC 4287, Atom 0.3, Media RSS, iTunes podcast tags,
 * Microsoft's CDF (<abstract>) and <fullitem> of early RSS readers. */
#include "feed/xml_names.h"

#include <string.h>

#include "util/ascii.h"
#include "util/compiler.h"
#include "util/str.h"

/* Sorted by name for bsearch. */
static const struct {
    const char *name;
    enum xml_tok tok;
} tokens[] = {
    {"abstract", T_ABSTRACT},
    {"author", T_AUTHOR},
    {"body", T_BODY},
    {"category", T_CATEGORY},
    {"channel", T_CHANNEL},
    {"content", T_CONTENT},
    {"created", T_CREATED},
    {"creator", T_CREATOR},
    {"date", T_DATE},
    {"description", T_DESCRIPTION},
    {"email", T_EMAIL},
    {"enclosure", T_ENCLOSURE},
    {"encoded", T_ENCODED},
    {"entry", T_ENTRY},
    {"feed", T_FEED},
    {"fullitem", T_FULLITEM},
    {"group", T_GROUP},
    {"guid", T_GUID},
    {"icon", T_ICON},
    {"id", T_ID},
    {"image", T_IMAGE},
    {"issued", T_ISSUED},
    {"item", T_ITEM},
    {"language", T_LANGUAGE},
    {"lastbuilddate", T_LASTBUILDDATE},
    {"link", T_LINK},
    {"logo", T_LOGO},
    {"modified", T_MODIFIED},
    {"name", T_NAME},
    {"pubdate", T_PUBDATE},
    {"published", T_PUBLISHED},
    {"rdf", T_RDF},
    {"rss", T_RSS},
    {"source", T_SOURCE},
    {"subject", T_SUBJECT},
    {"subtitle", T_SUBTITLE},
    {"summary", T_SUMMARY},
    {"tagline", T_TAGLINE},
    {"thumbnail", T_THUMBNAIL},
    {"title", T_TITLE},
    {"ttl", T_TTL},
    {"updated", T_UPDATED},
    {"updatefrequency", T_UPDATEFREQUENCY},
    {"updateperiod", T_UPDATEPERIOD},
    {"url", T_URL},
};

enum xml_tok
xml_tok_lookup(const char *name)
{
    char low[24];
    size_t n = 0, lo = 0, hi = SYN_ARRAY_LEN(tokens);

    for (; name[n] != '\0'; n++) {
        if (n + 1 >= sizeof(low))
            return T_UNKNOWN;
        low[n] = (char)ascii_tolower((unsigned char)name[n]);
    }
    low[n] = '\0';
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(low, tokens[mid].name);

        if (c == 0)
            return tokens[mid].tok;
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return T_UNKNOWN;
}

enum xml_ns
xml_ns_by_uri(const char *uri)
{
    static const struct {
        const char *uri;
        enum xml_ns ns;
    } known[] = {
        {"http://purl.org/rss/1.0/", NS_RSS},
        {"http://my.netscape.com/rdf/simple/0.9/", NS_RSS},
        {"http://backend.userland.com/rss2", NS_RSS},
        {"http://backend.userland.com/rss", NS_RSS},
        {"http://blogs.law.harvard.edu/tech/rss", NS_RSS},
        {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", NS_RDF},
        {"http://www.w3.org/2005/Atom", NS_ATOM10},
        {"http://purl.org/atom/ns#", NS_ATOM03},
        {"http://purl.org/dc/elements/1.1/", NS_DC},
        {"http://purl.org/dc/elements/1.0/", NS_DC},
        {"http://purl.org/dc/terms/", NS_DCTERMS},
        {"http://purl.org/rss/1.0/modules/content/", NS_CONTENT},
        {"http://search.yahoo.com/mrss/", NS_MEDIA},
        {"http://search.yahoo.com/mrss", NS_MEDIA},
        {"http://www.itunes.com/dtds/podcast-1.0.dtd", NS_ITUNES},
        {"http://www.itunes.com/dtds/podcast-1.0.dtd/", NS_ITUNES},
        {"http://purl.org/rss/1.0/modules/syndication/", NS_SY},
        {"http://www.w3.org/1999/xhtml", NS_XHTML},
    };
    size_t i;

    if (uri[0] == '\0')
        return NS_RSS;
    for (i = 0; i < SYN_ARRAY_LEN(known); i++) {
        if (str_casecmp(uri, known[i].uri) == 0)
            return known[i].ns;
    }
    return NS_OTHER;
}
