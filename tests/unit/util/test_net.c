/* util/net: every special-purpose range is refused, public ones pass. */
#include "testutil.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "util/net.h"

static void
test_ip_classes(void **state)
{
    static const struct {
        const char *ip;
        enum net_addr_class want;
    } cases[] = {
        {"8.8.8.8", NET_ADDR_PUBLIC},
        {"93.184.216.34", NET_ADDR_PUBLIC},
        {"1.1.1.1", NET_ADDR_PUBLIC},
        {"0.0.0.0", NET_ADDR_RESERVED},
        {"0.1.2.3", NET_ADDR_RESERVED},
        {"10.0.0.1", NET_ADDR_PRIVATE},
        {"100.64.0.1", NET_ADDR_PRIVATE},
        {"100.127.255.255", NET_ADDR_PRIVATE},
        {"100.128.0.1", NET_ADDR_PUBLIC},
        {"127.0.0.1", NET_ADDR_LOOPBACK},
        {"127.255.255.254", NET_ADDR_LOOPBACK},
        {"169.254.169.254", NET_ADDR_LINK_LOCAL},
        {"172.15.255.255", NET_ADDR_PUBLIC},
        {"172.16.0.1", NET_ADDR_PRIVATE},
        {"172.31.255.255", NET_ADDR_PRIVATE},
        {"172.32.0.1", NET_ADDR_PUBLIC},
        {"192.0.0.8", NET_ADDR_RESERVED},
        {"192.0.2.1", NET_ADDR_RESERVED},
        {"192.88.99.1", NET_ADDR_RESERVED},
        {"192.168.1.1", NET_ADDR_PRIVATE},
        {"198.18.0.1", NET_ADDR_RESERVED},
        {"198.19.255.255", NET_ADDR_RESERVED},
        {"198.20.0.1", NET_ADDR_PUBLIC},
        {"198.51.100.7", NET_ADDR_RESERVED},
        {"203.0.113.9", NET_ADDR_RESERVED},
        {"224.0.0.1", NET_ADDR_MULTICAST},
        {"239.255.255.250", NET_ADDR_MULTICAST},
        {"240.0.0.1", NET_ADDR_RESERVED},
        {"255.255.255.255", NET_ADDR_RESERVED},
        {"::", NET_ADDR_RESERVED},
        {"::1", NET_ADDR_LOOPBACK},
        {"::2", NET_ADDR_RESERVED},
        {"::127.0.0.1", NET_ADDR_RESERVED},
        {"::ffff:127.0.0.1", NET_ADDR_LOOPBACK},
        {"::ffff:10.1.2.3", NET_ADDR_PRIVATE},
        {"::ffff:169.254.169.254", NET_ADDR_LINK_LOCAL},
        {"::ffff:8.8.8.8", NET_ADDR_PUBLIC},
        {"64:ff9b::7f00:1", NET_ADDR_LOOPBACK},
        {"64:ff9b::808:808", NET_ADDR_PUBLIC},
        {"64:ff9b:1::1", NET_ADDR_RESERVED},
        {"100::1", NET_ADDR_RESERVED},
        {"2001::1", NET_ADDR_RESERVED},
        {"2001:db8::1", NET_ADDR_RESERVED},
        {"2002:7f00:1::1", NET_ADDR_LOOPBACK},
        {"2002:808:808::1", NET_ADDR_PUBLIC},
        {"2606:4700::1111", NET_ADDR_PUBLIC},
        {"2a00:1450:4001::200e", NET_ADDR_PUBLIC},
        {"3fff::1", NET_ADDR_RESERVED},
        {"4000::1", NET_ADDR_RESERVED},
        {"fc00::1", NET_ADDR_PRIVATE},
        {"fd12:3456::1", NET_ADDR_PRIVATE},
        {"fe80::1", NET_ADDR_LINK_LOCAL},
        {"febf::1", NET_ADDR_LINK_LOCAL},
        {"fec0::1", NET_ADDR_RESERVED},
        {"ff02::1", NET_ADDR_MULTICAST},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        enum net_addr_class c = NET_ADDR_PUBLIC;

        assert_int_equal(net_ip_class(cases[i].ip, &c), SYN_OK);
        if (c != cases[i].want) {
            fail_msg("%s: got %s, want %s", cases[i].ip, net_addr_class_name(c),
                     net_addr_class_name(cases[i].want));
        }
    }
}

static void
test_not_an_ip(void **state)
{
    static const char *const bad[] = {"",      "localhost",    "1.2.3",
                                      "[::1]", "fe80::1%eth0", "1.2.3.4.5"};
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(bad); i++) {
        enum net_addr_class c;

        assert_int_equal(net_ip_class(bad[i], &c), SYN_EINVAL);
    }
}

static void
test_sockaddr(void **state)
{
    struct sockaddr_in sin;
    struct sockaddr_in6 sin6;
    struct sockaddr sa;

    (void)state;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    assert_int_equal(inet_pton(AF_INET, "192.168.0.1", &sin.sin_addr), 1);
    assert_int_equal(net_sockaddr_class((struct sockaddr *)&sin, sizeof(sin)),
                     NET_ADDR_PRIVATE);
    /* Too short for its family: refused. */
    assert_int_equal(net_sockaddr_class((struct sockaddr *)&sin, 4),
                     NET_ADDR_RESERVED);
    memset(&sin6, 0, sizeof(sin6));
    sin6.sin6_family = AF_INET6;
    assert_int_equal(inet_pton(AF_INET6, "2606:4700::1", &sin6.sin6_addr), 1);
    assert_int_equal(net_sockaddr_class((struct sockaddr *)&sin6, sizeof(sin6)),
                     NET_ADDR_PUBLIC);
    memset(&sa, 0, sizeof(sa));
    sa.sa_family = AF_UNIX;
    assert_int_equal(net_sockaddr_class(&sa, sizeof(sa)), NET_ADDR_RESERVED);
    assert_int_equal(net_sockaddr_class(NULL, 0), NET_ADDR_RESERVED);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ip_classes),
        cmocka_unit_test(test_not_an_ip),
        cmocka_unit_test(test_sockaddr),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
