#!/usr/bin/env bash
# bench_parse.sh BUILD_DIR: feed parsing throughput of `syndic parse`
# against sfeed (Debian's sfeed, one process reading every feed on stdin)
# and python3-feedparser, side by side in one run, on
#   1. the 104 real XML feeds of ../shared/corpus/feeds/real/{rss2,atom,rdf,rss0}
#   2. ~100 MB of generated feeds (../shared/bench/mkfeeds.py --total-mb 100,
#      cached under $SYNDIC_BENCH_DIR or $TMPDIR/syndic-bench-parse).
# syndic reads all files in one process (`syndic parse --raw FILE...`), as
# sfeed does (`cat FILES | sfeed`). feedparser runs on the real corpus and
# on a 1-in-20 sample of the generated one (it would take many minutes on
# all of it); its MB/s is what is compared. Speeds are computed on CPU
# time (user+sys of the whole pipeline, best of N runs): the benchmark
# machine is shared, and wall time mostly measures the neighbours; wall
# time is printed too. Peak memory is /usr/bin/time's maximum RSS.
# "libxml2 alone" (bench_xmlfloor.c) is the XML parse that both modes
# need, with callbacks that only count: the floor under both.
# Prints MB/s, items/s, peak RSS and the ratios; exit 77 when the corpus
# or a tool is missing.
set -u
build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
case $build in /*) ;; *) build=$root/$build ;; esac
syndic=$build/syndic
corpus=$root/../shared/corpus/feeds
mkfeeds=$root/../shared/bench/mkfeeds.py
work=${SYNDIC_BENCH_DIR:-${TMPDIR:-/tmp}/syndic-bench-parse}
py=/usr/bin/python3

for need in "$syndic" /usr/bin/time "$py"; do
    [ -x "$need" ] || { echo "bench_parse: missing $need"; exit 77; }
done
command -v sfeed >/dev/null || { echo "bench_parse: sfeed not installed"; exit 77; }
[ -d "$corpus/real" ] || { echo "bench_parse: no corpus at $corpus"; exit 77; }
mkdir -p "$work"
if [ ! -s "$work/gen/MANIFEST.tsv" ]; then
    echo "generating ~100 MB of feeds into $work/gen (once)..."
    rm -rf "$work/gen"
    "$py" "$mkfeeds" --out "$work/gen" --total-mb 100 --seed 1 >/dev/null || exit 1
fi

# The floor: libxml2's SAX pass alone, as read_xml.c drives it (see
# bench_xmlfloor.c); both syndic modes do at least this much work.
floor=$work/bench_xmlfloor
cc -O2 -std=c11 "$here/bench_xmlfloor.c" $(pkg-config --cflags --libs libxml-2.0) \
    -o "$floor" || { echo "bench_parse: cannot build bench_xmlfloor"; exit 1; }

exec "$py" - "$syndic" "$corpus" "$work" "$floor" <<'PYEOF'
import glob, json, os, subprocess, sys, time

syndic, corpus, work, floor = sys.argv[1:5]
real = sorted(f for d in ("rss2", "atom", "rdf", "rss0")
              for f in glob.glob(os.path.join(corpus, "real", d, "*")))
gen = sorted(glob.glob(os.path.join(work, "gen", "feeds", "*.xml")))
FP = r'''
import sys, feedparser
n = 0
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        n += len(feedparser.parse(f.read()).entries)
print(n)
'''

def write_list(name, files):
    path = os.path.join(work, name)
    with open(path, "w") as f:
        f.write("\n".join(files) + "\n")
    return path

def run(cmd, runs, keep_out=False):
    """Best CPU time (user+sys, children included) and best wall time over
    runs, the peak RSS (KB) seen, and the last stdout when keep_out."""
    best_cpu = best_wall = None
    rss, out = 0, None
    tfile = os.path.join(work, "time.out")
    for _ in range(runs):
        r = subprocess.run(["/usr/bin/time", "-o", tfile, "-f", "%e %U %S %M"]
                           + cmd, stderr=subprocess.DEVNULL,
                           stdout=subprocess.PIPE if keep_out else subprocess.DEVNULL)
        if r.returncode not in (0, 1):
            sys.exit("bench_parse: %s failed (rc %d)" % (cmd[0], r.returncode))
        wall, user, sys_s, m = open(tfile).read().split()[-4:]
        cpu = float(user) + float(sys_s)
        best_cpu = cpu if best_cpu is None else min(best_cpu, cpu)
        best_wall = float(wall) if best_wall is None else min(best_wall, float(wall))
        rss = max(rss, int(m))
        out = r.stdout
    return max(best_cpu, 0.01), max(best_wall, 0.01), rss, out

def count_syndic(files, raw):
    out = subprocess.run([syndic, "parse"] + (["--raw"] if raw else []) + files,
                         capture_output=True).stdout.decode()
    return sum(len(json.loads(l)["items"]) for l in out.splitlines())

def count_sfeed(lst):
    out = subprocess.run(["sh", "-c", "xargs cat < '%s' | sfeed" % lst],
                         capture_output=True).stdout
    return out.count(b"\n")

def size_mb(files):
    return sum(os.path.getsize(f) for f in files) / 1e6

rows = []
def bench(label, files, runs, fp_files, rep=1):
    """rep: read the file set rep times in each run (small sets, so that
    CPU times are well above the clock's 10 ms resolution)."""
    files = files * rep
    lst = write_list(label + ".list", files)
    mb = size_mb(files)
    res = {}
    c, w, m, _ = run([syndic, "parse", "--raw"] + files, runs)
    res["syndic --raw"] = (mb, c, w, count_syndic(files, True), m)
    c, w, m, _ = run([syndic, "parse"] + files, runs)
    res["syndic (full)"] = (mb, c, w, count_syndic(files, False), m)
    c, w, m, out = run([floor] + files, runs, True)
    res["libxml2 alone"] = (mb, c, w, None, m)  # no items: it builds none
    c, w, m, _ = run(["sh", "-c", "xargs cat < '%s' | sfeed" % lst], runs)
    res["sfeed"] = (mb, c, w, count_sfeed(lst), m)
    fmb = size_mb(fp_files)
    c, w, m, out = run(["/usr/bin/python3", "-c", FP] + fp_files, 1, True)
    res["feedparser"] = (fmb, c, w, int(out), m)
    print("\n== %s: %d files x %d, %.1f MB (feedparser: %d files, %.1f MB)"
          % (label, len(files) // rep, rep, mb, len(fp_files), fmb))
    print("%-14s %9s %7s %7s %8s %9s %9s" % ("tool", "MB/s(cpu)", "cpu s",
                                           "wall s", "items", "items/s",
                                           "peak RSS"))
    for tool, (tmb, c, w, n, m) in res.items():
        items = ("%8d %9.0f" % (n, n / c)) if n is not None else "%8s %9s" % ("-", "-")
        print("%-14s %9.1f %7.2f %7.2f %s %6.1f MB" % (
            tool, tmb / c, c, w, items, m / 1024))
    speed = {k: v[0] / v[1] for k, v in res.items()}
    print("ratio syndic --raw / sfeed (MB/s):       %.2fx" % (speed["syndic --raw"] / speed["sfeed"]))
    print("ratio syndic full / feedparser (MB/s):   %.1fx" % (speed["syndic (full)"] / speed["feedparser"]))
    print("ratio syndic --raw / feedparser (MB/s):  %.1fx" % (speed["syndic --raw"] / speed["feedparser"]))
    floor_x = speed["libxml2 alone"] / speed["feedparser"]
    print("ratio libxml2 alone / feedparser (MB/s): %.1fx: at 50x feedparser, "
          "libxml2 alone takes %.0f%% of the full parse's time"
          % (floor_x, 100 * 50 / floor_x))
    return res

r1 = bench("real", real, 3, real, rep=10)
r2 = bench("generated", gen, 3, gen[::20])
print("\npeak RSS of syndic --raw: %.1f MB reading %.1f MB, %.1f MB reading %.1f MB"
      % (r1["syndic --raw"][4] / 1024, r1["syndic --raw"][0],
         r2["syndic --raw"][4] / 1024, r2["syndic --raw"][0]))
PYEOF
