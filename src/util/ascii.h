/* Locale-independent ASCII classification on bytes (as sfeed does): never
 * <ctype.h> on a raw char, whose sign and locale make it a trap. */
#ifndef SYNDIC_UTIL_ASCII_H
#define SYNDIC_UTIL_ASCII_H

static inline int
ascii_isdigit(int c)
{
    return (unsigned)c - '0' < 10;
}

static inline int
ascii_isalpha(int c)
{
    return ((unsigned)c | 32) - 'a' < 26;
}

static inline int
ascii_isalnum(int c)
{
    return ascii_isalpha(c) || ascii_isdigit(c);
}

static inline int
ascii_isxdigit(int c)
{
    return ascii_isdigit(c) || ((unsigned)c | 32) - 'a' < 6;
}

static inline int
ascii_isspace(int c)
{
    return c == ' ' || ((unsigned)c - '\t' < 5);
}

static inline int
ascii_iscntrl(int c)
{
    return (unsigned)c < 0x20 || c == 0x7f;
}

static inline int
ascii_isupper(int c)
{
    return (unsigned)c - 'A' < 26;
}

static inline int
ascii_tolower(int c)
{
    return ascii_isupper(c) ? c | 32 : c;
}

static inline int
ascii_toupper(int c)
{
    return ((unsigned)c - 'a' < 26) ? c & 0x5f : c;
}

#endif
