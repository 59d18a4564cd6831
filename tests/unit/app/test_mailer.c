/* app/mailer: the mail templates of a running serve. A set offered by a
 * reload replaces the current one at the worker's next take, an offer
 * not yet taken is replaced by a newer one, and nothing leaks (ASan). */
#include "testutil.h"

#include "app/mailer.h"
#include "mail/theme.h"

static void
test_offer_and_take(void **state)
{
    struct app_mail_templates t;
    struct tpl_set *a = tpl_set_new(), *b = tpl_set_new(), *c = tpl_set_new();

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_int_equal(app_mail_templates_init(&t, a), SYN_OK);
    assert_ptr_equal(app_mail_templates_take(&t), a);
    assert_ptr_equal(app_mail_templates_take(&t), a); /* nothing offered */
    app_mail_templates_offer(&t, b);
    app_mail_templates_offer(&t, c); /* b was never taken: freed */
    assert_ptr_equal(app_mail_templates_take(&t), c);
    assert_ptr_equal(app_mail_templates_take(&t), c);
    app_mail_templates_fini(&t);
}

/* A pending offer at shutdown is freed with the current set. */
static void
test_fini_frees_pending(void **state)
{
    struct app_mail_templates t;

    (void)state;
    assert_int_equal(app_mail_templates_init(&t, tpl_set_new()), SYN_OK);
    app_mail_templates_offer(&t, tpl_set_new());
    app_mail_templates_fini(&t);
}

/* The reload path of serve: load, offer, take, under failed allocations. */
static enum syn_status
reload_once(void *state)
{
    struct app_mail_templates t;
    struct tpl_set *first = NULL, *fresh = NULL;
    enum syn_status st;

    (void)state;
    st = mail_theme_load(NULL, &first, NULL);
    if (st != SYN_OK)
        return st;
    st = app_mail_templates_init(&t, first);
    if (st != SYN_OK)
        return st;
    st = mail_theme_load(NULL, &fresh, NULL);
    if (st == SYN_OK) {
        app_mail_templates_offer(&t, fresh);
        if (app_mail_templates_take(&t) != fresh) {
            st = SYN_EINVAL;
        }
    }
    app_mail_templates_fini(&t);
    return st;
}

static void
test_reload_alloc_failures(void **state)
{
    (void)state;
    assert_int_equal(reload_once(NULL), SYN_OK);
    assert_true(test_alloc_failures(reload_once, NULL) > 1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_offer_and_take),
        cmocka_unit_test(test_fini_frees_pending),
        cmocka_unit_test(test_reload_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
