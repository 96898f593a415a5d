#!/bin/sh
# Peak RSS (the largest process of the run: the parent or a worker, as GNU time reports it) of
# `informe extract` on each hostile input made by make_hostile.py, with default settings.
#   sh tests/hostile/measure.sh [BINARY] [FOLDER]
bin=${1:-target/release/informe}
dir=${2:-/tmp/hostile}
out=$(mktemp -d)
for f in "$dir"/*.* "$dir"/malformed; do
  name=$(basename "$f")
  for mode in workers in-process; do
    flag=""; [ "$mode" = in-process ] && flag="--in-process"
    /usr/bin/time -v "$bin" extract "$f" --out "$out/$name-$mode" --quiet $flag \
      >/dev/null 2>"$out/time.txt"
    rc=$?
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$out/time.txt")
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$out/time.txt")
    reason=$(grep -ho '"reason":"[a-z_]*"' "$out/$name-$mode/manifest.jsonl" 2>/dev/null | sort | uniq -c | tr '\n' ' ')
    printf '%-24s %-10s exit %s  peak %6d MB  %s  %s\n' "$name" "$mode" "$rc" $((kb / 1024)) "$secs" "$reason"
  done
done
rm -rf "$out"
