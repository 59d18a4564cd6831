/* The floor of `syndic parse`: libxml2 alone (built by bench_parse.sh).
 *
 *   bench_xmlfloor FILE...
 *
 * Reads each file whole and runs libxml2's SAX2 push parser over it as
 * feed/read_xml.c does (same options, the whole document in one chunk),
 * with callbacks that only count. No feed model, no HTML, no output: what
 * is left is the XML parse that `syndic parse` cannot do without, so its
 * time is a lower bound for both `syndic parse --raw` and the full parse.
 * Prints "files bytes elements text_bytes" on one line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

struct counts {
    unsigned long elements, text_bytes;
};

static void
on_start(void *ud, const xmlChar *local, const xmlChar *prefix,
         const xmlChar *uri, int n_ns, const xmlChar **ns, int n_attrs,
         int n_defaulted, const xmlChar **attrs)
{
    struct counts *c = ud;

    (void)local, (void)prefix, (void)uri, (void)n_ns, (void)ns;
    (void)n_attrs, (void)n_defaulted, (void)attrs;
    c->elements++;
}

static void
on_end(void *ud, const xmlChar *local, const xmlChar *prefix,
       const xmlChar *uri)
{
    (void)ud, (void)local, (void)prefix, (void)uri;
}

static void
on_text(void *ud, const xmlChar *s, int len)
{
    struct counts *c = ud;

    (void)s;
    c->text_bytes += (unsigned long)len;
}

static void
on_error(void *ud, xmlErrorPtr e)
{
    (void)ud, (void)e;
}

/* The whole of path in *buf (grown as needed); its length, or -1. */
static long
read_file(const char *path, char **buf, size_t *cap)
{
    FILE *f = fopen(path, "rb");
    size_t len = 0, n;

    if (f == NULL)
        return -1;
    for (;;) {
        if (*cap - len < 65536) {
            char *p = realloc(*buf, *cap * 2 + 65536);

            if (p == NULL) {
                fclose(f);
                return -1;
            }
            *buf = p;
            *cap = *cap * 2 + 65536;
        }
        n = fread(*buf + len, 1, *cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    return (long)len;
}

int
main(int argc, char **argv)
{
    struct counts c = {0, 0};
    unsigned long bytes = 0;
    char *buf = NULL;
    size_t cap = 0;
    int i;

    xmlInitParser();
    for (i = 1; i < argc; i++) {
        xmlSAXHandler sax;
        xmlParserCtxtPtr ctxt;
        long len = read_file(argv[i], &buf, &cap);

        if (len < 0) {
            fprintf(stderr, "bench_xmlfloor: cannot read %s\n", argv[i]);
            return 1;
        }
        memset(&sax, 0, sizeof(sax));
        sax.initialized = XML_SAX2_MAGIC;
        sax.startElementNs = on_start;
        sax.endElementNs = on_end;
        sax.characters = on_text;
        sax.cdataBlock = on_text;
        sax.serror = on_error;
        ctxt = xmlCreatePushParserCtxt(&sax, &c, NULL, 0, NULL);
        if (ctxt == NULL) {
            fprintf(stderr, "bench_xmlfloor: out of memory\n");
            return 1;
        }
        xmlCtxtUseOptions(ctxt, XML_PARSE_RECOVER | XML_PARSE_NONET |
                                    XML_PARSE_NOWARNING | XML_PARSE_IGNORE_ENC);
        (void)xmlParseChunk(ctxt, buf, (int)len, 0);
        (void)xmlParseChunk(ctxt, NULL, 0, 1);
        if (ctxt->myDoc != NULL) {
            xmlFreeDoc(ctxt->myDoc);
        }
        xmlFreeParserCtxt(ctxt);
        bytes += (unsigned long)len;
    }
    free(buf);
    printf("%d %lu %lu %lu\n", argc - 1, bytes, c.elements, c.text_bytes);
    return 0;
}
