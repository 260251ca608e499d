package report

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/razukc/capgate-action/diff"
)

// defaultIgnorable is Default_Ignorable_Code_Point as UAX #44 derives it
// (DerivedCoreProperties.txt): Other_Default_Ignorable_Code_Point + Cf +
// Variation_Selector - White_Space - U+FFF9..U+FFFB (interlinear
// annotation) - U+13430..U+13440 (Egyptian format controls) -
// Prepended_Concatenation_Mark.
func defaultIgnorable(r rune) bool {
	in := unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r)
	out := unicode.Is(unicode.White_Space, r) || (r >= 0xfff9 && r <= 0xfffb) || (r >= 0x13430 && r <= 0x13440) || unicode.Is(unicode.Prepended_Concatenation_Mark, r)
	return in && !out
}

// TestInvisibleTable: Invisible holds exactly Default_Ignorable_Code_Point,
// Cf, Variation_Selector and the tag block, checked at every code point
// against Go's tables of those properties.
func TestInvisibleTable(t *testing.T) {
	t.Parallel()
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := defaultIgnorable(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Variation_Selector, r) || (r >= 0xe0000 && r <= 0xe007f)
		if got := Invisible(r); got != want {
			t.Fatalf("Invisible(U+%04X) = %v, the properties say %v", r, got, want)
		}
		if want {
			n++
		}
	}
	t.Logf("%d invisible code points (Unicode %s)", n, unicode.Version)
	// The characters the issue names, and some that must stay visible.
	for _, r := range []rune{0xe0000, 0xe0001, 0xe0041, 0xe007f, 0x3164, 0x115f, 0x1160, 0xffa0, 0x034f, 0xfe00, 0xfe0f,
		0xe0100, 0xe01ef, 0xfff9, 0xfffa, 0xfffb, 0x00ad, 0x061c, 0x180e, 0x200b, 0x200f, 0x202e, 0x2060, 0x2066, 0x2069, 0xfeff, 0x180b} {
		if !Invisible(r) {
			t.Errorf("U+%04X is not invisible", r)
		}
	}
	for _, r := range []rune{'a', ' ', '\\', 'é', '中', 0x2028, 0x1f600, 0xac00, 0xfffd} {
		if Invisible(r) {
			t.Errorf("U+%04X is invisible", r)
		}
	}
}

// TestInvisibleEscapedEverywhere: tag characters, Hangul fillers, the
// grapheme joiner, variation selectors and interlinear annotation
// characters in every field a manifest reaches are shown escaped in
// Markdown, text, JSON and SARIF, and the JSON still decodes to the same
// text.
func TestInvisibleEscapedEverywhere(t *testing.T) {
	t.Parallel()
	hidden := "\U000e0049\U000e0067\U000e006e" // "Ign" in tag characters
	build := func(in string) *diff.Result {
		r := &diff.Result{Base: "b", Head: "h", Manifests: []diff.ManifestDiff{{Path: "servers/" + in + ".json", Status: diff.StatusModified,
			Changes:   []diff.Change{{Severity: diff.Widened, Kind: "net", Target: "all", Before: in, After: in, Why: in, Line: 1, Side: "head"}},
			TextDiffs: []diff.TextDiff{{Target: "squid", Diff: "+acl " + in + "\n"}}}}}
		r.Counts, _ = diff.Tally(r.Manifests)
		return r
	}
	outputs := func(r *diff.Result) map[string][]byte {
		return map[string][]byte{"markdown": Markdown(r, MarkdownOptions{}), "text": PlainText(r, DefaultGate()), "json": JSON(r), "sarif": SARIF(r, "t")}
	}
	// The report with nothing hidden holds the characters the templates
	// hold themselves (the U+FE0F of a heading's emoji).
	own := outputs(build("ab"))
	for _, ch := range []string{hidden, "\u3164", "\u115f", "\u1160", "\uffa0", "\u034f", "\ufe0f", "\U000e0100", "\ufff9", "\ufffb"} {
		in := "a" + ch + "b"
		r := build(in)
		var esc, jesc strings.Builder
		for _, c := range ch {
			esc.WriteString(uEscape(c))
			jesc.WriteString(jsonEscape(c))
		}
		for name, out := range outputs(r) {
			if got, want := countInvisible(out), countInvisible(own[name]); got != want {
				t.Errorf("%q: %s output holds %d raw invisible characters, the template alone %d", ch, name, got, want)
			}
			shown := esc.String()
			switch name {
			case "json":
				shown = jesc.String()
			case "sarif": // Term's \u3164 in a JSON string
				shown = strings.ReplaceAll(esc.String(), `\`, `\\`)
			}
			if !strings.Contains(string(out), "a"+shown+"b") {
				t.Errorf("%q: %s output does not show it as %s", ch, name, shown)
			}
		}
		var back struct {
			Manifests []struct{ Path string } `json:"manifests"`
		}
		if err := json.Unmarshal(JSON(r), &back); err != nil || len(back.Manifests) != 1 || back.Manifests[0].Path != "servers/"+in+".json" {
			t.Errorf("%q: the JSON does not decode to the same path: %+v %v", ch, back, err)
		}
	}
	if got := uEscape(0xe0041); got != `\u{e0041}` {
		t.Errorf("uEscape(U+E0041) = %s", got)
	}
	if got := jsonEscape(0xe0041); got != `\udb40\udc41` {
		t.Errorf("jsonEscape(U+E0041) = %s", got)
	}
	if got := fmt.Sprint(Term("x\u3164y")); got != `x\u3164y` {
		t.Errorf("Term = %s", got)
	}
}

func countInvisible(b []byte) int {
	n := 0
	for _, r := range string(b) {
		if Invisible(r) {
			n++
		}
	}
	return n
}

// TestControlAndInvalidBytesShownInMarkdown: an escape sequence, a lone
// surrogate (invalid UTF-8) and a line separator in a name reach the
// comment as the escapes the text report shows (\x1b, \xed, \u2028), not as
// U+FFFD, which would hide what the name holds.
func TestControlAndInvalidBytesShownInMarkdown(t *testing.T) {
	t.Parallel()
	in := "a\x1b[31mb\xed\xa0\x80c\u2028d"
	cases := []struct {
		name, got, want string
	}{
		{"Text", Text(in), `a\x1b\[31mb\xed\xa0\x80c\u2028d`},
		{"Code", Code(in), `a\x1b\[31mb\xed\xa0\x80c\u2028d`},
		{"HTMLCode", HTMLCode(in), `<code>a\x1b[31mb\xed\xa0\x80c\u2028d</code>`},
		{"Term", Term(in), `a\x1b[31mb\xed\xa0\x80c\u2028d`},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s(%q) = %q, want %q", c.name, in, c.got, c.want)
		}
		if strings.ContainsRune(c.got, utf8.RuneError) || !utf8.ValidString(c.got) {
			t.Errorf("%s(%q) = %q holds U+FFFD or invalid UTF-8", c.name, in, c.got)
		}
	}
	// Invalid bytes alone (a git path may hold any byte) are escaped by
	// Code too: it wrote them raw, and GitHub showed both as U+FFFD, so
	// bad\xff and bad\xfe read as one path; so is a line separator alone;
	// and a line end is \x0a there, as Term shows it: as a space, a\nb and
	// a b read as one path.
	for in, want := range map[string]string{"bad\xff\xfe/capgate.json": `bad\xff\xfe/capgate.json`, "a\u2028b": `a\u2028b`, "a\nb/capgate.json": `a\x0ab/capgate.json`, "t\tq": `t\x09q`} {
		if got := Code(in); got != want {
			t.Errorf("Code(%q) = %q, want %q", in, got, want)
		}
	}
	// A real U+FFFD in the input is shown as itself.
	if got := Text("a\uFFFDb"); got != "a\uFFFDb" {
		t.Errorf("Text(U+FFFD) = %q", got)
	}
}
