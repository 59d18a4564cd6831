#!/usr/bin/env bash
# make demo: load the bundled demo data into a fresh database and serve it.
# Usage: demo/run.sh BUILD/syndic. Works offline: the feeds are files.
set -eu
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
state="$(dirname "$bin")/demo"
mkdir -p "$state"
export SYNDIC_DB="$state/demo.db" SYNDIC_CONFIG="$here/syndic.ini"
rm -f "$SYNDIC_DB" "$SYNDIC_DB-wal" "$SYNDIC_DB-shm"

"$bin" init
while IFS=$'\t' read -r slug name url description feed; do
    "$bin" partner add "$slug" --name "$name" --url "$url" \
        --description "$description" >/dev/null
    "$bin" source add "file://$here/feeds/$feed" --partner "$slug"
done < "$here/partners.tsv"
"$bin" fetch --all
echo
"$bin" source list
echo
echo "demo: database $SYNDIC_DB, configuration $SYNDIC_CONFIG"
echo "demo: serving http://127.0.0.1:8080/ (Ctrl-C stops)"
exec "$bin" serve --no-mail
