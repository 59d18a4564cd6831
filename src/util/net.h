/* Network address classification for the fetcher's SSRF guard.
 *
 * A fetch may only connect to a globally routable unicast address unless
 * the configuration allows private ones ([fetch] allow_private). This
 * module says which class an IPv4 or IPv6 address belongs to, following
 * the IANA special-purpose registries (RFC 6890 and its updates):
 *   loopback    127/8, ::1
 *   private     10/8, 172.16/12, 192.168/16, 100.64/10 (CGNAT, RFC 6598),
 *               fc00::/7 (unique local)
 *   link-local  169.254/16, fe80::/10
 *   multicast   224/4, ff00::/8
 *   reserved    everything else that is not global unicast: 0/8, 192.0.0/24,
 *               192.0.2/24, 198.18/15, 198.51.100/24, 203.0.113/24,
 *               192.88.99/24, 240/4 (with 255.255.255.255), ::, ::/96,
 *               100::/64, 2001::/23, 2001:db8::/32, 3fff::/20, fec0::/10,
 *               64:ff9b:1::/48 and any IPv6 outside 2000::/3.
 * IPv6 forms that embed an IPv4 address (::ffff:a.b.c.d mapped,
 * 64:ff9b::/96 NAT64, 2002::/16 6to4) take the class of the embedded
 * address, so ::ffff:127.0.0.1 is loopback.
 * Pure functions; no DNS, no I/O. Thread rules: safe from any thread. */
#ifndef SYNDIC_UTIL_NET_H
#define SYNDIC_UTIL_NET_H

#include <stdbool.h>
#include <stdint.h>

#include <sys/socket.h>

#include "util/compiler.h"
#include "util/err.h"

enum net_addr_class {
    NET_ADDR_PUBLIC = 0, /* global unicast: fetching allowed */
    NET_ADDR_LOOPBACK,
    NET_ADDR_PRIVATE,
    NET_ADDR_LINK_LOCAL,
    NET_ADDR_MULTICAST,
    NET_ADDR_RESERVED, /* unspecified, documentation, benchmarking, ... */
};

/* Class of an IPv4 address given as 4 bytes in network order. */
enum net_addr_class net_ipv4_class(const uint8_t a[4]);
/* Class of an IPv6 address given as 16 bytes in network order. */
enum net_addr_class net_ipv6_class(const uint8_t a[16]);

/* Class of a socket address (AF_INET or AF_INET6); any other family, or a
 * len too short for its family, is NET_ADDR_RESERVED (refused). */
enum net_addr_class net_sockaddr_class(const struct sockaddr *sa,
                                       socklen_t len);

/* Class of a numeric address in text ("10.0.0.1", "::1"; no brackets,
 * no zone). SYN_EINVAL when ip is not a numeric address. */
enum syn_status net_ip_class(const char *ip,
                             enum net_addr_class *out /* out */) SYN_NODISCARD;

/* Static lower-case name of a class ("loopback"); never NULL. */
const char *net_addr_class_name(enum net_addr_class c);

#endif
