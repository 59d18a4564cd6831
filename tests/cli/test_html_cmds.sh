#!/usr/bin/env bash
# syndic sanitize / syndic excerpt: the command-line contract (stdin to
# stdout, --base, FILE..., --words, --text, exit codes 0/1/2).
# Usage: test_html_cmds.sh SYNDIC_BIN
set -u
bin=${1:?usage: test_html_cmds.sh SYNDIC_BIN}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# check DESCRIPTION WANT_CODE WANT_STDOUT -- COMMAND... (stdin from $in)
check() {
    local what=$1 want_code=$2 want_out=$3; shift 4
    local out code
    out=$(printf '%s' "$in" | "$@" 2>"$tmp/err")
    code=$?
    if [ "$code" -eq "$want_code" ] && [ "$out" = "$want_out" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $what: exit $code (want $want_code)"
        echo "   got: $out"
        echo "  want: $want_out"
        sed 's/^/  stderr: /' "$tmp/err" | head -3
    fi
}

in='<p onclick="x()">Hi <a href="/a">there</a><script>alert(1)</script></p>'
check "sanitize stdin" 0 '<p>Hi <a href="/a" rel="nofollow noopener noreferrer">there</a></p>' -- "$bin" sanitize
check "sanitize --base" 0 '<p>Hi <a href="https://ex.org/a" rel="nofollow noopener noreferrer">there</a></p>' -- "$bin" sanitize --base https://ex.org/x/y
check "sanitize --base=" 0 '<p>Hi <a href="https://ex.org/a" rel="nofollow noopener noreferrer">there</a></p>' -- "$bin" sanitize --base=https://ex.org/
printf '<b>one' > "$tmp/1.html"
printf '<i>two</i><svg></svg>' > "$tmp/2.html"
in=''
check "sanitize FILE..." 0 "$(printf '<b>one</b>\n<i>two</i>')" -- "$bin" sanitize "$tmp/1.html" "$tmp/2.html"
check "sanitize missing file" 1 '' -- "$bin" sanitize "$tmp/nope.html"
check "sanitize bad option" 2 '' -- "$bin" sanitize --bogus
check "sanitize --base without value" 2 '' -- "$bin" sanitize --base
head -c 3000000 /dev/zero | tr '\0' 'a' > "$tmp/big.html"
check "sanitize input past 2 MiB" 1 '' -- "$bin" sanitize "$tmp/big.html"

in='<p>First sentence here. Second sentence is much longer than the rest of it.</p>'
check "excerpt --words" 0 '<p>First sentence here. …</p>' -- "$bin" excerpt --words 5
check "excerpt --text" 0 'First sentence here. …' -- "$bin" excerpt --words 5 --text
check "excerpt default 40 words" 0 '<p>First sentence here. Second sentence is much longer than the rest of it.</p>' -- "$bin" excerpt
check "excerpt --words 0" 2 '' -- "$bin" excerpt --words 0
check "excerpt --words junk" 2 '' -- "$bin" excerpt --words 12x
check "excerpt extra argument" 2 '' -- "$bin" excerpt extra
check "sanitize --help" 0 "$("$bin" help sanitize)" -- "$bin" sanitize --help

echo "test_html_cmds: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
