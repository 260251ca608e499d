package source

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"
)

// TestMatchTails checks that rejecting a path by the literal end of each
// pattern (literalTail) never changes what Match selects: Match agrees
// with the patterns run on every path.
func TestMatchTails(t *testing.T) {
	t.Parallel()
	patterns := [][]string{
		nil, // DefaultPatterns
		{"**/capgate.json"},
		{"capgate.json"},
		{"servers/*/capgate.json", "!servers/old/**"},
		{"**/.vscode/mcp.json", "**/.codex/config.toml"},
		{"a/{x,y}", "b/**"},
		{"**/*.json"},
		{`we\*ird/\[x\].json`, `lit\\`},
		{"**/[abc].capgate.json", "?.json"},
		{"deep/**/capgate.json"},
		{"**"},
		// Plain paths, matched by lookup.
		{"capgate.json", "a/x", "deep/1/2/capgate.json", "we*ird/[x].json"},
		{"a/x", "b/q/r", "!b/**"},
	}
	paths := []string{
		"capgate.json", "a/capgate.json", "servers/s1/capgate.json", "servers/old/capgate.json",
		"servers/s1/x/capgate.json", "x.capgate.json", "a/b.capgate.json", "capgate.json.bak",
		".vscode/mcp.json", "p/.vscode/mcp.json", "p/.codex/config.toml", "mcp.json",
		"a/x", "a/y", "a/z", "b/q/r", "b", "we*ird/[x].json", "weird/x.json", `lit\`,
		"a.capgate.json", "d.capgate.json", "x/b.capgate.json", "a.json", "ab.json",
		"deep/capgate.json", "deep/1/2/capgate.json", "deepcapgate.json", "",
	}
	for _, ps := range patterns {
		m, err := NewMatcher(ps)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			want := false
			for _, in := range m.include {
				if ok, _ := doublestar.Match(in, p); ok {
					want = true
				}
			}
			for _, x := range m.exclude {
				if ok, _ := doublestar.Match(x, p); ok {
					want = false
				}
			}
			if got := m.Match(p); got != want {
				t.Errorf("patterns %q, path %q: Match = %v, the patterns say %v", ps, p, got, want)
			}
		}
	}
}

// TestLiteralTail pins what a pattern's literal end is.
func TestLiteralTail(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ pattern, tail string }{
		{"**/capgate.json", "capgate.json"},
		{"**/*.capgate.json", ".capgate.json"},
		{"capgate.json", "capgate.json"},
		{"a/{x,y}", ""},
		{`a\*b`, "b"},
		{"b/**", ""},
		{"**/.vscode/mcp.json", ".vscode/mcp.json"},
	} {
		if got := literalTail(c.pattern); got != c.tail {
			t.Errorf("literalTail(%q) = %q, want %q", c.pattern, got, c.tail)
		}
	}
}

// TestLaunchMatchFoldsCase: an MCP client on a case-insensitive file
// system (macOS, Windows) reads .MCP.json and .VSCode/MCP.json as its own
// files, so the launch configs are matched with ASCII case folded: a
// server moved into .MCP.json is read, not lost.
func TestLaunchMatchFoldsCase(t *testing.T) {
	t.Parallel()
	m, err := NewLaunchMatcher(nil)
	if err != nil {
		t.Fatal(err)
	}
	for p, want := range map[string]bool{
		".MCP.json": true, "sub/.Mcp.JSON": true, ".VSCode/MCP.json": true, ".CURSOR/mcp.json": true,
		".Gemini/Settings.json": true, ".codex/Config.TOML": true, ".mcp.json.orig": false, "mcp.json": false,
	} {
		if got := m.Match(p); got != want {
			t.Errorf("Match(%q) = %v, want %v", p, got, want)
		}
	}
	if !m.Match(".mcp.json") {
		t.Error("the plain spelling no longer matches")
	}
}

// TestMatchShapes holds the patterns Match runs without doublestar
// (shapeOf) to doublestar, on paths made to sit on every edge of them.
func TestMatchShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		pattern string
		want    shape
	}{
		{"**/capgate.json", shapeAnyDir},
		{"**/.vscode/mcp.json", shapeAnyDir},
		{"**/*.capgate.json", shapeAnyDirStar},
		{"**/*capgate.json", shapeAnyDirStar},
		{"**/*", shapeGlob},
		{"**/", shapeGlob},
		{"**/*/capgate.json", shapeGlob},
		{"**/*.json/x", shapeGlob},
		{"**/a*.json", shapeGlob},
		{`**/\*.json`, shapeGlob},
		{"**/[ab].json", shapeGlob},
		{"**/{a,b}.json", shapeGlob},
		{"**/x?.json", shapeGlob},
		{"capgate.json", shapeGlob},
		{"a/**/capgate.json", shapeGlob},
		{"**/**/capgate.json", shapeGlob},
	}
	paths := []string{
		"capgate.json", "a/capgate.json", "a/b/capgate.json", "acapgate.json", "a/xcapgate.json", "capgate.json/x",
		".capgate.json", "x.capgate.json", "a/x.capgate.json", "a.capgate.json/b", "a/.vscode/mcp.json", ".vscode/mcp.json",
		"x.vscode/mcp.json", "a/x.vscode/mcp.json", ".vscode/mcp.jsonx", "mcp.json", ".json", "a/.json", "a.json",
		"a/*.json", "*.json", "", "/", "//capgate.json", "a//capgate.json", "/capgate.json", "a/capgate.json/",
	}
	for _, tt := range tests {
		if got := shapeOf(tt.pattern); got != tt.want {
			t.Errorf("shapeOf(%q) = %d, want %d", tt.pattern, got, tt.want)
		}
		m, err := NewMatcher([]string{tt.pattern})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range paths {
			want, _ := doublestar.Match(tt.pattern, p)
			if got := m.Match(p); got != want {
				t.Errorf("pattern %q, path %q: Match = %v, doublestar says %v", tt.pattern, p, got, want)
			}
		}
	}
}

// TestPlainPathsOfOneDir: every plain-path pattern of a directory counts
// for MayHold and linkedDir, not only the first one listed, which an
// exclude may drop (a gitlink or a linked directory at svc hid
// svc/capgate.prod.json without a word).
func TestPlainPathsOfOneDir(t *testing.T) {
	t.Parallel()
	m, err := NewMatcher([]string{"svc/capgate.json", "svc/capgate.prod.json", "!svc/capgate.json"})
	if err != nil {
		t.Fatal(err)
	}
	if !m.MayHold("svc") {
		t.Errorf("MayHold(svc) = false, want true (svc/capgate.prod.json)")
	}
	if got, want := m.linkedDir("svc"), "svc/capgate.prod.json"; got != want {
		t.Errorf("linkedDir(svc) = %q, want %q", got, want)
	}
	if m.MayHold("other") || m.linkedDir("other") != "" {
		t.Errorf("other: want no manifest under it")
	}
}

// TestMayHoldNamedBelow: a directory a pattern names above the file's own
// directory may hold a manifest (a submodule at servers hid
// servers/x/capgate.json), and so may one a pattern's "**" reaches.
func TestMayHoldNamedBelow(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		patterns []string
		launch   bool
		dir      string
		want     bool
	}{
		{[]string{"servers/x/capgate.json"}, false, "servers", true},
		{[]string{"servers/x/capgate.json"}, false, "other", false},
		{[]string{"servers/*/capgate.json"}, false, "servers", true},
		{[]string{"srv/**/capgate.json"}, false, "srv/a/b", true},
		{[]string{"srv/**/capgate.json", "!srv/a/**"}, false, "srv/a/b", false},
		{nil, true, ".gemini/extensions", true},
		{nil, true, "sub/.gemini/extensions", true},
	} {
		m, err := NewMatcher(tc.patterns)
		if tc.launch {
			m, err = NewLaunchMatcher(tc.patterns)
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := m.MayHold(tc.dir); got != tc.want {
			t.Errorf("%q: MayHold(%q) = %v, want %v", tc.patterns, tc.dir, got, tc.want)
		}
	}
}

// TestMayHoldBracesAndClasses: a pattern's braces and character classes
// name directories too: a link or submodule at servers hid
// servers/a/x/capgate.json for servers/{a,b}/*/capgate.json, and one at
// srv for srv/[ab]*/capgate.json, because the wildcards were filled in
// with "x" and the braces and classes left as text.
func TestMayHoldBracesAndClasses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		patterns []string
		dir      string
		want     bool
	}{
		{[]string{"servers/{a,b}/*/capgate.json"}, "servers/a", true},
		{[]string{"servers/{a,b}/*/capgate.json"}, "servers", true},
		{[]string{"servers/*/{capgate,mcp}.json"}, "servers/s1", true},
		{[]string{"srv/[ab]*/capgate.json"}, "srv", true},
		{[]string{"srv/x/[!x]*.json"}, "srv/x", true},
		{[]string{"srv/x/[^a-z0-9_.-]y.json"}, "srv/x", true},
		{[]string{"srv/x/{a,b}.json", "!srv/x/*.json"}, "srv/x", false},
		{[]string{"servers/{a,b}/*/capgate.json"}, "servers/c", false},
	} {
		m, err := NewMatcher(tc.patterns)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.MayHold(tc.dir); got != tc.want {
			t.Errorf("%q: MayHold(%q) = %v, want %v", tc.patterns, tc.dir, got, tc.want)
		}
		if f := m.linkedDir(tc.dir); (f != "") != tc.want || (f != "" && !m.Match(f)) {
			t.Errorf("%q: linkedDir(%q) = %q, want a matched file: %v", tc.patterns, tc.dir, f, tc.want)
		}
	}
}

// TestFillSegMatches: on 20,000 generated well-formed segments (literals,
// *, ?, classes plain, ranged and negated, braces nested), the name
// fillSeg makes is matched by the segment; on 20,000 strings of pattern
// characters, ill-formed too, fillSeg does not panic.
func TestFillSegMatches(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	var gen func(depth int) string
	gen = func(depth int) string {
		var b strings.Builder
		for range 1 + rng.IntN(4) {
			switch rng.IntN(7) {
			case 0:
				b.WriteString("*")
			case 1:
				b.WriteString("?")
			case 2:
				b.WriteString([]string{"[ab]", "[a-c]", "[!x]", "[^xa-z]", "[!a-z0-9_.-]", "[.]", `[\]]`}[rng.IntN(7)])
			case 3:
				if depth < 2 {
					b.WriteString("{" + gen(depth+1) + "," + gen(depth+1) + "}")
				}
			default:
				b.WriteString([]string{"a", "srv", "-", ".json", "x"}[rng.IntN(5)])
			}
		}
		return b.String()
	}
	for range 20000 {
		seg := gen(0)
		name := fillSeg(seg)
		if ok, err := doublestar.Match(seg, name); err != nil || !ok {
			t.Errorf("fillSeg(%q) = %q, which it does not match (%v)", seg, name, err)
		}
	}
	const chars = `ab*?{},[]!^-\`
	for range 20000 {
		b := make([]byte, 1+rng.IntN(8))
		for i := range b {
			b[i] = chars[rng.IntN(len(chars))]
		}
		_ = fillSeg(string(b))
	}
}

// TestLiteralPatternSpaces: a literal pattern matches its path only, white
// space at either end included: NewMatcher trims patterns, so " srt.json"
// matched srt.json and the file named " srt.json" was never read.
func TestLiteralPatternSpaces(t *testing.T) {
	t.Parallel()
	for _, p := range []string{" srt.json", "srt.json ", "a b/\tc.json", "x/ y /z", "!x [1] {a,b} *?.json"} {
		for _, launchFold := range []bool{false, true} {
			mk := NewMatcher
			if launchFold {
				mk = NewLaunchMatcher
			}
			m, err := mk([]string{LiteralPattern(p)})
			if err != nil {
				t.Fatalf("%q: %v", p, err)
			}
			if !m.Match(p) {
				t.Errorf("%q (fold %t) does not match itself", p, launchFold)
			}
			for _, other := range []string{strings.TrimSpace(p), strings.ReplaceAll(p, " ", "")} {
				if other != p && m.Match(other) {
					t.Errorf("%q (fold %t) matches %q", p, launchFold, other)
				}
			}
		}
	}
}
