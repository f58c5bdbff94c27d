#!/usr/bin/env sh
# Whole-process start-up of CLI commands: runs each command RUNS times, alternating between them (so
# load from other processes hits all alike), and prints per command the median, min and max wall time
# and the median max RSS (GNU time, as /usr/bin/time -v reports it).
#   consent-benchmarks/scripts/cli-start.sh 11 "old: java -jar old.jar status +15122000000 --store s.csv" \
#                                            "new: ./bin/consent status +15122000000 --store s.csv"
# Each argument is "label: command"; the command's output is discarded, its exit code ignored (status
# exits 1 for a number that may not be texted).
set -e
runs=$1
shift
out=$(mktemp -d "${TMPDIR:-/tmp}/cli-start.XXXXXX")
i=0
while [ "$i" -lt "$runs" ]; do
  n=0
  for spec in "$@"; do
    cmd=${spec#*: }
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %M" -o "$out/t" sh -c "$cmd" >/dev/null 2>&1 || true
    tail -n 1 "$out/t" >> "$out/$n" # GNU time puts "Command exited with non-zero status" first
    n=$((n + 1))
  done
  i=$((i + 1))
done
n=0
printf '%-10s %8s %8s %8s %12s  (%s runs, load average %s)\n' command median min max "max RSS" "$runs" \
  "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
for spec in "$@"; do
  label=${spec%%: *}
  rss=$(cut -d' ' -f2 "$out/$n" | sort -n | awk '{m[NR]=$1} END {print (NR % 2) ? m[(NR+1)/2] : (m[NR/2] + m[NR/2+1]) / 2}')
  cut -d' ' -f1 "$out/$n" | sort -n | awk -v label="$label" -v rss="$rss" '{w[NR]=$1} END {
      med = (NR % 2) ? w[(NR+1)/2] : (w[NR/2] + w[NR/2+1]) / 2;
      printf "%-10s %7.2fs %7.2fs %7.2fs %9.1f MB\n", label, med, w[1], w[NR], rss / 1024 }'
  n=$((n + 1))
done
rm -rf "$out"
