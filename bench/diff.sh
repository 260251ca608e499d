#!/usr/bin/env bash
# Times capgate diff on a generated 2,000-manifest git repository against
# git cat-file --batch reading the same blobs (issue: within 3x, < 200 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
go test ./internal/cli -run '^$' -bench BenchmarkDiffGit2000 -benchtime "${BENCHTIME:-10x}" -count "${COUNT:-1}"
