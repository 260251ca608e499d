#!/usr/bin/env bash
# Times capgate diff (numbers to report with the machine's load):
#  - BenchmarkDiffGit10000: `capgate diff` on a pull request changing 3 of
#    10,000 manifests against git listing both trees (`git ls-tree -r` of
#    each commit); goal: within 3x of the listing, under 40 MB;
#  - BenchmarkDiffGit2000: `capgate diff` on a generated 2,000-manifest git
#    repository, a tenth changed, against `git cat-file --batch` reading
#    every blob of both commits; goal: within 1.3x of the read;
#  - BenchmarkDiffMarkdown10000 / BenchmarkMarkdown10000: 10,000 new
#    manifests, diff and the trimmed PR comment;
#  - BenchmarkCompare10000, BenchmarkCompareLarge (a 1 MiB manifest pair of
#    60,000 grants a side), BenchmarkSymlinks2000 (2,000 chained links read
#    by one git cat-file process).
# Both BenchmarkDiffGit cases run twice: loose/ on the repository as git
# commit made it (loose objects) and packed/ on a clone of it (one packfile,
# what actions/checkout gives), where git is faster and the ratios larger.
# Each reports cpu-ms beside the wall time: the CPU of the run and of the git
# processes it waited for, which a loaded machine moves less.
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./internal/cli -run '^$' -bench 'BenchmarkDiffGit(2000|10000)' -benchtime "${BENCHTIME:-10x}" -count "${COUNT:-1}"
go test ./report -run '^$' -bench 'Markdown10000' -benchtime "${BIGTIME:-1x}" -count "${COUNT:-1}"
go test ./diff -run '^$' -bench 'Compare10000|CompareLarge|Symlinks2000' -benchtime "${BIGTIME:-1x}" -count "${COUNT:-1}"
