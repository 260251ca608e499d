package lint

import (
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/internal/jsonx"
)

// The keys capgate reads, in a manifest and in a tool. Any other key is
// ignored, so a misspelt one silently drops what it holds.
var (
	manifestKeys = []string{"name", "version", "grammar", "serverCapabilities", "tools"}
	toolKeys     = []string{"name", "capabilities"}
)

var keyTypoRule = Rule{
	ID:      "manifest-key-typo",
	Summary: "a key capgate does not read that looks like one it does (serverCapability, Tools) or is one it reads at another level (capabilities at the top), so what it holds is ignored",
}

// Keys finds the keys of a manifest, and of each of its tools, that capgate
// does not read but that are near a key it does: "serverCapability",
// "Tools", "capabilites"; and keys written twice in one object (see
// duplicateKeys). src must parse as JSON; when it does not, Keys
// returns nothing (the compiler reports it).
func Keys(src []byte) []Finding {
	root, err := jsonx.Parse(src)
	if err != nil || root.Kind != jsonx.Object {
		return nil
	}
	ix := diag.NewIndex(src)
	out := duplicateKeyRule.stamp(duplicateKeys(src, ix))
	typos := keyTypos(src, ix, root, level{manifestKeys, toolKeys, "in a tool (tools[].%s)"}, "manifest")
	if tools := root.Get("tools"); tools != nil && tools.Kind == jsonx.Array {
		for i, t := range tools.Items {
			typos = append(typos, keyTypos(src, ix, t, level{toolKeys, manifestKeys, "at the manifest's top level"}, fmt.Sprintf("tools[%d]", i))...)
		}
	}
	return append(out, keyTypoRule.stamp(typos)...)
}

// level is one level of a manifest: the keys capgate reads there, the keys
// it reads at the other level, and where those belong (a format with %s
// for the key, or none).
type level struct {
	known, other []string
	belongs      string
}

func keyTypos(src []byte, ix *diag.Index, obj *jsonx.Value, lv level, where string) []Finding {
	if obj.Kind != jsonx.Object {
		return nil
	}
	var out []Finding
	for i, k := range obj.Keys {
		if contains(lv.known, k) {
			continue
		}
		msg := ""
		if contains(lv.other, k) {
			// A key of the other level: "capabilities" at the top reads
			// like a grant but grants nothing.
			belongs := lv.belongs
			if strings.Contains(belongs, "%s") {
				belongs = fmt.Sprintf(belongs, k)
			}
			msg = fmt.Sprintf("%s key %s is not read here by capgate, so what it holds is ignored: it belongs %s", where, jsonQuote(k), belongs)
		} else if s := Suggest(k, lv.known); s != "" {
			msg = fmt.Sprintf("%s key %s is not read by capgate, so what it holds is ignored: did you mean %q?", where, jsonQuote(k), s)
		}
		if msg != "" {
			out = append(out, Finding{Diagnostic: diag.Placed("", keyPos(src, obj.Items[i].Pos, ix), "", msg)})
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func jsonQuote(s string) string { return string(jsonx.AppendString(nil, s)) }

// Suggest returns the candidate closest to s when it is close enough to be
// a likely typo: within an edit distance of about a third of its length, or
// one a prefix of the other. Long input is not compared: a typo is short.
func Suggest(s string, candidates []string) string {
	if s == "" || len(s) > 64 {
		return ""
	}
	best, bestD := "", 1<<30
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		limit := max(1, min(len(s), len(c))/3)
		if d > limit && !(len(s) >= 3 && (strings.HasPrefix(s, c) || strings.HasPrefix(c, s))) {
			continue
		}
		if d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance of a and b, in
// bytes: Levenshtein's, with a swap of two neighbours ("lnit") as one edit.
func editDistance(a, b string) int {
	rows := make([][]int, len(a)+1)
	for i := range rows {
		rows[i] = make([]int, len(b)+1)
		rows[i][0] = i
	}
	for j := range rows[0] {
		rows[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d := min(rows[i-1][j]+1, rows[i][j-1]+1, rows[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d = min(d, rows[i-2][j-2]+1)
			}
			rows[i][j] = d
		}
	}
	return rows[len(a)][len(b)]
}

// KeyPos finds the opening quote of the key whose value starts at vpos:
// back over blanks, the colon, blanks and the quoted key.
func KeyPos(src []byte, vpos compiler.Pos) compiler.Pos {
	return keyPos(src, vpos, diag.NewIndex(src))
}

func keyPos(src []byte, vpos compiler.Pos, ix *diag.Index) compiler.Pos {
	i := vpos.Offset - 1
	skip := func() {
		for i >= 0 && strings.IndexByte(" \t\r\n", src[i]) >= 0 {
			i--
		}
	}
	skip()
	if i < 0 || src[i] != ':' {
		return vpos
	}
	i--
	skip()
	if i < 0 || src[i] != '"' {
		return vpos
	}
	for i--; i >= 0; i-- {
		if src[i] == '"' {
			bs := 0
			for j := i - 1; j >= 0 && src[j] == '\\'; j-- {
				bs++
			}
			if bs%2 == 0 {
				break
			}
		}
	}
	if i < 0 {
		return vpos
	}
	return ix.At(i)
}
