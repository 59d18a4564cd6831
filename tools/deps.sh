#!/usr/bin/env bash
# Install the Debian packages listed in tools/packages.txt that are missing.
# A no-op (and silent but for one line) when everything is present.
# Line format: PACKAGE [COMMAND]  — with COMMAND, the package is only wanted
# when that command is not already on PATH (e.g. npm bundled by another nodejs).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
list="$here/packages.txt"

missing=()
while read -r pkg cmd _; do
    case "$pkg" in ''|'#'*) continue ;; esac
    case "${cmd:-}" in '#'*) cmd= ;; esac
    if [ -n "${cmd:-}" ] && command -v "$cmd" >/dev/null 2>&1; then
        continue
    fi
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "$status" = "install ok installed" ] || missing+=("$pkg")
done < "$list"

# The browser tests' npm packages (playwright-core drives Debian's
# chromium; it never downloads a browser). Installed from the lock file,
# only when missing or older than the lock.
npm_deps() {
    local dir="$here/../tests/e2e"
    [ -f "$dir/package-lock.json" ] || return 0
    if [ -d "$dir/node_modules" ] &&
       [ "$dir/node_modules/.package-lock.json" -nt "$dir/package-lock.json" ]; then
        return 0
    fi
    echo "deps: npm ci in tests/e2e"
    (cd "$dir" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
}

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all $(grep -c -v -E '^\s*(#|$)' "$list") Debian packages present"
    npm_deps
    exit 0
fi

echo "deps: missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
    echo "deps: run as root (or: sudo apt-get install ${missing[*]})" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# Postfix is only wanted for its smtp-source/smtp-sink benchmark tools:
# never let it configure a mail system on the host.
echo "postfix postfix/main_mailer_type select No configuration" |
    debconf-set-selections 2>/dev/null || true
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "deps: installed ${missing[*]}"
npm_deps
