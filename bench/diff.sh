#!/usr/bin/env bash
# Times capgate diff (numbers to report with the machine's load):
#  - BenchmarkDiffGit2000: `capgate diff` on a generated 2,000-manifest git
#    repository against the floor, `git cat-file --batch` reading the same
#    blobs (goal: within 1.5x of the floor, under 200 MB);
#  - BenchmarkDiffMarkdown10000 / BenchmarkMarkdown10000: 10,000 new
#    manifests, diff and the trimmed PR comment;
#  - BenchmarkCompare10000, BenchmarkCompareLarge (a 1 MiB manifest pair of
#    60,000 grants a side), BenchmarkSymlinks2000 (2,000 chained links read
#    by one git cat-file process).
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./internal/cli -run '^$' -bench BenchmarkDiffGit2000 -benchtime "${BENCHTIME:-10x}" -count "${COUNT:-1}"
go test ./report -run '^$' -bench 'Markdown10000' -benchtime "${BIGTIME:-1x}" -count "${COUNT:-1}"
go test ./diff -run '^$' -bench 'Compare10000|CompareLarge|Symlinks2000' -benchtime "${BIGTIME:-1x}" -count "${COUNT:-1}"
