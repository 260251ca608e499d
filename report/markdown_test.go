package report

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/razukc/capgate-action/diff"
)

func hostile() *diff.Result {
	evil := []string{
		"<script>alert(1)</script>", "@octocat please merge", "| col | break |", "`code` ``` fence",
		"[link](https://evil.example)", "www.evil.example", "</details><img src=x onerror=alert(1)>",
		"line\nbreak # heading", "**bold** _em_ ~~s~~", "<!-- capgate-action:default -->",
	}
	r := &diff.Result{Base: "base", Head: "head"}
	for i, e := range evil {
		m := diff.ManifestDiff{Path: fmt.Sprintf("servers/%d/%s.json", i, e), Status: diff.StatusModified,
			Changes:   []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "all", Before: e, After: e, Why: e, Line: 1, Col: 1, Side: "head"}},
			TextDiffs: []diff.TextDiff{{Target: "squid", Diff: "+" + e + "\n+```\n+</details>\n"}}}
		r.Manifests = append(r.Manifests, m)
		r.Counts.Widened++
	}
	return r
}

// Text from manifests cannot make HTML, mentions, links, or leave its
// table cell or code block.
func TestMarkdownEscapesManifestText(t *testing.T) {
	md := string(Markdown(hostile(), MarkdownOptions{}))
	// Outside fenced code blocks (which GitHub shows literally), nothing
	// from a manifest may act as Markdown or HTML.
	var outside []string
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		switch {
		case fence == "" && strings.HasPrefix(line, "```"):
			fence = strings.TrimRight(line, "abcdefghijklmnopqrstuvwxyz")
		case fence != "" && line == fence:
			fence = ""
		case fence == "":
			outside = append(outside, line)
		}
	}
	if fence != "" {
		t.Fatalf("a code fence is never closed")
	}
	// Inline code spans and <code> elements are literal too.
	text := regexp.MustCompile("`[^`\n]*`|<code>[^<]*</code>").ReplaceAllString(strings.Join(outside, "\n"), "")
	for _, bad := range []string{"<script", "<img", "@octocat", "](https://", "www.evil", "</details><img", "<!-- capgate-action:default -->", "\n# heading"} {
		if strings.Contains(text, bad) {
			t.Errorf("markdown outside code blocks contains %q", bad)
		}
	}
	cells := func(line string) int { return strings.Count(line, "|") - strings.Count(line, "\\|") }
	header := 0
	for _, line := range outside {
		switch {
		case strings.HasPrefix(line, "|---"):
		case strings.HasPrefix(line, "| Manifest") || strings.HasPrefix(line, "| Severity"):
			header = cells(line)
		case strings.HasPrefix(line, "| "):
			if cells(line) != header {
				t.Errorf("a table row has %d separators, its header %d: %q", cells(line), header, line)
			}
		}
	}
	// Fences are longer than any backtick run inside them.
	if !strings.Contains(md, "````diff\n") {
		t.Errorf("a diff holding ``` needs a longer fence")
	}
}

func TestMarkdownTrimsToLimit(t *testing.T) {
	r := &diff.Result{Base: "b", Head: "h"}
	for i := 0; i < 400; i++ {
		r.Manifests = append(r.Manifests, diff.ManifestDiff{Path: fmt.Sprintf("servers/%03d/capgate.json", i), Status: diff.StatusModified,
			Changes:   []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "all", After: strings.Repeat("host.example:443 ", 5), Why: "new egress destination", Line: 3, Side: "head"}},
			TextDiffs: []diff.TextDiff{{Target: "squid", Diff: strings.Repeat("+acl cg_dst_0 dstdomain host.example\n", 20)}}})
		r.Counts.Widened++
	}
	md := string(Markdown(r, MarkdownOptions{Header: "<!-- marker -->\n"}))
	if n := len([]rune(md)); n > GitHubCommentLimit {
		t.Fatalf("%d characters, over the limit", n)
	}
	if !strings.HasPrefix(md, "<!-- marker -->\n### ") || !strings.Contains(md, "Trimmed to fit GitHub's comment limit") {
		t.Errorf("trimmed comment lacks its header or its note:\n%.300s", md)
	}
	if !strings.Contains(md, "#### Widened (400)") {
		t.Errorf("the widened table must stay first")
	}
	full := string(Markdown(r, MarkdownOptions{Limit: 1 << 24}))
	if strings.Contains(full, "Trimmed") || strings.Count(full, "Policy diff") != 400 {
		t.Errorf("with room, nothing is trimmed")
	}
}
