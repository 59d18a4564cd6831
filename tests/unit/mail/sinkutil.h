/* Test helper: run tests/integration/smtpsink.py on 127.0.0.1 for unit
 * tests of mail/ that need a real SMTP server. */
#ifndef SYNDIC_TESTS_MAIL_SINKUTIL_H
#define SYNDIC_TESTS_MAIL_SINKUTIL_H

#include <sys/types.h>

struct sink {
    pid_t pid;
    int port;
    char dir[512];  /* where .eml files and index.jsonl land */
    char url[64];   /* smtp://127.0.0.1:PORT */
};

/* Start the sink with extra arguments (NULL-terminated list, may be NULL).
 * Returns 0, or -1 when python3 or aiosmtpd is missing (skip the test). */
int sink_start(struct sink *s, const char *const *extra);
/* Stop it and remove its folder. */
void sink_stop(struct sink *s);
/* Number of accepted messages, distinct connections seen in the index. */
int sink_count(const struct sink *s, int *connections /* out, may be NULL */);
/* Messages whose index line contains text, e.g. "\"pipelined\": true". */
int sink_count_with(const struct sink *s, const char *text);
/* Contents of the Nth accepted message (1-based); syn_free it. */
char *sink_message(const struct sink *s, int n);
/* A 127.0.0.1 port where nothing listens (bound, then closed). */
int sink_closed_port(void);

#endif
