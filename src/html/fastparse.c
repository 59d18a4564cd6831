/* The fast parser of fastparse.h: one pass over the bytes, a stack of open
 * elements, and the tree built in an arena as gumbo would build it.
 *
 * Tokenizing follows the HTML5 tokenizer's data, tag, attribute, comment
 * and raw-text states for well-formed input only; tree construction
 * follows the "in body", "in table", "in table body", "in row", "in cell",
 * "in caption" and "in column group" insertion modes for the element
 * classes of tag_class[] (the rules of gumbo 0.10.1's handlers for those
 * tags). Every case whose outcome depends on a rule not implemented here
 * returns "not simple". The insertion mode is read from the current
 * element (a table, section, row or column group means its table mode),
 * which is exact for the elements accepted. */
#define _GNU_SOURCE /* memmem */
#include "html/fastparse.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "util/ascii.h"
#include "util/buf.h"
#include "util/limits.h"
#include "util/mem.h"
#include "util/str.h"
#include "util/utf8.h"

/* Bytes reserved for the pending text at the start: most feed bodies'
 * longest text node fits, larger ones grow. */
#define FP_TEXT_RESERVE 4096u

/* How a start tag is handled in the "in body" insertion mode. */
enum fp_class {
    FC_BAIL = 0, /* rules not implemented here (forms, svg, RCDATA...) */
    FC_ORDINARY, /* "any other start tag": inserted, nothing closed */
    FC_NO_P,     /* ordinary in gumbo, but closes <p> in newer specs */
    FC_FORMAT,   /* formatting element (active formatting list) */
    FC_A,        /* <a>: formatting, and an open <a> is restructured */
    FC_BLOCK,    /* closes an open <p> first */
    FC_HEADING,  /* h1..h6: closes <p>; an open heading is restructured */
    FC_LI,       /* closes <p> and an open <li> */
    FC_DDDT,     /* closes <p> and an open <dd> or <dt> */
    FC_PRE,      /* closes <p>; a newline right after it is dropped */
    FC_VOID,     /* no content, no end tag */
    FC_VOID_P,   /* <hr>: void, and closes <p> */
    FC_IGNORE,   /* <html>, <head>, <body>: ignored in a fragment */
    FC_RAW,      /* iframe, style, script: raw text up to the end tag */
    FC_TABLE,    /* <table>: closes <p> */
    FC_CAPTION,  /* table parts, each only where its parent is current */
    FC_COLGROUP,
    FC_COL,
    FC_TSECTION, /* tbody, thead, tfoot */
    FC_TR,
    FC_CELL,     /* td, th */
    FC_RUBYTEXT, /* rt, rp: only right inside a <ruby> */
    FC_SVG,      /* <svg>: foreign content, skipped (see foreign_tag) */
};

static const unsigned char tag_class[GUMBO_TAG_LAST + 1] = {
    [GUMBO_TAG_UNKNOWN] = FC_ORDINARY,
    [GUMBO_TAG_SPAN] = FC_ORDINARY,
    [GUMBO_TAG_SVG] = FC_SVG,
    [GUMBO_TAG_ABBR] = FC_ORDINARY,
    [GUMBO_TAG_ACRONYM] = FC_ORDINARY,
    [GUMBO_TAG_CITE] = FC_ORDINARY,
    [GUMBO_TAG_Q] = FC_ORDINARY,
    [GUMBO_TAG_DFN] = FC_ORDINARY,
    [GUMBO_TAG_DATA] = FC_ORDINARY,
    [GUMBO_TAG_TIME] = FC_ORDINARY,
    [GUMBO_TAG_VAR] = FC_ORDINARY,
    [GUMBO_TAG_SAMP] = FC_ORDINARY,
    [GUMBO_TAG_KBD] = FC_ORDINARY,
    [GUMBO_TAG_SUB] = FC_ORDINARY,
    [GUMBO_TAG_SUP] = FC_ORDINARY,
    [GUMBO_TAG_BDI] = FC_ORDINARY,
    [GUMBO_TAG_BDO] = FC_ORDINARY,
    [GUMBO_TAG_INS] = FC_ORDINARY,
    [GUMBO_TAG_DEL] = FC_ORDINARY,
    [GUMBO_TAG_MARK] = FC_ORDINARY,
    [GUMBO_TAG_AUDIO] = FC_ORDINARY,
    [GUMBO_TAG_VIDEO] = FC_ORDINARY,
    [GUMBO_TAG_LABEL] = FC_ORDINARY,
    [GUMBO_TAG_RUBY] = FC_ORDINARY,
    [GUMBO_TAG_MAIN] = FC_NO_P,
    [GUMBO_TAG_B] = FC_FORMAT,
    [GUMBO_TAG_BIG] = FC_FORMAT,
    [GUMBO_TAG_CODE] = FC_FORMAT,
    [GUMBO_TAG_EM] = FC_FORMAT,
    [GUMBO_TAG_FONT] = FC_FORMAT,
    [GUMBO_TAG_I] = FC_FORMAT,
    [GUMBO_TAG_S] = FC_FORMAT,
    [GUMBO_TAG_SMALL] = FC_FORMAT,
    [GUMBO_TAG_STRIKE] = FC_FORMAT,
    [GUMBO_TAG_STRONG] = FC_FORMAT,
    [GUMBO_TAG_TT] = FC_FORMAT,
    [GUMBO_TAG_U] = FC_FORMAT,
    [GUMBO_TAG_A] = FC_A,
    [GUMBO_TAG_ADDRESS] = FC_BLOCK,
    [GUMBO_TAG_ARTICLE] = FC_BLOCK,
    [GUMBO_TAG_ASIDE] = FC_BLOCK,
    [GUMBO_TAG_BLOCKQUOTE] = FC_BLOCK,
    [GUMBO_TAG_CENTER] = FC_BLOCK,
    [GUMBO_TAG_DETAILS] = FC_BLOCK,
    [GUMBO_TAG_DIR] = FC_BLOCK,
    [GUMBO_TAG_DIV] = FC_BLOCK,
    [GUMBO_TAG_DL] = FC_BLOCK,
    [GUMBO_TAG_FIELDSET] = FC_BLOCK,
    [GUMBO_TAG_FIGCAPTION] = FC_BLOCK,
    [GUMBO_TAG_FIGURE] = FC_BLOCK,
    [GUMBO_TAG_FOOTER] = FC_BLOCK,
    [GUMBO_TAG_HEADER] = FC_BLOCK,
    [GUMBO_TAG_HGROUP] = FC_BLOCK,
    [GUMBO_TAG_MENU] = FC_BLOCK,
    [GUMBO_TAG_NAV] = FC_BLOCK,
    [GUMBO_TAG_OL] = FC_BLOCK,
    [GUMBO_TAG_P] = FC_BLOCK,
    [GUMBO_TAG_SECTION] = FC_BLOCK,
    [GUMBO_TAG_SUMMARY] = FC_BLOCK,
    [GUMBO_TAG_UL] = FC_BLOCK,
    [GUMBO_TAG_H1] = FC_HEADING,
    [GUMBO_TAG_H2] = FC_HEADING,
    [GUMBO_TAG_H3] = FC_HEADING,
    [GUMBO_TAG_H4] = FC_HEADING,
    [GUMBO_TAG_H5] = FC_HEADING,
    [GUMBO_TAG_H6] = FC_HEADING,
    [GUMBO_TAG_LI] = FC_LI,
    [GUMBO_TAG_DD] = FC_DDDT,
    [GUMBO_TAG_DT] = FC_DDDT,
    [GUMBO_TAG_PRE] = FC_PRE,
    [GUMBO_TAG_LISTING] = FC_PRE,
    [GUMBO_TAG_AREA] = FC_VOID,
    [GUMBO_TAG_BR] = FC_VOID,
    [GUMBO_TAG_EMBED] = FC_VOID,
    [GUMBO_TAG_IMG] = FC_VOID,
    [GUMBO_TAG_KEYGEN] = FC_VOID,
    [GUMBO_TAG_WBR] = FC_VOID,
    [GUMBO_TAG_PARAM] = FC_VOID,
    [GUMBO_TAG_SOURCE] = FC_VOID,
    [GUMBO_TAG_TRACK] = FC_VOID,
    [GUMBO_TAG_HR] = FC_VOID_P,
    /* in body, these follow the "in head" rules: inserted and popped */
    [GUMBO_TAG_META] = FC_VOID,
    [GUMBO_TAG_LINK] = FC_VOID,
    [GUMBO_TAG_BASE] = FC_VOID,
    [GUMBO_TAG_BASEFONT] = FC_VOID,
    [GUMBO_TAG_BGSOUND] = FC_VOID,
    [GUMBO_TAG_HTML] = FC_IGNORE,
    [GUMBO_TAG_HEAD] = FC_IGNORE,
    [GUMBO_TAG_BODY] = FC_IGNORE,
    [GUMBO_TAG_IFRAME] = FC_RAW,
    [GUMBO_TAG_STYLE] = FC_RAW,
    [GUMBO_TAG_SCRIPT] = FC_RAW,
    [GUMBO_TAG_TABLE] = FC_TABLE,
    [GUMBO_TAG_CAPTION] = FC_CAPTION,
    [GUMBO_TAG_COLGROUP] = FC_COLGROUP,
    [GUMBO_TAG_COL] = FC_COL,
    [GUMBO_TAG_TBODY] = FC_TSECTION,
    [GUMBO_TAG_THEAD] = FC_TSECTION,
    [GUMBO_TAG_TFOOT] = FC_TSECTION,
    [GUMBO_TAG_TR] = FC_TR,
    [GUMBO_TAG_TD] = FC_CELL,
    [GUMBO_TAG_TH] = FC_CELL,
    [GUMBO_TAG_RT] = FC_RUBYTEXT,
    [GUMBO_TAG_RP] = FC_RUBYTEXT,
};

/* Named character references decoded here (HTML5 table, one code point
 * each), sorted; a name followed by ';' that is not listed goes to gumbo. */
static const struct named_ref {
    const char *name;
    uint32_t cp;
} named_refs[] = {
    {"Aacute", 0x00C1}, {"Agrave", 0x00C0}, {"Auml", 0x00C4},
    {"Ccedil", 0x00C7}, {"Dagger", 0x2021}, {"Eacute", 0x00C9},
    {"Egrave", 0x00C8}, {"Ntilde", 0x00D1}, {"OElig", 0x0152},
    {"Ouml", 0x00D6},   {"Prime", 0x2033},  {"Scaron", 0x0160},
    {"Uuml", 0x00DC},   {"aacute", 0x00E1}, {"acirc", 0x00E2},
    {"acute", 0x00B4},  {"aelig", 0x00E6},  {"agrave", 0x00E0},
    {"amp", 0x0026},    {"apos", 0x0027},   {"aring", 0x00E5},
    {"atilde", 0x00E3}, {"auml", 0x00E4},   {"bdquo", 0x201E},
    {"brvbar", 0x00A6}, {"bull", 0x2022},   {"ccedil", 0x00E7},
    {"cedil", 0x00B8},  {"cent", 0x00A2},   {"copy", 0x00A9},
    {"curren", 0x00A4}, {"dagger", 0x2020}, {"darr", 0x2193},
    {"deg", 0x00B0},    {"divide", 0x00F7}, {"eacute", 0x00E9},
    {"ecirc", 0x00EA},  {"egrave", 0x00E8}, {"emsp", 0x2003},
    {"ensp", 0x2002},   {"euml", 0x00EB},   {"euro", 0x20AC},
    {"frac12", 0x00BD}, {"frac14", 0x00BC}, {"frac34", 0x00BE},
    {"ge", 0x2265},     {"gt", 0x003E},     {"hairsp", 0x200A},
    {"harr", 0x2194},   {"hellip", 0x2026}, {"iacute", 0x00ED},
    {"icirc", 0x00EE},  {"iexcl", 0x00A1},  {"igrave", 0x00EC},
    {"infin", 0x221E},  {"iquest", 0x00BF}, {"iuml", 0x00EF},
    {"laquo", 0x00AB},  {"larr", 0x2190},   {"ldquo", 0x201C},
    {"le", 0x2264},     {"lsaquo", 0x2039}, {"lsquo", 0x2018},
    {"lt", 0x003C},     {"macr", 0x00AF},   {"mdash", 0x2014},
    {"micro", 0x00B5},  {"middot", 0x00B7}, {"minus", 0x2212},
    {"nbsp", 0x00A0},   {"ndash", 0x2013},  {"ne", 0x2260},
    {"not", 0x00AC},    {"ntilde", 0x00F1}, {"oacute", 0x00F3},
    {"ocirc", 0x00F4},  {"oelig", 0x0153},  {"ograve", 0x00F2},
    {"ordf", 0x00AA},   {"ordm", 0x00BA},   {"oslash", 0x00F8},
    {"otilde", 0x00F5}, {"ouml", 0x00F6},   {"para", 0x00B6},
    {"permil", 0x2030}, {"plusmn", 0x00B1}, {"pound", 0x00A3},
    {"prime", 0x2032},  {"quot", 0x0022},   {"raquo", 0x00BB},
    {"rarr", 0x2192},   {"rdquo", 0x201D},  {"reg", 0x00AE},
    {"rsaquo", 0x203A}, {"rsquo", 0x2019},  {"sbquo", 0x201A},
    {"scaron", 0x0161}, {"sect", 0x00A7},   {"shy", 0x00AD},
    {"sup1", 0x00B9},   {"sup2", 0x00B2},   {"sup3", 0x00B3},
    {"szlig", 0x00DF},  {"thinsp", 0x2009}, {"times", 0x00D7},
    {"trade", 0x2122},  {"uacute", 0x00FA}, {"uarr", 0x2191},
    {"ucirc", 0x00FB},  {"ugrave", 0x00F9}, {"uml", 0x00A8},
    {"uuml", 0x00FC},   {"yacute", 0x00FD}, {"yen", 0x00A5},
    {"yuml", 0x00FF},   {"zwj", 0x200D},    {"zwnj", 0x200C},
};

/* The names HTML5 also decodes without a ';' (the legacy ones), which
 * make "&name" mean something other than its bytes: any of them as a
 * prefix of a reference without ';' sends the input to gumbo. */
static const char *const legacy_refs[] = {
    "AElig",  "AMP",    "Aacute", "Acirc",  "Agrave", "Aring",  "Atilde",
    "Auml",   "COPY",   "Ccedil", "ETH",    "Eacute", "Ecirc",  "Egrave",
    "Euml",   "GT",     "Iacute", "Icirc",  "Igrave", "Iuml",   "LT",
    "Ntilde", "Oacute", "Ocirc",  "Ograve", "Oslash", "Otilde", "Ouml",
    "QUOT",   "REG",    "THORN",  "Uacute", "Ucirc",  "Ugrave", "Uuml",
    "Yacute", "aacute", "acirc",  "acute",  "aelig",  "agrave", "amp",
    "aring",  "atilde", "auml",   "brvbar", "ccedil", "cedil",  "cent",
    "copy",   "curren", "deg",    "divide", "eacute", "ecirc",  "egrave",
    "eth",    "euml",   "frac12", "frac14", "frac34", "gt",     "iacute",
    "icirc",  "iexcl",  "igrave", "iquest", "iuml",   "laquo",  "lt",
    "macr",   "micro",  "middot", "nbsp",   "not",    "ntilde", "oacute",
    "ocirc",  "ograve", "ordf",   "ordm",   "oslash", "otilde", "ouml",
    "para",   "plusmn", "pound",  "quot",   "raquo",  "reg",    "sect",
    "shy",    "sup1",   "sup2",   "sup3",   "szlig",  "thorn",  "times",
    "uacute", "ucirc",  "ugrave", "uml",    "uuml",   "yacute", "yen",
    "yuml",
};

struct fp_open {
    GumboNode *node;  /* in the arena */
    const char *name; /* tag name in the input (UNKNOWN tags) */
    size_t name_len;  /* bytes of name */
    size_t kid0;      /* first of its children in fp.kids */
    GumboTag tag;
};

/* An element open inside an <svg>: its name, for its end tag. */
struct fp_foreign {
    const char *name; /* tag name in the input */
    size_t name_len;  /* bytes of name */
};

/* A formatting element popped by the closing of a block around it: gumbo
 * keeps it in the list of active formatting elements, and reopens a copy
 * of it ("reconstructs" it) before the next text or ordinary start tag. */
struct fp_pending {
    const GumboNode *node; /* the popped element: tag and attributes */
    GumboTag tag;
};

struct fp {
    const char *s; /* input, borrowed */
    size_t len, i; /* input bytes, position */
    struct arena *a;
    struct fp_open stack[SYN_MAX_HTML_SCAN_DEPTH + 1]; /* [0] = root */
    size_t depth;                                      /* entries */
    unsigned short n_open[GUMBO_TAG_LAST + 1];         /* open elements by tag,
                                                          root excluded */
    GumboNode **kids;        /* children of the open elements, in order */
    size_t n_kids, cap_kids; /* entries, allocated entries */
    GumboAttribute *attrs[SYN_MAX_HTML_FAST_ATTRS]; /* of the current tag */
    size_t n_attrs;                                 /* entries */
    struct buf text;  /* pending text node, decoded */
    struct buf value; /* attribute value being decoded */
    bool text_ws;     /* pending text is all whitespace */
    bool skip_lf;     /* a newline right now is dropped (after <pre>) */
    bool in_svg;      /* the current element is an <svg> (foreign content) */
    struct fp_foreign foreign[SYN_MAX_HTML_SCAN_DEPTH]; /* open in the svg */
    size_t n_foreign;                                   /* entries */
    /* popped formatting elements still in the active list, in list
     * order: always its last entries (reconstruction empties this before
     * any other formatting element is opened) */
    struct fp_pending pending[SYN_MAX_HTML_FAST_PENDING];
    size_t n_pending; /* entries */
    enum syn_status st;
    bool bail; /* not simple */
};

/* The bytes bytes_simple() looks at one by one (1) rather than passing
 * in a run (0): all but printable ASCII, TAB, LF and FF; with
 * look_valid, for input known to be valid UTF-8, only the lead bytes of
 * the sequences that can encode a refused code point: C2 (C1 controls),
 * EF (noncharacters U+FDD0..U+FDEF, U+FFFE, U+FFFF) and F0..F4 (the
 * noncharacters U+xFFFE, U+xFFFF of the other planes), and the bytes
 * that valid UTF-8 never holds (C0, C1, F5..FF). */
#define L4(x) x, x, x, x
#define L16(x) L4(x), L4(x), L4(x), L4(x)
/* clang-format off */
static const unsigned char look_any[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, /* TAB LF FF */
    L16(1),
    L16(0), L16(0), L16(0), L16(0), L16(0), L4(0), L4(0), L4(0), 0, 0, 0, 1,
    L16(1), L16(1), L16(1), L16(1), L16(1), L16(1), L16(1), L16(1),
};
static const unsigned char look_valid[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 1, /* TAB LF FF */
    L16(1),
    L16(0), L16(0), L16(0), L16(0), L16(0), L4(0), L4(0), L4(0), 0, 0, 0, 1,
    L16(0), L16(0), L16(0), L16(0),                  /* 80..BF */
    1, 1, 1, L4(0), L4(0), L4(0), 0,                 /* C0 C1 C2 */
    L16(0),                                          /* D0..DF */
    L4(0), L4(0), L4(0), 0, 0, 0, 1,                 /* EF */
    L4(1), L4(1), L4(1), L4(1),                      /* F0..FF */
};
/* clang-format on */

/* Code points the fast parser refuses in its input (see bytes_simple). */
static bool
cp_refused(uint32_t cp)
{
    return cp <= 0x9F || (cp >= 0xFDD0 && cp <= 0xFDEF) ||
           (cp & 0xFFFEu) == 0xFFFEu;
}

/* Might the 8 bytes of w hold a byte that look_valid[] flags? A byte
 * < 0x20 (TAB, LF, FF too: then the word is looked at byte by byte), DEL,
 * C2, EF or F0..FF; C0 and C1 are not in valid UTF-8. Each test is the
 * "has a zero byte" one, (x - 0x01..) & ~x & 0x80.., on w changed so
 * that the bytes sought become zero; F0..FF have their top four bits
 * set. */
static bool
word_may_look(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t del = w ^ (ones * 0x7F), c2 = w ^ (ones * 0xC2);
    uint64_t ef = w ^ (ones * 0xEF);

    return ((((w - ones * 0x20) & ~w) | ((del - ones) & ~del) |
             ((c2 - ones) & ~c2) | ((ef - ones) & ~ef) |
             (w & (w << 1) & (w << 2) & (w << 3))) &
            highs) != 0;
}

/* Input that gumbo would change or report before tree construction: a
 * BOM, NUL, controls and noncharacters (errors that may become U+FFFD),
 * invalid UTF-8 (U+FFFD). CR is taken, and *has_cr set: gumbo's input
 * stream turns CR LF and a lone CR into LF before anything else sees
 * them, which cr_normalize() does as well. valid_utf8: s is known to be
 * valid UTF-8, so only the sequences that look_valid[] flags are decoded,
 * and words without any go 8 bytes at a time. */
static bool
bytes_simple(const char *s, size_t len, bool valid_utf8, bool *has_cr)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    const unsigned char *u = (const unsigned char *)s;
    const unsigned char *look = valid_utf8 ? look_valid : look_any;
    size_t i = 0;

    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        return false;
    while (i < len) {
        size_t stop = len;
        uint32_t cp;
        size_t n;

        if (valid_utf8) {
            /* a word that may hold a flagged byte is looked at byte by
             * byte, then words resume after it */
            while (len - i >= 8) {
                uint64_t w;

                memcpy(&w, s + i, 8);
                if (word_may_look(w)) {
                    stop = i + 8;
                    break;
                }
                i += 8;
            }
        } else {
            /* printable ASCII 8 bytes at a time (no byte >= 0x80, < 0x20
             * or DEL), then byte by byte to the next byte to look at:
             * feed HTML often mixes ASCII and other text too finely for
             * retrying words to pay */
            while (len - i >= 8) {
                uint64_t w, del;

                memcpy(&w, s + i, 8);
                del = w ^ (ones * 0x7F);
                if ((w | ((w - ones * 0x20) & ~w) | ((del - ones) & ~del)) &
                    highs)
                    break;
                i += 8;
            }
        }
        while (i < stop && !look[u[i]]) {
            i++;
        }
        if (i >= stop)
            continue;
        if (u[i] == '\r') {
            *has_cr = true;
            i++;
            continue;
        }
        if (u[i] < 0x80)
            return false;
        n = utf8_decode_fast(s + i, len - i, &cp);
        if (n == 0 || cp_refused(cp))
            return false;
        i += n;
    }
    return true;
}

static bool
cp_simple(uint32_t cp)
{
    if (cp < 0x20)
        return cp == '\t' || cp == '\n' || cp == '\f';
    return !(cp >= 0x7F && cp <= 0x9F) && !(cp >= 0xD800 && cp <= 0xDFFF) &&
           cp <= 0x10FFFF && !(cp >= 0xFDD0 && cp <= 0xFDEF) &&
           (cp & 0xFFFEu) != 0xFFFEu;
}

static bool
is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f';
}

static void
fp_fail(struct fp *p, enum syn_status st)
{
    if (p->st == SYN_OK) {
        p->st = st;
    }
}

static void
fp_append(struct fp *p, struct buf *b, const char *s, size_t n)
{
    enum syn_status st = buf_append(b, s, n);

    if (st != SYN_OK) {
        fp_fail(p, st);
    }
}

enum ref_result { REF_LITERAL, REF_DECODED, REF_BAIL };

/* The character reference at s[i] == '&': REF_DECODED with its UTF-8 in
 * out[0..*out_len) and *end past it; REF_LITERAL when the '&' stands for
 * itself; REF_BAIL when the outcome needs rules not implemented here
 * (the legacy names without ';' where they would be decoded, unlisted
 * names, odd numbers). */
static enum ref_result
ref_decode(const char *s, size_t len, size_t i, bool in_attr, char out[4],
           size_t *out_len, size_t *end)
{
    size_t j = i + 1, k, k2;

    if (j >= len)
        return REF_LITERAL;
    if (s[j] == '#') {
        bool hex = j + 1 < len && (s[j + 1] == 'x' || s[j + 1] == 'X');
        uint32_t cp = 0;

        k = j + 1 + (hex ? 1u : 0u);
        j = k;
        while (k < len && k - j < 8 &&
               (hex ? ascii_isxdigit((unsigned char)s[k])
                    : ascii_isdigit((unsigned char)s[k]))) {
            unsigned char c = (unsigned char)s[k];
            uint32_t d = ascii_isdigit(c)
                             ? (uint32_t)(c - '0')
                             : (uint32_t)(ascii_tolower(c) - 'a' + 10);

            cp = cp * (hex ? 16u : 10u) + d;
            k++;
        }
        if (k == j || k >= len || s[k] != ';' || !cp_simple(cp))
            return REF_BAIL;
        *out_len = utf8_encode(cp, out);
        *end = k + 1;
        return REF_DECODED;
    }
    if (!ascii_isalnum((unsigned char)s[j]))
        return REF_LITERAL;
    for (k = j; k < len && ascii_isalnum((unsigned char)s[k]); k++) {
        ;
    }
    if (k < len && s[k] == ';') {
        size_t n = k - j, lo = 0, hi = SYN_ARRAY_LEN(named_refs);

        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            const char *nm = named_refs[mid].name;
            int c = strncmp(nm, s + j, n);

            if (c == 0 && nm[n] == '\0') {
                *out_len = utf8_encode(named_refs[mid].cp, out);
                *end = k + 1;
                return REF_DECODED;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid; /* greater, or longer with s[j..k) as prefix */
            }
        }
        return REF_BAIL;
    }
    for (k2 = 0; k2 < SYN_ARRAY_LEN(legacy_refs); k2++) {
        size_t n = strlen(legacy_refs[k2]);

        if (n > k - j || memcmp(legacy_refs[k2], s + j, n) != 0)
            continue;
        /* in an attribute, a legacy name followed by '=' or an
         * alphanumeric stays as written (HTML5 "named character reference
         * state", for historical reasons); elsewhere it is decoded */
        if (in_attr && (n < k - j || (k < len && s[k] == '=')))
            continue;
        return REF_BAIL;
    }
    return REF_LITERAL;
}

/* Append s[from..to) to b decoding character references; false = bail. */
static bool
decode_run(struct fp *p, struct buf *b, size_t from, size_t to, bool in_attr)
{
    while (from < to && p->st == SYN_OK) {
        const char *amp = memchr(p->s + from, '&', to - from);
        size_t at = amp != NULL ? (size_t)(amp - p->s) : to, end, n;
        char out[4];

        fp_append(p, b, p->s + from, at - from);
        if (amp == NULL)
            break;
        switch (ref_decode(p->s, to, at, in_attr, out, &n, &end)) {
        case REF_LITERAL:
            fp_append(p, b, "&", 1);
            from = at + 1;
            break;
        case REF_DECODED:
            fp_append(p, b, out, n);
            from = end;
            break;
        default:
            return false;
        }
    }
    return true;
}

static GumboNode *
node_new(struct fp *p, GumboNodeType type)
{
    GumboNode *n = arena_calloc(p->a, sizeof(*n));

    if (n == NULL) {
        fp_fail(p, SYN_ENOMEM);
        return NULL;
    }
    n->type = type;
    return n;
}

/* Append n to the children of the current element. */
static void
kid_add(struct fp *p, GumboNode *n)
{
    if (p->n_kids == p->cap_kids) {
        size_t cap = p->cap_kids != 0 ? p->cap_kids * 2 : 64;
        GumboNode **k = syn_realloc(p->kids, cap * sizeof(*k));

        if (k == NULL) {
            fp_fail(p, SYN_ENOMEM);
            return;
        }
        p->kids = k;
        p->cap_kids = cap;
    }
    n->parent = p->stack[p->depth - 1].node;
    n->index_within_parent = p->n_kids - p->stack[p->depth - 1].kid0;
    p->kids[p->n_kids++] = n;
}

static bool in_table_mode(const struct fp *p);

/* The pending text becomes a text or whitespace node, as gumbo flushes its
 * text buffer before any other token is inserted. */
static void
text_flush(struct fp *p)
{
    GumboNode *n;

    if (p->text.len == 0 || p->st != SYN_OK)
        return;
    if (!p->text_ws && in_table_mode(p)) {
        p->bail = true; /* foster parenting */
        return;
    }
    n = node_new(p, p->text_ws ? GUMBO_NODE_WHITESPACE : GUMBO_NODE_TEXT);
    if (n == NULL)
        return;
    n->v.text.text = arena_strndup(p->a, p->text.data, p->text.len);
    if (n->v.text.text == NULL) {
        fp_fail(p, SYN_ENOMEM);
        return;
    }
    kid_add(p, n);
    buf_reset(&p->text);
    p->text_ws = true;
}

/* Text s[from..to), references decoded, into the pending text. */
static void
text_add(struct fp *p, size_t from, size_t to)
{
    size_t start = p->text.len, i;

    if (!decode_run(p, &p->text, from, to, false)) {
        p->bail = true;
        return;
    }
    for (i = start; i < p->text.len && p->text_ws; i++) {
        p->text_ws = is_ws(p->text.data[i]);
    }
}

static void
el_push(struct fp *p, GumboNode *n, GumboTag tag, const char *name,
        size_t name_len)
{
    struct fp_open *e;

    if (p->depth == SYN_ARRAY_LEN(p->stack)) {
        p->bail = true;
        return;
    }
    e = &p->stack[p->depth++];
    e->node = n;
    e->tag = tag;
    e->name = name;
    e->name_len = name_len;
    e->kid0 = p->n_kids;
    if (p->depth > 1) {
        p->n_open[tag]++;
    }
}

/* Close the current element: its children move into the arena. */
static void
el_pop(struct fp *p)
{
    struct fp_open *e = &p->stack[--p->depth];
    size_t n = p->n_kids - e->kid0;
    GumboVector *v = &e->node->v.element.children;

    if (p->depth > 0) {
        p->n_open[e->tag]--;
    }
    v->length = v->capacity = (unsigned)n;
    if (n > 0) {
        v->data = arena_alloc(p->a, n * sizeof(void *));
        if (v->data == NULL) {
            fp_fail(p, SYN_ENOMEM);
            return;
        }
        memcpy(v->data, p->kids + e->kid0, n * sizeof(void *));
    }
    p->n_kids = e->kid0;
}

static bool
open_has(const struct fp *p, GumboTag t)
{
    return p->n_open[t] > 0;
}

static GumboTag
current_tag(const struct fp *p)
{
    return p->depth > 1 ? p->stack[p->depth - 1].tag : GUMBO_TAG_HTML;
}

static enum fp_class
tag_kind(GumboTag t)
{
    return (enum fp_class)tag_class[t];
}

/* The current element takes only table parts and whitespace ("in table",
 * "in table body", "in row", "in column group" insertion modes). */
static bool
in_table_mode(const struct fp *p)
{
    enum fp_class c = tag_kind(current_tag(p));

    return p->depth > 1 && (c == FC_TABLE || c == FC_TSECTION || c == FC_TR ||
                            c == FC_COLGROUP);
}

static bool
is_heading(GumboTag t)
{
    return t == GUMBO_TAG_H1 || t == GUMBO_TAG_H2 || t == GUMBO_TAG_H3 ||
           t == GUMBO_TAG_H4 || t == GUMBO_TAG_H5 || t == GUMBO_TAG_H6;
}

/* Is any of h1..h6 open? */
static bool
heading_open(const struct fp *p)
{
    return open_has(p, GUMBO_TAG_H1) || open_has(p, GUMBO_TAG_H2) ||
           open_has(p, GUMBO_TAG_H3) || open_has(p, GUMBO_TAG_H4) ||
           open_has(p, GUMBO_TAG_H5) || open_has(p, GUMBO_TAG_H6);
}

/* End tags whose element pops what "generate implied end tags" pops
 * first. */
static bool
closes_implied(enum fp_class c)
{
    return c == FC_BLOCK || c == FC_PRE || c == FC_LI || c == FC_DDDT ||
           c == FC_HEADING || c == FC_CELL || c == FC_CAPTION;
}

/* close_item's loop: elements it walks past (not "special"). */
static bool
item_loop_passes(GumboTag t)
{
    enum fp_class c = tag_kind(t);

    return c == FC_ORDINARY || c == FC_FORMAT || c == FC_A ||
           c == FC_RUBYTEXT || t == GUMBO_TAG_ADDRESS || t == GUMBO_TAG_DIV ||
           t == GUMBO_TAG_P;
}

static bool
is_formatting(GumboTag t)
{
    enum fp_class c = tag_kind(t);

    return c == FC_FORMAT || c == FC_A;
}

/* Pop the open element at stack position i (1-based) and everything
 * above it. in_list: the formatting elements popped stay in the list of
 * active formatting elements (they are not cleared to a cell's marker),
 * so they become pending; refused (false, nothing popped) when some are
 * pending already or there would be too many. */
static bool
pop_through(struct fp *p, size_t i, bool in_list)
{
    size_t k, n = 0;

    for (k = i; in_list && k < p->depth; k++) {
        n += is_formatting(p->stack[k].tag);
    }
    if (n > 0 && (p->n_pending > 0 || n > SYN_ARRAY_LEN(p->pending)))
        return false;
    for (k = i; n > 0 && k < p->depth; k++) {
        if (is_formatting(p->stack[k].tag)) {
            p->pending[p->n_pending].node = p->stack[k].node;
            p->pending[p->n_pending].tag = p->stack[k].tag;
            p->n_pending++;
        }
    }
    while (p->depth >= i) {
        el_pop(p);
    }
    return true;
}

/* "Close a p element" when a <p> is in button scope (here: open at all,
 * since no scope boundary other than table cells and captions is ever
 * accepted, and a <p> outside a table is closed by the <table>): exact
 * when only formatting elements are open above the <p> (no implied end
 * tag to generate; they become pending), refused otherwise. */
static bool
close_p(struct fp *p)
{
    size_t i;

    if (!open_has(p, GUMBO_TAG_P))
        return true;
    for (i = p->depth; i > 1 && p->stack[i - 1].tag != GUMBO_TAG_P; i--) {
        if (!is_formatting(p->stack[i - 1].tag))
            return false;
    }
    return pop_through(p, i, true);
}

static bool
pending_has(const struct fp *p, GumboTag t)
{
    size_t k;

    for (k = 0; k < p->n_pending; k++) {
        if (p->pending[k].tag == t)
            return true;
    }
    return false;
}

/* The end tag of a pending element: the adoption agency finds it in the
 * list (the last entry of its tag is a pending one: they are the list's
 * last) but not open, and only removes it from the list. */
static void
pending_remove(struct fp *p, GumboTag t)
{
    size_t k = p->n_pending;

    while (k > 0 && p->pending[k - 1].tag != t) {
        k--;
    }
    if (k == 0)
        return;
    memmove(&p->pending[k - 1], &p->pending[k],
            (p->n_pending - k) * sizeof(p->pending[0]));
    p->n_pending--;
}

/* "Reconstruct the active formatting elements": each pending element is
 * reopened, in list order, as a copy (same tag and attributes) inserted
 * in the current element. */
static void
reconstruct(struct fp *p)
{
    size_t k;

    text_flush(p);
    for (k = 0; k < p->n_pending && !p->bail && p->st == SYN_OK; k++) {
        GumboTag t = p->pending[k].tag;
        const char *name = gumbo_normalized_tagname(t);
        GumboNode *n = node_new(p, GUMBO_NODE_ELEMENT);

        if (n == NULL)
            return;
        n->v.element.tag = t;
        n->v.element.tag_namespace = GUMBO_NAMESPACE_HTML;
        /* the attributes are shared: nothing writes them */
        n->v.element.attributes = p->pending[k].node->v.element.attributes;
        kid_add(p, n);
        el_push(p, n, t, name, strlen(name));
    }
    p->n_pending = 0;
}

/* <li>, <dd>, <dt> start tags: the spec's loop down the open elements
 * closes an open item of kind a or b unless a "special" element other
 * than address, div and p comes first. Closing pops everything above the
 * item too; refused when that would pop a formatting element (it would
 * be reconstructed) or meets an element whose specialness is unsure. */
static bool
close_item(struct fp *p, GumboTag a, GumboTag b)
{
    size_t i;

    for (i = p->depth; i > 1; i--) {
        GumboTag t = p->stack[i - 1].tag;

        if (t == a || t == b)
            return pop_through(p, i, true);
        if (tag_kind(t) == FC_NO_P)
            return false;
        if (!item_loop_passes(t))
            return true; /* a special element: nothing is closed */
    }
    return true;
}

/* "Close the cell" when the innermost table element is a td or th: pop
 * through it (the active formatting list is cleared to the cell's marker,
 * so formatting elements inside go too). */
static void
close_cell(struct fp *p)
{
    size_t i;

    for (i = p->depth; i > 1; i--) {
        enum fp_class c = tag_kind(p->stack[i - 1].tag);

        if (c == FC_CELL) {
            while (p->depth >= i) {
                el_pop(p);
            }
            return;
        }
        if (c >= FC_TABLE && c <= FC_TR)
            return;
    }
}

/* An element the parser inserts without a tag (tbody for a tr, tr for a
 * cell), pushed as the current element. */
static bool
push_implied(struct fp *p, GumboTag t, const char *name)
{
    GumboNode *n = node_new(p, GUMBO_NODE_ELEMENT);

    if (n == NULL)
        return false;
    n->v.element.tag = t;
    n->v.element.tag_namespace = GUMBO_NAMESPACE_HTML;
    kid_add(p, n);
    el_push(p, n, t, name, strlen(name));
    return !p->bail && p->st == SYN_OK;
}

/* Table parts: the "in table", "in table body", "in row" and "in cell"
 * rules that move to the right parent first (closing the open cell, row
 * or section, or inserting the implied tbody and tr). */
static bool
table_part_start(struct fp *p, enum fp_class c)
{
    if (c == FC_CAPTION || c == FC_COLGROUP)
        return current_tag(p) == GUMBO_TAG_TABLE;
    if (c == FC_COL)
        return current_tag(p) == GUMBO_TAG_COLGROUP;
    close_cell(p);
    if (current_tag(p) == GUMBO_TAG_TR && c != FC_CELL) {
        el_pop(p);
    }
    if (tag_kind(current_tag(p)) == FC_TSECTION && p->depth > 1 &&
        c == FC_TSECTION) {
        el_pop(p);
    }
    if (c == FC_TSECTION)
        return current_tag(p) == GUMBO_TAG_TABLE;
    if (current_tag(p) == GUMBO_TAG_TABLE &&
        !push_implied(p, GUMBO_TAG_TBODY, "tbody"))
        return false;
    if (c == FC_TR)
        return tag_kind(current_tag(p)) == FC_TSECTION && p->depth > 1;
    if (tag_kind(current_tag(p)) == FC_TSECTION && p->depth > 1 &&
        !push_implied(p, GUMBO_TAG_TR, "tr"))
        return false;
    return current_tag(p) == GUMBO_TAG_TR;
}

/* The tree construction of a start tag; false = not simple. */
static bool
start_tag(struct fp *p, GumboTag tag, const char *name, size_t name_len,
          bool self_closing)
{
    enum fp_class c = tag_kind(tag);
    GumboNode *n;
    GumboAttribute **attrs = NULL;
    bool table_part = c >= FC_CAPTION && c <= FC_CELL;

    if (c == FC_IGNORE)
        return !self_closing; /* ignored, text not even flushed */
    if (in_table_mode(p) && !table_part)
        return false; /* foster parenting, or rules not implemented */
    text_flush(p);
    if (p->bail)
        return false;
    if (p->n_pending > 0) {
        /* "any other start tag" and formatting elements reconstruct
         * first (<a> runs the adoption agency for a pending <a>:
         * refused); blocks do not; the rest is not tried */
        if (c == FC_ORDINARY || c == FC_NO_P || c == FC_FORMAT ||
            (c == FC_A && !pending_has(p, GUMBO_TAG_A))) {
            reconstruct(p);
            if (p->bail || p->st != SYN_OK)
                return p->st != SYN_OK;
        } else if (c != FC_BLOCK && c != FC_HEADING && c != FC_PRE &&
                   c != FC_LI && c != FC_DDDT) {
            return false;
        }
    }
    switch (c) {
    case FC_BAIL:
        return false;
    case FC_NO_P:
        if (open_has(p, GUMBO_TAG_P))
            return false;
        break;
    case FC_FORMAT:
        /* the "Noah's Ark" clause drops the earliest of three equal
         * formatting elements from the active list: refused */
        if (p->n_open[tag] >= 3)
            return false;
        break;
    case FC_A:
        if (open_has(p, GUMBO_TAG_A))
            return false;
        break;
    case FC_HEADING:
        if (!close_p(p) || is_heading(current_tag(p)))
            return false;
        break;
    case FC_LI:
        if (!close_item(p, GUMBO_TAG_LI, GUMBO_TAG_LI) || !close_p(p))
            return false;
        break;
    case FC_DDDT:
        if (!close_item(p, GUMBO_TAG_DD, GUMBO_TAG_DT) || !close_p(p))
            return false;
        break;
    case FC_BLOCK:
    case FC_PRE:
    case FC_VOID_P:
    case FC_TABLE:
        if (!close_p(p))
            return false;
        break;
    case FC_RUBYTEXT:
        if (current_tag(p) != GUMBO_TAG_RUBY)
            return false;
        break;
    case FC_SVG:
        break; /* nothing closed; the active formatting elements to
                  reconstruct first are all open already */
    default:
        if (table_part && !table_part_start(p, c))
            return false;
        break;
    }
    if (self_closing && c != FC_VOID && c != FC_VOID_P && c != FC_COL &&
        c != FC_SVG)
        return false; /* ignored with an error: gumbo's business */
    n = node_new(p, GUMBO_NODE_ELEMENT);
    if (n == NULL)
        return true;
    n->v.element.tag = tag;
    n->v.element.tag_namespace =
        c == FC_SVG ? GUMBO_NAMESPACE_SVG : GUMBO_NAMESPACE_HTML;
    if (p->n_attrs > 0 && c != FC_SVG) {
        attrs = arena_alloc(p->a, p->n_attrs * sizeof(*attrs));
        if (attrs == NULL) {
            fp_fail(p, SYN_ENOMEM);
            return true;
        }
        memcpy(attrs, p->attrs, p->n_attrs * sizeof(*attrs));
    }
    n->v.element.attributes.data = (void **)attrs;
    n->v.element.attributes.length = (unsigned)p->n_attrs;
    n->v.element.attributes.capacity = (unsigned)p->n_attrs;
    kid_add(p, n);
    if (c == FC_VOID || c == FC_VOID_P || c == FC_COL ||
        (c == FC_SVG && self_closing))
        return true;
    el_push(p, n, tag, name, name_len);
    p->skip_lf = c == FC_PRE;
    p->in_svg = c == FC_SVG;
    return true;
}

/* A tag inside an <svg>, by gumbo's rules for foreign content in the
 * simple cases. What is inside the svg is not built: walk.c drops a
 * foreign element whole, reading neither its attributes nor its
 * children; only the nesting is followed, to find the end tag that
 * closes the svg. Start tags of unknown names and <a> (neither leaves
 * foreign content nor is an HTML integration point, as title, desc,
 * foreignObject are) open an element, closed at once when
 * self-closing; other start tags are refused. An end tag closes the
 * current element of its name, or the svg when nothing inside is open;
 * other end tags are refused (gumbo would pop through several elements
 * or go back to the HTML rules). */
static bool
foreign_tag(struct fp *p, GumboTag tag, bool end, bool self_closing,
            const char *name, size_t name_len)
{
    const struct fp_foreign *f;

    if (!end) {
        if (tag != GUMBO_TAG_UNKNOWN && tag != GUMBO_TAG_A)
            return false;
        if (self_closing)
            return true;
        if (p->n_foreign == SYN_ARRAY_LEN(p->foreign))
            return false;
        p->foreign[p->n_foreign].name = name;
        p->foreign[p->n_foreign].name_len = name_len;
        p->n_foreign++;
        return true;
    }
    if (p->n_foreign > 0) {
        f = &p->foreign[p->n_foreign - 1];
        if (f->name_len != name_len ||
            str_ncasecmp(f->name, name, name_len) != 0)
            return false;
        p->n_foreign--;
        return true;
    }
    if (tag != GUMBO_TAG_SVG)
        return false;
    text_flush(p); /* the svg's text, never read */
    el_pop(p);
    p->in_svg = false;
    return !p->bail && p->st == SYN_OK;
}

/* End tags that close their element with everything above it ("generate
 * implied end tags", then pop until it): the block list, p, li, dd, dt,
 * headings, cells and caption. Refused when the element is not in scope
 * (a table element comes first; for li also a list), when a heading
 * other than the target comes first, or when a formatting element would
 * be popped outside a cell (it would be reconstructed). */
static bool
close_through(struct fp *p, GumboTag tag, enum fp_class c)
{
    size_t i;

    for (i = p->depth; i > 1; i--) {
        GumboTag t = p->stack[i - 1].tag;
        enum fp_class ct = tag_kind(t);

        if (t == tag)
            break;
        if ((ct >= FC_TABLE && ct <= FC_CELL) || ct == FC_NO_P ||
            (c == FC_LI && (t == GUMBO_TAG_UL || t == GUMBO_TAG_OL)) ||
            (c == FC_HEADING && is_heading(t)))
            return false;
    }
    if (i == 1)
        return false;
    return pop_through(p, i, c != FC_CELL && c != FC_CAPTION);
}

/* </tr>, </tbody>, </thead>, </tfoot>, </table>: close the open cell and
 * the row or section below the target first, as the table insertion
 * modes do. */
static bool
close_table_part(struct fp *p, GumboTag tag, enum fp_class c)
{
    close_cell(p);
    if (c != FC_TR && current_tag(p) == GUMBO_TAG_TR) {
        el_pop(p);
    }
    if (c == FC_TABLE && tag_kind(current_tag(p)) == FC_TSECTION &&
        p->depth > 1) {
        el_pop(p);
    }
    if (p->depth <= 1 || current_tag(p) != tag)
        return false;
    el_pop(p);
    return true;
}

/* An end tag: an element with a rule above closes as that rule says;
 * others close the current element when the names match; one that matches
 * no open element and has no rule of its own is ignored ("any other end
 * tag" meets only special elements); anything else (misnesting) is
 * refused. */
static bool
end_tag(struct fp *p, GumboTag tag, const char *name, size_t name_len)
{
    enum fp_class c = tag_kind(tag);
    const struct fp_open *e;

    if (p->n_pending > 0) {
        if (is_formatting(tag) && pending_has(p, tag)) {
            pending_remove(p, tag);
            return true; /* nothing popped, text not flushed */
        }
        if ((c >= FC_TABLE && c <= FC_CELL) || tag == GUMBO_TAG_BR)
            return false; /* cells clear the list; </br> reconstructs */
    }
    if (tag == GUMBO_TAG_BR)
        return start_tag(p, GUMBO_TAG_BR, "br", 2, false); /* </br> is <br> */
    if (tag == GUMBO_TAG_COL && current_tag(p) == GUMBO_TAG_COLGROUP)
        return true; /* ignored in a column group */
    if (!in_table_mode(p) && !open_has(p, tag) &&
        (c == FC_ORDINARY || c == FC_VOID || c == FC_IGNORE || c == FC_RAW ||
         c == FC_FORMAT || c == FC_A || c == FC_NO_P || c == FC_RUBYTEXT ||
         c == FC_VOID_P))
        return true; /* "any other end tag" meets only specials: ignored,
                        text not even flushed */
    if (closes_implied(c) && tag != GUMBO_TAG_P && !in_table_mode(p) &&
        !open_has(p, tag) && (c != FC_HEADING || !heading_open(p)))
        return true; /* not in scope since not open at all: ignored, text
                        not flushed either */
    text_flush(p);
    if (p->bail)
        return false;
    if (tag == GUMBO_TAG_P && !open_has(p, GUMBO_TAG_P)) {
        /* "</p>" without a <p>: an empty <p> is inserted */
        p->n_attrs = 0;
        return !in_table_mode(p) && start_tag(p, GUMBO_TAG_P, "p", 1, false) &&
               close_p(p);
    }
    if (c == FC_TR || c == FC_TSECTION || c == FC_TABLE)
        return close_table_part(p, tag, c);
    if (closes_implied(c))
        return close_through(p, tag, c);
    e = &p->stack[p->depth - 1];
    if (p->depth <= 1 || e->tag != tag)
        return false;
    if (tag == GUMBO_TAG_UNKNOWN &&
        (e->name_len != name_len || str_ncasecmp(e->name, name, name_len)))
        return false;
    el_pop(p);
    return true;
}

/* After the start tag of an FC_RAW element at p->i: its content up to the
 * matching end tag becomes one text node (no references, no tags), as in
 * gumbo's RAWTEXT and script data states; script content holding "<!--"
 * (the escaped states) and end tags with anything before '>' are
 * refused. */
static bool
raw_text(struct fp *p, GumboTag tag, const char *name, size_t name_len)
{
    const char *s = p->s;
    size_t len = p->len, i = p->i, end;

    for (;;) {
        const char *lt = memchr(s + i, '<', len - i);

        if (lt == NULL)
            return false; /* unclosed at the end of input */
        i = (size_t)(lt - s);
        if (len - i >= name_len + 3 && s[i + 1] == '/' &&
            str_ncasecmp(s + i + 2, name, name_len) == 0) {
            char c = s[i + 2 + name_len];

            if (c == '>')
                break;
            if (is_ws(c) || c == '/')
                return false;
        }
        i++;
    }
    end = i;
    if (tag == GUMBO_TAG_SCRIPT &&
        memmem(s + p->i, end - p->i, "<!--", 4) != NULL)
        return false;
    if (end > p->i) {
        size_t k;

        fp_append(p, &p->text, s + p->i, end - p->i);
        for (k = p->i; k < end && p->text_ws; k++) {
            p->text_ws = is_ws(s[k]);
        }
        text_flush(p);
    }
    el_pop(p);
    p->i = end + name_len + 3;
    return true;
}

static bool
is_name_char(char c)
{
    return ascii_isalnum((unsigned char)c) || c == '-' || c == '_' ||
           c == ':' || c == '.';
}

/* One attribute at p->i (a name char): into p->attrs; false = bail. */
static bool
attribute(struct fp *p)
{
    const char *s = p->s;
    size_t len = p->len, i = p->i, name0 = i, name_len, j;
    GumboAttribute *at;
    char *name;

    while (i < len && is_name_char(s[i])) {
        i++;
    }
    name_len = i - name0;
    if (i >= len || (!is_ws(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '='))
        return false;
    if (p->n_attrs == SYN_MAX_HTML_FAST_ATTRS)
        return false;
    for (j = 0; j < p->n_attrs; j++) {
        if (strlen(p->attrs[j]->name) == name_len &&
            str_ncasecmp(p->attrs[j]->name, s + name0, name_len) == 0)
            return false; /* duplicate: dropped with an error */
    }
    while (i < len && is_ws(s[i])) {
        i++;
    }
    buf_reset(&p->value);
    if (i < len && s[i] == '=') {
        i++;
        while (i < len && is_ws(s[i])) {
            i++;
        }
        if (i >= len || s[i] == '>')
            return false;
        if (s[i] == '"' || s[i] == '\'') {
            const char *q = memchr(s + i + 1, s[i], len - i - 1);
            size_t end;

            if (q == NULL)
                return false;
            end = (size_t)(q - s);
            if (!decode_run(p, &p->value, i + 1, end, true))
                return false;
            i = end + 1;
            if (i >= len || (!is_ws(s[i]) && s[i] != '/' && s[i] != '>'))
                return false;
        } else {
            size_t v0 = i;

            while (i < len && !is_ws(s[i]) && s[i] != '>') {
                if (s[i] == '"' || s[i] == '\'' || s[i] == '<' || s[i] == '=' ||
                    s[i] == '`')
                    return false;
                i++;
            }
            if (i >= len || !decode_run(p, &p->value, v0, i, true))
                return false;
        }
    }
    at = arena_calloc(p->a, sizeof(*at));
    name = at != NULL ? arena_strndup(p->a, s + name0, name_len) : NULL;
    if (name == NULL) {
        fp_fail(p, SYN_ENOMEM);
        return true;
    }
    for (j = 0; j < name_len; j++) {
        name[j] = (char)ascii_tolower((unsigned char)name[j]);
    }
    at->attr_namespace = GUMBO_ATTR_NAMESPACE_NONE;
    at->name = name;
    at->value = arena_strndup(p->a, p->value.data != NULL ? p->value.data : "",
                              p->value.len);
    if (at->value == NULL) {
        fp_fail(p, SYN_ENOMEM);
        return true;
    }
    p->attrs[p->n_attrs++] = at;
    p->i = i;
    return true;
}

/* A tag at p->i ('<' followed by a letter or "/" and a letter). */
static bool
tag(struct fp *p)
{
    const char *s = p->s;
    size_t len = p->len, i = p->i + 1, name0, name_len;
    bool end = s[i] == '/', self_closing = false;
    char lower[32];
    GumboTag t;

    if (end) {
        i++;
    }
    name0 = i;
    while (i < len && is_name_char(s[i])) {
        i++;
    }
    name_len = i - name0;
    if (i >= len || (!is_ws(s[i]) && s[i] != '/' && s[i] != '>'))
        return false;
    if (name_len < sizeof(lower)) {
        size_t k;

        for (k = 0; k < name_len; k++) {
            lower[k] = (char)ascii_tolower((unsigned char)s[name0 + k]);
        }
        t = gumbo_tagn_enum(lower, (unsigned)name_len);
    } else {
        t = GUMBO_TAG_UNKNOWN;
    }
    p->n_attrs = 0;
    for (;;) {
        while (i < len && is_ws(s[i])) {
            i++;
        }
        if (i >= len)
            return false;
        if (s[i] == '>')
            break;
        if (s[i] == '/') {
            if (i + 1 >= len || s[i + 1] != '>' || end)
                return false;
            self_closing = true;
            i++;
            break;
        }
        if (end || !is_name_char(s[i]))
            return false;
        p->i = i;
        if (!attribute(p) || p->st != SYN_OK)
            return false;
        i = p->i;
    }
    p->i = i + 1;
    if (p->in_svg)
        return foreign_tag(p, t, end, self_closing, s + name0, name_len);
    if (end)
        return end_tag(p, t, s + name0, name_len);
    if (!start_tag(p, t, s + name0, name_len, self_closing))
        return false;
    if (tag_kind(t) == FC_RAW && p->st == SYN_OK)
        return raw_text(p, t, s + name0, name_len);
    return true;
}

/* "<!--" at p->i: a plain comment, "--" only in its closing "-->". */
static bool
comment(struct fp *p)
{
    const char *s = p->s, *dd;
    size_t len = p->len, i = p->i + 4;
    GumboNode *n;

    if (i < len &&
        (s[i] == '>' || (s[i] == '-' && i + 1 < len && s[i + 1] == '>')))
        return false;
    dd = i < len ? memmem(s + i, len - i, "--", 2) : NULL;
    if (dd == NULL || (size_t)(dd - s) + 2 >= len || dd[2] != '>')
        return false;
    text_flush(p);
    n = node_new(p, GUMBO_NODE_COMMENT);
    if (n == NULL)
        return true;
    n->v.text.text = "";
    kid_add(p, n);
    p->i = (size_t)(dd - s) + 3;
    return true;
}

/* s[0..*len) with CR LF and lone CR turned into LF, as gumbo's input
 * stream reads it, in a new buffer (syn_free) of the new length *len;
 * NULL when out of memory. */
static char *
cr_normalize(const char *s, size_t *len)
{
    char *out = syn_malloc(*len != 0 ? *len : 1);
    size_t i = 0, o = 0;

    if (out == NULL)
        return NULL;
    while (i < *len) {
        const char *cr = memchr(s + i, '\r', *len - i);
        size_t to = cr != NULL ? (size_t)(cr - s) : *len;

        memcpy(out + o, s + i, to - i);
        o += to - i;
        if (cr == NULL)
            break;
        out[o++] = '\n';
        i = to + 1;
        if (i < *len && s[i] == '\n') {
            i++;
        }
    }
    *len = o;
    return out;
}

enum syn_status
html_fast_parse(const char *html, size_t len, bool valid_utf8, struct arena *a,
                GumboNode **root, struct syn_err *err)
{
    struct fp *p = NULL;
    char *lf = NULL; /* html with its CRs normalized, when it has any */
    GumboNode *r;
    enum syn_status st;
    bool has_cr = false;
    size_t i;

    *root = NULL;
    if (!bytes_simple(html, len, valid_utf8, &has_cr))
        return SYN_OK;
    if (has_cr) {
        lf = cr_normalize(html, &len);
        if (lf == NULL)
            return syn_err_set(err, SYN_ENOMEM, "out of memory");
        html = lf;
    }
    p = syn_malloc(sizeof(*p));
    if (p == NULL) {
        syn_free(lf);
        return syn_err_set(err, SYN_ENOMEM, "out of memory");
    }
    p->s = html;
    p->len = len;
    p->i = 0;
    p->a = a;
    p->depth = 0;
    memset(p->n_open, 0, sizeof(p->n_open));
    p->kids = NULL;
    p->n_kids = p->cap_kids = 0;
    p->n_attrs = 0;
    buf_init(&p->text, SYN_MAX_HTML_BYTES + 1);
    buf_init(&p->value, SYN_MAX_HTML_BYTES + 1);
    p->text_ws = true;
    p->skip_lf = false;
    p->in_svg = false;
    p->n_foreign = 0;
    p->n_pending = 0;
    p->st = SYN_OK;
    p->bail = false;
    /* a text node is at most the input long: room for it at once rather
     * than growing from 64 bytes (a quarter of all reallocations of the
     * full parse) */
    if (buf_reserve(&p->text, len < FP_TEXT_RESERVE ? len : FP_TEXT_RESERVE) !=
        SYN_OK) {
        fp_fail(p, SYN_ENOMEM);
    }
    r = node_new(p, GUMBO_NODE_ELEMENT);
    if (r != NULL) {
        r->v.element.tag = GUMBO_TAG_HTML;
        r->v.element.tag_namespace = GUMBO_NAMESPACE_HTML;
        el_push(p, r, GUMBO_TAG_HTML, "html", 4);
    }
    while (p->i < len && p->st == SYN_OK && !p->bail) {
        const char *s = html + p->i;
        const char *lt;
        size_t to;

        if (p->skip_lf) {
            p->skip_lf = false;
            if (*s == '\n') {
                p->i++;
                continue;
            }
            if (*s == '&') {
                p->bail = true; /* a reference to a newline: unsure */
                break;
            }
        }
        if (*s != '<') {
            if (p->n_pending > 0) {
                reconstruct(p); /* text reopens what is pending */
            }
            lt = memchr(s, '<', len - p->i);
            to = lt != NULL ? (size_t)(lt - html) : len;
            text_add(p, p->i, to);
            p->i = to;
            continue;
        }
        if (p->i + 1 < len && (ascii_isalpha((unsigned char)s[1]) ||
                               (s[1] == '/' && p->i + 2 < len &&
                                ascii_isalpha((unsigned char)s[2])))) {
            p->bail = !tag(p);
        } else if (len - p->i >= 4 && memcmp(s, "<!--", 4) == 0) {
            p->bail = !comment(p);
        } else {
            p->bail = true;
        }
    }
    text_flush(p);
    for (i = 1; i < p->depth; i++) {
        enum fp_class c = tag_kind(p->stack[i].tag);

        if (c >= FC_TABLE && c <= FC_CELL) {
            p->bail = true; /* table parts left open: not tried */
        }
    }
    while (p->depth > 0 && p->st == SYN_OK) {
        el_pop(p); /* what is open at the end is closed there */
    }
    st = p->st;
    if (st == SYN_OK && !p->bail) {
        *root = r;
    }
    buf_fini(&p->text);
    buf_fini(&p->value);
    syn_free(p->kids);
    syn_free(p);
    syn_free(lf);
    if (st != SYN_OK)
        return syn_err_set(err, st, "out of memory");
    return SYN_OK;
}
