#!/usr/bin/env bash
# Ban unsafe or locale-dependent C functions in src/ (STYLE.md section 6).
# Usage: checksrc.sh SRC_DIR. Exit 1 and list offenders when any is found.
set -u
dir=${1:-src}
banned='strcpy|strcat|strncpy|strncat|sprintf|vsprintf|gets|strtok|atoi|atol|atof'
hits=$(grep -rnE --include='*.c' --include='*.h' "(^|[^_a-zA-Z0-9])($banned)[[:space:]]*\(" "$dir" |
       grep -vE '(snprintf|vsnprintf)' || true)
ctype=$(grep -rnE --include='*.c' --include='*.h' '#include <ctype.h>' "$dir" || true)
exits=$(grep -rnE --include='*.c' '(^|[^_a-zA-Z0-9])(exit|abort)[[:space:]]*\(' "$dir" |
        grep -vE "^$dir/(main\.c|cmd/)" || true)
status=0
if [ -n "$hits" ]; then echo "banned functions:"; echo "$hits"; status=1; fi
if [ -n "$ctype" ]; then echo "use util/ascii.h, not <ctype.h>:"; echo "$ctype"; status=1; fi
if [ -n "$exits" ]; then echo "exit/abort outside main.c and cmd/:"; echo "$exits"; status=1; fi
[ $status -eq 0 ] && echo "checksrc: clean"
exit $status
