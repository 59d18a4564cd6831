/* Internal to src/feed/: the names the XML reader knows. Elements are
 * identified by (namespace, lower-cased local name); namespaces by URI,
 * compared without regard to case (feeds get it wrong). */
#ifndef SYNDIC_FEED_XML_NAMES_H
#define SYNDIC_FEED_XML_NAMES_H

enum xml_ns {
    NS_RSS = 0, /* no namespace, RSS 0.90/1.0 and userland RSS 2.0 */
    NS_RDF,
    NS_ATOM10,
    NS_ATOM03,
    NS_DC,
    NS_DCTERMS,
    NS_CONTENT,
    NS_MEDIA,
    NS_ITUNES,
    NS_SY,
    NS_XHTML,
    NS_OTHER,
};

enum xml_tok {
    T_UNKNOWN = 0,
    T_ABSTRACT,
    T_AUTHOR,
    T_BODY,
    T_CATEGORY,
    T_CHANNEL,
    T_CONTENT,
    T_CREATED,
    T_CREATOR,
    T_DATE,
    T_DESCRIPTION,
    T_EMAIL,
    T_ENCLOSURE,
    T_ENCODED,
    T_ENTRY,
    T_FEED,
    T_FULLITEM,
    T_GROUP,
    T_GUID,
    T_ICON,
    T_ID,
    T_IMAGE,
    T_ISSUED,
    T_ITEM,
    T_LANGUAGE,
    T_LASTBUILDDATE,
    T_LINK,
    T_LOGO,
    T_MODIFIED,
    T_NAME,
    T_PUBDATE,
    T_PUBLISHED,
    T_RDF,
    T_RSS,
    T_SOURCE,
    T_SUBJECT,
    T_SUBTITLE,
    T_SUMMARY,
    T_TAGLINE,
    T_THUMBNAIL,
    T_TITLE,
    T_TTL,
    T_UPDATED,
    T_UPDATEFREQUENCY,
    T_UPDATEPERIOD,
    T_URL,
};

/* Token of a local name, ASCII case-insensitive; T_UNKNOWN otherwise. */
enum xml_tok xml_tok_lookup(const char *name);

/* Namespace of a URI ("" is no namespace: NS_RSS); NS_OTHER when unknown. */
enum xml_ns xml_ns_by_uri(const char *uri);

#endif
