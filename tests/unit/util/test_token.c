/* util/token: round trips, tampering, wrong key or purpose, expiry. */
#include "testutil.h"

#include <string.h>

#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/token.h"

static const unsigned char key_a[TOKEN_KEY_BYTES] = "0123456789abcdef0123456789abcde";
static const unsigned char key_b[TOKEN_KEY_BYTES] = "fedcba9876543210fedcba987654321";

#define NOW 1800000000LL

static char *
sign(const unsigned char *key, enum token_purpose p, const char *subject,
     int64_t exp)
{
    struct buf b;

    buf_init(&b, SYN_MAX_TOKEN_BYTES);
    assert_int_equal(token_sign(key, TOKEN_KEY_BYTES, p, subject, exp, &b,
                                NULL),
                     SYN_OK);
    return buf_take(&b);
}

static void
test_round_trip(void **state)
{
    static const struct {
        enum token_purpose purpose;
        const char *subject;
    } cases[] = {
        {TOKEN_CONFIRM, "42"},
        {TOKEN_PREFERENCES, "alice@example.org"},
        {TOKEN_UNSUBSCRIBE, "b\xc3\xa9" "atrice+news@example.org"},
        {TOKEN_UNSUBSCRIBE, "x"},
    };
    size_t i;

    (void)state;
    for (i = 0; i < SYN_ARRAY_LEN(cases); i++) {
        struct buf subj;
        int64_t exp = 0;
        char *t = sign(key_a, cases[i].purpose, cases[i].subject, NOW + 60);
        const char *c;

        for (c = t; *c; c++) {
            assert_true(ascii_isalnum(*c) || *c == '-' || *c == '_');
        }
        buf_init(&subj, 1024);
        assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES,
                                      cases[i].purpose, t, NOW, &subj, &exp,
                                      NULL),
                         SYN_OK);
        assert_string_equal(buf_cstr(&subj), cases[i].subject);
        assert_int_equal(exp, NOW + 60);
        buf_fini(&subj);
        syn_free(t);
    }
}

static void
test_rejections(void **state)
{
    char *t = sign(key_a, TOKEN_UNSUBSCRIBE, "17", NOW + 60);
    char *tampered, *other_subject;
    struct buf subj;
    struct syn_err err;
    size_t i, n = strlen(t);

    (void)state;
    buf_init(&subj, 1024);
    /* Every single-character change is refused. */
    tampered = syn_strdup(t);
    assert_non_null(tampered);
    for (i = 0; i < n; i++) {
        char saved = tampered[i];

        tampered[i] = saved == 'A' ? 'B' : 'A';
        assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES,
                                      TOKEN_UNSUBSCRIBE, tampered, NOW, &subj,
                                      NULL, &err),
                         SYN_EAUTH);
        tampered[i] = saved;
    }
    assert_int_equal(subj.len, 0);
    /* Truncated, extended, empty, junk. */
    tampered[n - 1] = '\0';
    assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_UNSUBSCRIBE,
                                  tampered, NOW, &subj, NULL, NULL),
                     SYN_EAUTH);
    assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_UNSUBSCRIBE,
                                  "", NOW, &subj, NULL, NULL),
                     SYN_EAUTH);
    assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_UNSUBSCRIBE,
                                  "not a token!", NOW, &subj, NULL, NULL),
                     SYN_EAUTH);
    assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_UNSUBSCRIBE,
                                  NULL, NOW, &subj, NULL, NULL),
                     SYN_EAUTH);
    /* Another key, another purpose. */
    assert_int_equal(token_verify(key_b, TOKEN_KEY_BYTES, TOKEN_UNSUBSCRIBE,
                                  t, NOW, &subj, NULL, NULL),
                     SYN_EAUTH);
    assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_CONFIRM, t,
                                  NOW, &subj, NULL, NULL),
                     SYN_EAUTH);
    /* Expired: at and after the expiry, and only once genuine. */
    assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_UNSUBSCRIBE,
                                  t, NOW + 60, &subj, NULL, &err),
                     SYN_ETIMEOUT);
    assert_int_equal(err.code, SYN_ETIMEOUT);
    assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_UNSUBSCRIBE,
                                  t, NOW + 86400, &subj, NULL, NULL),
                     SYN_ETIMEOUT);
    /* A token for another subject does not verify as this one's bytes. */
    other_subject = sign(key_a, TOKEN_UNSUBSCRIBE, "18", NOW + 60);
    assert_string_not_equal(other_subject, t);
    assert_int_equal(subj.len, 0);
    /* Short keys and bad arguments. */
    assert_int_equal(token_verify(key_a, 16, TOKEN_UNSUBSCRIBE, t, NOW, &subj,
                                  NULL, NULL),
                     SYN_EINVAL);
    assert_int_equal(token_sign(key_a, 16, TOKEN_CONFIRM, "1", NOW, &subj,
                                NULL),
                     SYN_EINVAL);
    assert_int_equal(token_sign(key_a, TOKEN_KEY_BYTES, (enum token_purpose)9,
                                "1", NOW, &subj, NULL),
                     SYN_EINVAL);
    assert_int_equal(token_sign(key_a, TOKEN_KEY_BYTES, TOKEN_CONFIRM, "",
                                NOW, &subj, NULL),
                     SYN_EINVAL);
    buf_fini(&subj);
    syn_free(other_subject);
    syn_free(tampered);
    syn_free(t);
}

static void
test_subject_limit(void **state)
{
    char subject[SYN_MAX_TOKEN_SUBJECT + 2];
    struct buf b, subj;

    (void)state;
    memset(subject, 'a', sizeof(subject));
    subject[SYN_MAX_TOKEN_SUBJECT] = '\0';
    buf_init(&b, SYN_MAX_TOKEN_BYTES);
    buf_init(&subj, 1024);
    assert_int_equal(token_sign(key_a, TOKEN_KEY_BYTES, TOKEN_CONFIRM,
                                subject, NOW + 1, &b, NULL),
                     SYN_OK);
    assert_true(b.len < SYN_MAX_TOKEN_BYTES);
    assert_int_equal(token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_CONFIRM,
                                  buf_cstr(&b), NOW, &subj, NULL, NULL),
                     SYN_OK);
    assert_int_equal(subj.len, SYN_MAX_TOKEN_SUBJECT);
    subject[SYN_MAX_TOKEN_SUBJECT] = 'a';
    subject[SYN_MAX_TOKEN_SUBJECT + 1] = '\0';
    buf_reset(&b);
    assert_int_equal(token_sign(key_a, TOKEN_KEY_BYTES, TOKEN_CONFIRM,
                                subject, NOW + 1, &b, NULL),
                     SYN_EINVAL);
    buf_fini(&subj);
    buf_fini(&b);
}

static void
test_key_hex(void **state)
{
    unsigned char k1[TOKEN_KEY_BYTES], k2[TOKEN_KEY_BYTES];
    char hex[TOKEN_KEY_HEX_LEN + 1];

    (void)state;
    assert_int_equal(token_key_generate(k1), SYN_OK);
    assert_int_equal(token_key_generate(k2), SYN_OK);
    assert_memory_not_equal(k1, k2, TOKEN_KEY_BYTES);
    token_key_to_hex(k1, hex);
    assert_int_equal(strlen(hex), TOKEN_KEY_HEX_LEN);
    assert_int_equal(token_key_from_hex(hex, k2), SYN_OK);
    assert_memory_equal(k1, k2, TOKEN_KEY_BYTES);
    hex[5] = 'z';
    assert_int_equal(token_key_from_hex(hex, k2), SYN_EINVAL);
    hex[TOKEN_KEY_HEX_LEN - 2] = '\0';
    assert_int_equal(token_key_from_hex(hex, k2), SYN_EINVAL);
    assert_int_equal(token_key_from_hex(NULL, k2), SYN_EINVAL);
}

static enum syn_status
sign_and_verify(void *state)
{
    struct buf t, subj;
    enum syn_status st;

    (void)state;
    buf_init(&t, SYN_MAX_TOKEN_BYTES);
    buf_init(&subj, 1024);
    st = token_sign(key_a, TOKEN_KEY_BYTES, TOKEN_PREFERENCES,
                    "someone@example.org", NOW + 5, &t, NULL);
    if (st == SYN_OK) {
        st = token_verify(key_a, TOKEN_KEY_BYTES, TOKEN_PREFERENCES,
                          buf_cstr(&t), NOW, &subj, NULL, NULL);
    }
    if (st == SYN_OK) {
        assert_string_equal(buf_cstr(&subj), "someone@example.org");
    }
    buf_fini(&subj);
    buf_fini(&t);
    return st;
}

static void
test_alloc_failure(void **state)
{
    (void)state;
    assert_true(test_alloc_failures(sign_and_verify, NULL) >= 2);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_rejections),
        cmocka_unit_test(test_subject_limit),
        cmocka_unit_test(test_key_hex),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
