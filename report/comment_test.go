package report

import (
	"flag"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/razukc/capgate-action/diff"
)

var update = flag.Bool("update", false, "rewrite the comment goldens in testdata/comment")

const (
	baseSHA = "1111111111111111111111111111111111111111"
	headSHA = "2222222222222222222222222222222222222222"
)

func link(p string, line int) string {
	return "https://github.example/o/r/blob/" + headSHA + "/" + URI(p) + "#L" + strconv.Itoa(line)
}

// Manifests of the scenarios: a Docker socket, a new egress host, a head
// that does not parse, and one whose policy changed only in a note.
func loudManifest(approved bool) diff.ManifestDiff {
	return diff.ManifestDiff{Path: "servers/dvmcp/capgate.json", Status: diff.StatusModified, Approved: approved,
		Changes: []diff.Change{{Severity: diff.Widened, Kind: "fs", Target: "bwrap,docker", After: "rw /var/run/docker.sock",
			Why: "HOST CONTROL: CONTAINER ENGINE SOCKET (Docker): control of the host's container engine, which is root on the host", Loud: true, Line: 5, Col: 9, Side: "head"}},
		TextDiffs: []diff.TextDiff{{Target: "bwrap", Diff: "+    \"--bind\",\n+    \"/var/run/docker.sock\",\n+    \"/var/run/docker.sock\",\n"}}}
}

func wideManifest(approved bool) diff.ManifestDiff {
	return diff.ManifestDiff{Path: "servers/github/capgate.json", Status: diff.StatusModified, Approved: approved,
		Changes: []diff.Change{
			{Severity: diff.Widened, Kind: "net", Target: "bwrap,docker,squid", After: "uploads.github.com:443", Why: "new egress destination", Line: 5, Col: 40, Side: "head"},
			{Severity: diff.Narrowed, Kind: "env", Target: "bwrap,docker", Before: "NPM_TOKEN", Why: "environment variable removed", Line: 6, Col: 12, Side: "base"},
		},
		TextDiffs: []diff.TextDiff{{Target: "squid", Diff: " acl cg_dst_0 dstdomain api.github.com\n+acl cg_dst_1 dstdomain uploads.github.com\n"}}}
}

func brokenManifest() diff.ManifestDiff {
	return diff.ManifestDiff{Path: "servers/db/capgate.json", Status: diff.StatusError, Changes: []diff.Change{},
		Error: &diff.Problem{Code: "PARSE", Message: "Unexpected token ']', ...\"443\"]},\n  {\"name\"... is not valid JSON",
			Hint: "manifests are strict JSON: no comments, no trailing commas, keys in double quotes", Line: 7, Col: 41}}
}

func coveredManifest() diff.ManifestDiff {
	return diff.ManifestDiff{Path: "servers/fetch/capgate.json", Status: diff.StatusModified, Changes: []diff.Change{},
		TextDiffs: []diff.TextDiff{{Target: "squid", Diff: " http_access allow cg_dst_0 cg_port_0\n+acl cg_dst_1 dstdomain pypi.org\n"}}}
}

func notesManifest() diff.ManifestDiff {
	return diff.ManifestDiff{Path: "servers/time/capgate.json", Status: diff.StatusModified, Changes: []diff.Change{},
		TextDiffs: []diff.TextDiff{{Target: "bwrap", Diff: "-    \"old note\"\n+    \"new note\"\n", NotesOnly: true}}}
}

func result(ms ...diff.ManifestDiff) *diff.Result {
	r := &diff.Result{Base: baseSHA[:12], Head: headSHA[:12], Manifests: append(ms, diff.ManifestDiff{Path: "servers/puppeteer/capgate.json", Status: diff.StatusUnchanged, Changes: []diff.Change{}})}
	r.Counts, _ = diff.Tally(r.Manifests)
	return r
}

func gate() Gate {
	g := DefaultGate()
	g.Base, g.Head, g.Lock, g.LockOwned, g.Label = baseSHA, headSHA, "capgate.lock", true, "capgate:approve-widening"
	return g
}

// scenario is one comment golden: what it must say, and what it must not.
type scenario struct {
	r          *diff.Result
	g          Gate
	alert      string // the alert's kind
	want, not  []string
	exitFailed bool
}

func scenarios() map[string]scenario {
	selfApproved := gate()
	selfApproved.LockOwned, selfApproved.SelfApproved = false, []string{"servers/github/capgate.json"}
	byLabel := gate()
	byLabel.ByLabel = true
	return map[string]scenario{
		"blocked": {r: result(loudManifest(false), wideManifest(false), brokenManifest(), coveredManifest(), notesManifest()), g: gate(), alert: "CAUTION", exitFailed: true,
			want: []string{"1 host-control change and 1 other widened capability are not approved; 1 manifest does not compile",
				"fix the error in `servers/db/capgate.json` line 7", "applies the `capgate:approve-widening` label",
				"capgate approve --base 111111111111 --head 222222222222 --lock capgate.lock",
				"changed but covered", "notes only", "**hint:** manifests are strict JSON: no comments, no trailing commas",
				"  Unexpected token ']', ...\"443\"]},\n    {\"name\"... is not valid JSON\n", "[`servers/db/capgate.json`:7:41](https://github.example/"},
			not: []string{"approved by"}},
		"approved-by-lock": {r: result(loudManifest(true), wideManifest(true)), g: gate(), alert: "IMPORTANT",
			want: []string{"**capgate passes.** 1 host-control change and 1 widened capability, all approved by `capgate.lock` (the approval lock)", "**Next step:** none"},
			not:  []string{"capgate approve --base", "applies the", "not approved", "🚨 this change"}},
		"approved-by-label": {r: result(wideManifest(false)), g: byLabel, alert: "TIP",
			want: []string{"**capgate passes.** 1 widened capability, all approved by the `capgate:approve-widening` label", "**Next step:** none"},
			not:  []string{"capgate approve --base", "applies the", "not approved"}},
		"errors-only": {r: result(brokenManifest()), g: gate(), alert: "WARNING", exitFailed: true,
			want: []string{"**capgate: blocked.** 1 manifest does not compile.", "**Next step:** fix the error in `servers/db/capgate.json` line 7: manifests are strict JSON: no comments, no trailing commas, keys in double quotes."},
			not:  []string{"capgate approve", "label", "CODEOWNERS"}},
		"self-approved-with-error": {r: result(wideManifest(false), brokenManifest()), g: selfApproved, alert: "WARNING", exitFailed: true,
			want: []string{"`capgate.lock` in this pull request approves the widening, but no CODEOWNERS rule", "> /capgate.lock @your-org/security\n"},
			not:  []string{"capgate approve --base", "To approve this widening"}},
		"no-change": {r: result(), g: gate(), alert: "NOTE",
			want: []string{"**capgate passes.** No manifest changes", "**Next step:** none."},
			not:  []string{"capgate approve", "label"}},
	}
}

// TestCommentGoldens: the comment of each scenario matches its golden
// (go test ./report -update rewrites them), starts with the verdict and
// the next step as a GitHub alert, and names only the steps that apply.
func TestCommentGoldens(t *testing.T) {
	t.Parallel()
	for name, sc := range scenarios() {
		g := sc.g
		got := Comment(sc.r, CommentOptions{Gate: &g, HeadSHA: headSHA, Link: link})
		path := filepath.Join("testdata", "comment", name+".md")
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != string(want) {
			t.Errorf("%s: the comment differs from %s (go test ./report -update rewrites it):\n%s", name, path, got)
		}
		lines := strings.SplitN(got, "\n", 5)
		if lines[0] != "<!-- capgate-action:default -->" || lines[1] != "> [!"+sc.alert+"]" ||
			!strings.HasPrefix(lines[2], "> **capgate") || !strings.HasPrefix(lines[3], "> **Next step:**") {
			t.Errorf("%s: the comment does not open with the marker, a %s alert, the verdict and the next step:\n%s", name, sc.alert, strings.Join(lines[:4], "\n"))
		}
		if blocked := strings.HasPrefix(lines[2], "> **capgate: blocked.**"); blocked != sc.exitFailed {
			t.Errorf("%s: blocked %v, want %v", name, blocked, sc.exitFailed)
		}
		if j := Judge(sc.r, g); j.Fails != sc.exitFailed {
			t.Errorf("%s: Judge.Fails %v, want %v", name, j.Fails, sc.exitFailed)
		}
		for _, w := range sc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: the comment does not say %q", name, w)
			}
		}
		for _, n := range sc.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: the comment says %q, which does not apply", name, n)
			}
		}
	}
}

// The first screen (about 1,000 px wide, 1,200 tall: some 45 lines of
// rendered text) holds the verdict, the next step and the host-control
// rows: in the Markdown, they come before anything collapsed or long.
func TestCommentFirstScreen(t *testing.T) {
	t.Parallel()
	sc := scenarios()["blocked"]
	got := Comment(sc.r, CommentOptions{Gate: &sc.g, HeadSHA: headSHA, Link: link})
	loud := strings.Index(got, "#### 🚨 Host control (1)")
	row := strings.Index(got, "rw /var/run/docker.sock")
	for what, i := range map[string]int{"errors": strings.Index(got, "#### ⛔ Errors"), "widened": strings.Index(got, "#### Widened"),
		"details": strings.Index(got, "<details>")} {
		if i < row {
			t.Errorf("%s come before the host-control row", what)
		}
	}
	if loud < 0 || strings.Count(got[:row], "\n") > 15 {
		t.Errorf("the host-control row is on line %d, want it within the first 15", strings.Count(got[:row], "\n")+1)
	}
}

// Nothing meant to be copied holds an invisible character: no string
// literal of the report, the action or the CLI (the templates) holds one,
// escape.go's tables and one-character literals (which name a character
// to strip) aside, and no code block of any comment does (the
// CODEOWNERS line used to carry @ and a zero-width space).
func TestNoInvisibleCharactersInTemplates(t *testing.T) {
	t.Parallel()
	var files []string
	for _, dir := range []string{".", "../internal/action", "../internal/cli", "../lint", "../diff"} {
		fs, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || filepath.Base(f) == "escape.go" {
			continue
		}
		fset := token.NewFileSet()
		af, err := parser.ParseFile(fset, f, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(af, func(nd ast.Node) bool {
			lit, ok := nd.(*ast.BasicLit)
			if !ok || (lit.Kind != token.STRING && lit.Kind != token.CHAR) {
				return true
			}
			n++
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if utf8.RuneCountInString(s) == 1 {
				return true // one character alone names it (to strip or trim it), no template
			}
			if i := strings.IndexFunc(s, Invisible); i >= 0 {
				t.Errorf("%s: a literal holds the invisible U+%04X: %.60q", fset.Position(lit.Pos()), []rune(s[i:])[0], s)
			}
			return true
		})
	}
	if n < 500 {
		t.Fatalf("only %d literals scanned", n)
	}
	for name, sc := range scenarios() {
		g := sc.g
		for _, block := range codeBlocks(Comment(sc.r, CommentOptions{Gate: &g, HeadSHA: headSHA, Link: link})) {
			if strings.ContainsFunc(block, Invisible) {
				t.Errorf("%s: a code block holds an invisible character: %q", name, block)
			}
		}
	}
}

// codeBlocks returns the fenced blocks and code spans of md, quote marks
// ("> ") taken off.
func codeBlocks(md string) []string {
	var out []string
	var cur []string
	in := false
	for _, l := range strings.Split(md, "\n") {
		l = strings.TrimPrefix(strings.TrimLeft(l, " "), "> ")
		if strings.HasPrefix(l, "```") {
			if in {
				out = append(out, strings.Join(cur, "\n"))
				cur = nil
			}
			in = !in
			continue
		}
		if in {
			cur = append(cur, l)
			continue
		}
		parts := strings.Split(l, "`")
		for i := 1; i < len(parts); i += 2 {
			out = append(out, parts[i])
		}
	}
	return out
}

// TestCommentNoChangeButBlocked: when no manifest changed but the check
// fails all the same (the committed policies are out of date), the
// comment says blocked and why, as the summary and the exit status do:
// it said "capgate passes. No manifest changes" over the drift table of
// a failing check.
func TestCommentNoChangeButBlocked(t *testing.T) {
	t.Parallel()
	r := &diff.Result{Base: "b", Head: "h", Manifests: []diff.ManifestDiff{{Path: "s/capgate.json", Status: diff.StatusUnchanged, Changes: []diff.Change{}}}}
	g := DefaultGate()
	g.DriftFailed = true
	body := Comment(r, CommentOptions{Gate: &g, Footer: "\n#### Compiled policies out of date (1)\n"})
	if strings.Contains(body, "capgate passes") || !strings.Contains(body, "**capgate: blocked.** The committed policies are out of date.") {
		t.Errorf("a failing check with no manifest change:\n%s", body)
	}
	// Nothing failing: the short note, as before.
	g.DriftFailed = false
	if body := Comment(r, CommentOptions{Gate: &g}); !strings.Contains(body, "**capgate passes.** No manifest changes") {
		t.Errorf("no change, nothing failing:\n%s", body)
	}
}
