package action

import (
	"bytes"
	"net/url"
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/report"
)

// TestAnnotationsEscapeInput: a manifest path and texts holding ESC, CR,
// LF, "::" and "," reach the log as one workflow command each, with no
// control character in it (they show as \x1b, as the text report does),
// and the file property decodes to the path escaped for a terminal.
func TestAnnotationsEscapeInput(t *testing.T) {
	t.Parallel()
	const path = "servers/\x1b[31mx,y::z\r\n::error::pwned.json"
	const hostile = "bad\x1b]52;c;aGk=\x07 :: , \r\n::error file=a.go::fake\u202e"
	res := &diff.Result{Manifests: []diff.ManifestDiff{
		{Path: path, Status: diff.StatusError, Error: &diag.Diagnostic{Line: 1, Col: 1, Code: "CAP_X", Message: hostile, Hint: hostile}},
		{Path: path, Changes: []diff.Change{{Severity: diff.Widened, Side: diff.SideHead, Kind: "net", Target: "docker", After: hostile, Why: hostile, Line: 2, Col: 3}}},
	}}
	var out bytes.Buffer
	r := &run{a: githubactions.New(githubactions.WithWriter(&safeLog{w: &out}))}
	r.annotate(res)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("%d lines, want 2: %q", len(lines), out.String())
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, [...]string{"::error ", "::warning "}[i]) {
			t.Errorf("line %d: %q", i, l)
		}
		if strings.ContainsFunc(l, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\u202e' }) {
			t.Errorf("line %d holds a control character: %q", i, l)
		}
		if !strings.Contains(l, `bad\x1b]52;c;aGk=\x07 :: , \x0d\x0a::error file=a.go::fake\u202e`) {
			t.Errorf("line %d: message not shown escaped: %q", i, l)
		}
		props, _, ok := strings.Cut(strings.TrimPrefix(l, "::"), "::")
		if !ok {
			t.Fatalf("line %d: no ::", i)
		}
		var file string
		for _, p := range strings.Split(props[strings.Index(props, " ")+1:], ",") {
			if v, ok := strings.CutPrefix(p, "file="); ok {
				file, _ = url.PathUnescape(v)
			}
		}
		if file != report.Term(path) {
			t.Errorf("line %d: file %q, want %q", i, file, report.Term(path))
		}
	}
}

// TestSafeLog: whatever is written to the log (an error naming a hostile
// path, say) keeps its line ends and shows every other control character,
// invalid byte and invisible character escaped.
func TestSafeLog(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"::error::capgate: plain\n", "::error::capgate: plain\n"},
		{"::error::a\x1b[2Jb\rc\x00\x7f\u0085\xff\u2028\u202e\n", `::error::a\x1b[2Jb\x0dc\x00\x7f\x85\xff\u2028\u202e` + "\n"},
		{"a\\b\n", "a\\b\n"},
	} {
		var b bytes.Buffer
		n, err := (&safeLog{w: &b}).Write([]byte(tc.in))
		if err != nil || n != len(tc.in) || b.String() != tc.want {
			t.Errorf("%q: wrote %q (%d, %v), want %q", tc.in, b.String(), n, err, tc.want)
		}
	}
}
