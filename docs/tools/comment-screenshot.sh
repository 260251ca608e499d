#!/usr/bin/env bash
# Renders the PR comment of the bundled example as GitHub does (cmark-gfm
# with its table, strikethrough and autolink extensions; --hardbreaks as in
# comments, where a newline is a line break; --unsafe keeps
# <details>; GitHub's alerts, "> [!CAUTION]", styled as GitHub styles them)
# and screenshots the first screen, 1000 x 1200 px, with headless Chromium
# into docs/comment.png: the verdict, the next step and the host-control
# rows must be on it.
# Needs: apt-get install -y cmark-gfm chromium fonts-dejavu-core fonts-noto-color-emoji
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go run ./cmd/capgate diff --base examples/base --head examples/head --format comment >"$tmp/c.md" || [ $? -eq 1 ]
{
  cat <<'HTML'
<!doctype html><meta charset="utf-8"><style>
body{font:14px/1.5 -apple-system,"Segoe UI","DejaVu Sans",sans-serif;color:#1f2328;max-width:960px;margin:16px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #d1d9e0;padding:4px 10px;vertical-align:top}
th{background:#f6f8fa}code{background:#eff1f3;border-radius:4px;padding:.1em .3em;font:12px monospace}
pre{background:#f6f8fa;padding:8px;overflow:auto}h3{border-bottom:1px solid #d1d9e0;padding-bottom:4px}
blockquote{margin:0 0 16px;padding:0 1em;border-left:.25em solid #d1d9e0;color:#59636e}
.alert{color:#1f2328}.alert .title{font-weight:600;margin:8px 0 0}
.CAUTION{border-color:#cf222e}.CAUTION .title{color:#cf222e}.WARNING{border-color:#9a6700}.WARNING .title{color:#9a6700}
.IMPORTANT{border-color:#8250df}.IMPORTANT .title{color:#8250df}.TIP{border-color:#1a7f37}.TIP .title{color:#1a7f37}
.NOTE{border-color:#0969da}.NOTE .title{color:#0969da}
</style>
HTML
  cmark-gfm --unsafe --hardbreaks -e table -e strikethrough -e autolink -e tagfilter "$tmp/c.md" |
    sed -E 'N;s#<blockquote>\n<p>\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]#<blockquote class="alert \1"><p class="title">\1</p><p>#;P;D'
} >"$tmp/c.html"
# The first screen must hold the verdict, the next step and every
# host-control row: measure where the host-control table ends.
cat >"$tmp/measure.html" <<'HTML'
<script>
addEventListener("load", () => {
  const h = [...document.querySelectorAll("h4")].find(e => e.textContent.includes("Host control"));
  const t = h && h.nextElementSibling;
  document.body.setAttribute("data-host-control-bottom", t ? Math.ceil(t.getBoundingClientRect().bottom) : -1);
});
</script>
HTML
cat "$tmp/c.html" "$tmp/measure.html" >"$tmp/m.html"
bottom=$(chromium --headless --no-sandbox --disable-gpu --disable-background-networking --hide-scrollbars \
  --window-size=1000,1200 --virtual-time-budget=2000 --dump-dom "file://$tmp/m.html" 2>/dev/null |
  sed -n 's/.*data-host-control-bottom="\(-\{0,1\}[0-9]*\)".*/\1/p')
if [ -z "$bottom" ] || [ "$bottom" -lt 0 ] || [ "$bottom" -gt 1200 ]; then
  echo "the host-control rows end at ${bottom:-?} px, not on the first screen (1200 px)" >&2
  exit 1
fi
echo "host-control rows end at $bottom px of 1200"
chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
  --hide-scrollbars --window-size=1000,1200 --screenshot="$PWD/docs/comment.png" "file://$tmp/c.html" 2>/dev/null
echo "wrote docs/comment.png"
