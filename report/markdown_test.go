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
		"fixes #123 and other/repo#7",
	}
	r := &diff.Result{Base: "base", Head: "head"}
	for i, e := range evil {
		m := diff.ManifestDiff{Path: fmt.Sprintf("servers/%d/%s.json", i, e), Status: diff.StatusModified,
			Changes:   []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "all", Before: e, After: e, Why: e, Line: 1, Col: 1, Side: "head"}},
			TextDiffs: []diff.TextDiff{{Target: "squid", Diff: "+" + e + "\n+```\n+</details>\n"}}}
		r.Manifests = append(r.Manifests, m)
		r.Counts.Widened++
		r.Manifests = append(r.Manifests, diff.ManifestDiff{Path: fmt.Sprintf("servers/%d/broken/%s.json", i, e), Status: diff.StatusError, Changes: []diff.Change{},
			Error: &diff.Problem{Code: "PARSE" + e, Message: e + "\n```\n" + e, Hint: e, Line: 1, Col: 1}})
		r.Counts.Errors++
	}
	return r
}

// Text from manifests cannot make HTML, mentions, links, or leave its
// table cell or code block.
func TestMarkdownEscapesManifestText(t *testing.T) {
	t.Parallel()
	md := string(Markdown(hostile(), MarkdownOptions{}))
	// Outside fenced code blocks (which GitHub shows literally), nothing
	// from a manifest may act as Markdown or HTML.
	var outside []string
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		// A fence may be indented (an error's message in a list item).
		bare := strings.TrimLeft(line, " ")
		switch {
		case fence == "" && strings.HasPrefix(bare, "```"):
			fence = strings.TrimRight(bare, "abcdefghijklmnopqrstuvwxyz")
		case fence != "" && bare == fence:
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
	// GitHub links "#123" in text (a backslash before "#" is gone by
	// then) and marks each issue it names as mentioned by capgate.
	if ref := regexp.MustCompile(`#[0-9]`).FindString(text); ref != "" {
		t.Errorf("markdown outside code blocks holds an issue reference %q", ref)
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
	t.Parallel()
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
	if !strings.HasPrefix(md, "<!-- marker -->\n> [!WARNING]\n> **capgate: blocked.** 400 widened capabilities are not approved.\n") || !strings.Contains(md, "Trimmed to fit GitHub's comment limit") {
		t.Errorf("trimmed comment lacks its header or its note:\n%.300s", md)
	}
	if o, c := strings.Count(md, "<details>"), strings.Count(md, "</details>"); o != c {
		t.Errorf("trimmed: %d <details> opened, %d closed", o, c)
	}
	if !strings.Contains(md, "#### Widened (400)") {
		t.Errorf("the widened table must stay first")
	}
	full := string(Markdown(r, MarkdownOptions{Limit: 1 << 24}))
	if strings.Contains(full, "Trimmed") || strings.Count(full, "Policy diff") != 400 {
		t.Errorf("with room, nothing is trimmed")
	}
}

// A comment of 900 widened env entries and one Docker-socket grant keeps
// the socket (first, in the host-control table) and fits the limit with
// its trim note, header and footer included.
func TestMarkdownKeepsLoudWhenTrimming(t *testing.T) {
	t.Parallel()
	r := &diff.Result{Base: "b", Head: "h"}
	m := diff.ManifestDiff{Path: "servers/env/capgate.json", Status: diff.StatusModified}
	for i := 0; i < 900; i++ {
		m.Changes = append(m.Changes, diff.Change{Severity: diff.Widened, Kind: "env", Target: "bwrap,docker",
			After: fmt.Sprintf("SECRET_%04d_%s", i, strings.Repeat("X", 60)), Why: "new environment variable passed into the sandbox", Line: 3, Side: "head"})
	}
	m.TextDiffs = []diff.TextDiff{{Target: "docker", Diff: strings.Repeat("+    \"--env\",\n", 5000)}}
	sock := diff.ManifestDiff{Path: "servers/zz/capgate.json", Status: diff.StatusModified,
		Changes: []diff.Change{{Severity: diff.Widened, Kind: "fs", Target: "bwrap,docker", After: "ro /var/run",
			Why: "HOST CONTROL: contains a container-engine socket (/var/run/docker.sock)", Loud: true, Line: 4, Side: "head"}}}
	r.Manifests = []diff.ManifestDiff{m, sock}
	r.Counts, _ = diff.Tally(r.Manifests)
	for _, opts := range []MarkdownOptions{{}, {Header: "<!-- marker -->\n", Footer: strings.Repeat("f", 3000)}, {Limit: 5000}} {
		md := string(Markdown(r, opts))
		limit := opts.Limit
		if limit == 0 {
			limit = GitHubCommentLimit
		}
		if n := size(md); n > limit {
			t.Errorf("limit %d: %d characters", limit, n)
		}
		if !strings.Contains(md, "Trimmed to fit") {
			t.Errorf("limit %d: no trim note", limit)
		}
		loud := strings.Index(md, "/var/run")
		if loud < 0 {
			t.Fatalf("limit %d: the Docker-socket grant was trimmed away:\n%s", limit, md)
		}
		if first := strings.Index(md, "SECRET_"); first >= 0 && first < loud {
			t.Errorf("limit %d: an env row comes before the loud one", limit)
		}
		if !strings.HasPrefix(strings.TrimPrefix(md, opts.Header), "> [!CAUTION]\n> **capgate: blocked.** 1 host-control change and 900 other widened capabilities are not approved.\n") {
			t.Errorf("limit %d: heading does not count the loud change: %.200s", limit, md)
		}
		if !strings.HasSuffix(md, opts.Footer) {
			t.Errorf("limit %d: footer lost", limit)
		}
		if o, c := strings.Count(md, "<details>"), strings.Count(md, "</details>"); o != c {
			t.Errorf("limit %d: %d <details> opened, %d closed", limit, o, c)
		}
	}
	// The widened rows go after the less important parts: with room for
	// some, the policy diff and manifest details are gone first.
	md := string(Markdown(r, MarkdownOptions{}))
	if strings.Contains(md, "Policy diff") && strings.Contains(md, "Left out:") && strings.Contains(md, "widened rows") {
		t.Errorf("widened rows dropped while a policy diff was kept")
	}
}

// Manifest text cannot hide or reorder itself: bidi controls and
// zero-width characters are shown escaped in every format.
func TestInvisibleCharactersShown(t *testing.T) {
	t.Parallel()
	evil := "servers/a\u202egnp.json\u200b"
	r := &diff.Result{Base: "b", Head: "h", Manifests: []diff.ManifestDiff{{Path: evil, Status: diff.StatusModified,
		Changes:   []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "all", After: "x\u2066y", Why: "w\u200dz", Line: 1, Side: "head"}},
		TextDiffs: []diff.TextDiff{{Target: "squid", Diff: "+acl \u202e x\n"}}}}}
	r.Counts, _ = diff.Tally(r.Manifests)
	for name, out := range map[string][]byte{"markdown": Markdown(r, MarkdownOptions{}), "text": PlainText(r, DefaultGate()), "json": JSON(r), "sarif": SARIF(r, "t")} {
		for _, bad := range []rune{'\u202e', '\u2066', '\u200d'} {
			if strings.ContainsRune(string(out), bad) {
				t.Errorf("%s output holds a raw U+%04X", name, bad)
			}
		}
		shown := `\u202e`
		if name == "sarif" {
			shown = "servers/a%E2%80%AEgnp.json%E2%80%8B" // the URI, percent-encoded
		}
		if !strings.Contains(string(out), shown) {
			t.Errorf("%s output does not show the bidi override escaped (%s)", name, shown)
		}
	}
}

// TestTextDiffFenceOnItsOwnLine: a policy diff without its last line end
// (a downloaded report in post mode; diff.Unified always ends one) still
// gets its closing fence on a line of its own: "+x```" closed nothing, and
// the rest of the comment, every later section included, was code.
func TestTextDiffFenceOnItsOwnLine(t *testing.T) {
	t.Parallel()
	r := &diff.Result{Base: "b", Head: "h", Manifests: []diff.ManifestDiff{{Path: "s/capgate.json", Status: diff.StatusModified,
		Changes: []diff.Change{}, TextDiffs: []diff.TextDiff{{Target: "squid", Diff: "+x"}}}}}
	md := string(Markdown(r, MarkdownOptions{}))
	if !strings.Contains(md, "```diff\n+x\n```\n") {
		t.Errorf("the diff's fence is not closed on its own line:\n%s", md)
	}
}
