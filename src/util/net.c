/* Address classification for the SSRF guard (see net.h). Tables follow the
 * IANA IPv4 and IPv6 Special-Purpose Address Registries. */
#include "util/net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

struct net_range {
    uint8_t prefix[16]; /* network bytes; only the first bits count */
    unsigned bits;      /* prefix length */
    enum net_addr_class cls;
};

static const struct net_range net_v4_ranges[] = {
    {{0}, 8, NET_ADDR_RESERVED},             /* "this network" */
    {{10}, 8, NET_ADDR_PRIVATE},             /* RFC 1918 */
    {{100, 64}, 10, NET_ADDR_PRIVATE},       /* CGNAT, RFC 6598 */
    {{127}, 8, NET_ADDR_LOOPBACK},           /* RFC 1122 */
    {{169, 254}, 16, NET_ADDR_LINK_LOCAL},   /* RFC 3927 */
    {{172, 16}, 12, NET_ADDR_PRIVATE},       /* RFC 1918 */
    {{192, 0, 0}, 24, NET_ADDR_RESERVED},    /* IETF protocol, RFC 6890 */
    {{192, 0, 2}, 24, NET_ADDR_RESERVED},    /* TEST-NET-1 */
    {{192, 88, 99}, 24, NET_ADDR_RESERVED},  /* 6to4 relay, RFC 7526 */
    {{192, 168}, 16, NET_ADDR_PRIVATE},      /* RFC 1918 */
    {{198, 18}, 15, NET_ADDR_RESERVED},      /* benchmarking, RFC 2544 */
    {{198, 51, 100}, 24, NET_ADDR_RESERVED}, /* TEST-NET-2 */
    {{203, 0, 113}, 24, NET_ADDR_RESERVED},  /* TEST-NET-3 */
    {{224}, 4, NET_ADDR_MULTICAST},          /* RFC 5771 */
    {{240}, 4, NET_ADDR_RESERVED},           /* future use, broadcast */
};

/* IPv6 ranges checked after the embedded-IPv4 forms. */
static const struct net_range net_v6_ranges[] = {
    {{0x01}, 64, NET_ADDR_RESERVED},                   /* 100::/64 discard */
    {{0x20, 0x01, 0x0d, 0xb8}, 32, NET_ADDR_RESERVED}, /* documentation */
    {{0x20, 0x01}, 23, NET_ADDR_RESERVED},             /* IETF, Teredo */
    {{0x3f, 0xff}, 20, NET_ADDR_RESERVED},             /* documentation */
    {{0xfc}, 7, NET_ADDR_PRIVATE},                     /* unique local */
    {{0xfe, 0x80}, 10, NET_ADDR_LINK_LOCAL},           /* RFC 4291 */
    {{0xfe, 0xc0}, 10, NET_ADDR_RESERVED},             /* old site-local */
    {{0xff}, 8, NET_ADDR_MULTICAST},                   /* RFC 4291 */
    {{0x00, 0x64, 0xff, 0x9b, 0x00, 0x01}, 48, NET_ADDR_RESERVED}, /* NAT64 */
};

static bool
net_prefix_match(const uint8_t *a, const uint8_t *prefix, unsigned bits)
{
    unsigned full = bits / 8, rest = bits % 8;

    if (memcmp(a, prefix, full) != 0)
        return false;
    if (rest == 0)
        return true;
    return ((a[full] ^ prefix[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

enum net_addr_class
net_ipv4_class(const uint8_t a[4])
{
    size_t i;

    for (i = 0; i < SYN_ARRAY_LEN(net_v4_ranges); i++) {
        if (net_prefix_match(a, net_v4_ranges[i].prefix, net_v4_ranges[i].bits))
            return net_v4_ranges[i].cls;
    }
    return NET_ADDR_PUBLIC;
}

enum net_addr_class
net_ipv6_class(const uint8_t a[16])
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0,    0,
                                       0, 0, 0, 0, 0xff, 0xff};
    static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
    static const uint8_t one[16] = {[15] = 1};
    size_t i;

    if (memcmp(a, one, 16) == 0)
        return NET_ADDR_LOOPBACK;
    /* An attacker's DNS may answer ::ffff:10.0.0.1; judge the IPv4 inside. */
    if (memcmp(a, mapped, 12) == 0 || memcmp(a, nat64, 12) == 0)
        return net_ipv4_class(a + 12);
    if (a[0] == 0x20 && a[1] == 0x02) /* 6to4 2002:V4ADDR::/48 */
        return net_ipv4_class(a + 2);
    /* ::, ::/96 (IPv4-compatible, deprecated) and the rest of ::/8. */
    if (a[0] == 0)
        return NET_ADDR_RESERVED;
    for (i = 0; i < SYN_ARRAY_LEN(net_v6_ranges); i++) {
        if (net_prefix_match(a, net_v6_ranges[i].prefix, net_v6_ranges[i].bits))
            return net_v6_ranges[i].cls;
    }
    /* Only 2000::/3 is allocated as global unicast. */
    if ((a[0] & 0xe0) != 0x20)
        return NET_ADDR_RESERVED;
    return NET_ADDR_PUBLIC;
}

enum net_addr_class
net_sockaddr_class(const struct sockaddr *sa, socklen_t len)
{
    if (sa == NULL)
        return NET_ADDR_RESERVED;
    if (sa->sa_family == AF_INET &&
        len >= (socklen_t)sizeof(struct sockaddr_in)) {
        struct sockaddr_in sin;

        memcpy(&sin, sa, sizeof(sin));
        return net_ipv4_class((const uint8_t *)&sin.sin_addr);
    }
    if (sa->sa_family == AF_INET6 &&
        len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        struct sockaddr_in6 sin6;

        memcpy(&sin6, sa, sizeof(sin6));
        return net_ipv6_class(sin6.sin6_addr.s6_addr);
    }
    return NET_ADDR_RESERVED;
}

enum syn_status
net_ip_class(const char *ip, enum net_addr_class *out)
{
    uint8_t a[16];

    if (inet_pton(AF_INET, ip, a) == 1) {
        *out = net_ipv4_class(a);
        return SYN_OK;
    }
    if (inet_pton(AF_INET6, ip, a) == 1) {
        *out = net_ipv6_class(a);
        return SYN_OK;
    }
    return SYN_EINVAL;
}

const char *
net_addr_class_name(enum net_addr_class c)
{
    switch (c) {
    case NET_ADDR_PUBLIC:
        return "public";
    case NET_ADDR_LOOPBACK:
        return "loopback";
    case NET_ADDR_PRIVATE:
        return "private";
    case NET_ADDR_LINK_LOCAL:
        return "link-local";
    case NET_ADDR_MULTICAST:
        return "multicast";
    case NET_ADDR_RESERVED:
        return "reserved";
    }
    return "reserved";
}
