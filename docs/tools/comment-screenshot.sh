#!/usr/bin/env bash
# Renders the PR comment of the bundled example as GitHub does (cmark-gfm
# with its table, strikethrough and autolink extensions; --unsafe keeps
# <details>) and screenshots it with headless Chromium into docs/comment.png.
# Needs: apt-get install -y cmark-gfm chromium fonts-dejavu-core fonts-noto-color-emoji
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./cmd/capgate diff --base examples/base --head examples/head --format markdown >"$tmp/c.md" || [ $? -eq 1 ]
{
  cat <<'HTML'
<!doctype html><meta charset="utf-8"><style>
body{font:14px/1.5 -apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:#1f2328;max-width:980px;margin:16px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d1d9e0;padding:4px 10px;vertical-align:top}
th{background:#f6f8fa}code{background:#eff1f3;border-radius:4px;padding:.1em .3em;font:12px monospace}
pre{background:#f6f8fa;padding:8px;overflow:auto}h3{border-bottom:1px solid #d1d9e0;padding-bottom:4px}
</style>
HTML
  cmark-gfm --unsafe -e table -e strikethrough -e autolink -e tagfilter "$tmp/c.md"
} >"$tmp/c.html"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --hide-scrollbars --window-size=1100,1500 --screenshot="$PWD/docs/comment.png" "file://$tmp/c.html" 2>/dev/null
echo "wrote docs/comment.png"
