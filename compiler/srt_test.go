package compiler

import (
	"strings"
	"testing"
)

// TestSrtGlobNote: the glob note says what srt does with the entry: a
// lowered /** directory allowed whole, a kept pattern expanded in allowRead
// and skipped in allowWrite, a first-component wildcard skipped.
func TestSrtGlobNote(t *testing.T) {
	for _, tc := range []struct{ cap, want string }{
		{"fs:read:/tmp/q/**", `lowered to path "/tmp/q" — srt allows the whole directory`},
		{"fs:read:/x/d*/y", `kept as pattern "/x/d*/y" — srt expands an allowRead glob`},
		{"fs:write:/w/a*/b", "allowWrite skips a glob, so no write is granted there"},
		{"fs:read:/d*/y", "first component holds a wildcard, so this entry allows nothing"},
	} {
		r, err := Compile([]byte(`{"name":"g","version":"1","tools":[{"name":"t","capabilities":["` + tc.cap + `"]}]}`))
		if err != nil {
			t.Fatal(err)
		}
		a, err := Lower(r, TargetSrt, Options{})
		if err != nil {
			t.Fatal(err)
		}
		notes := strings.Join(a.Notes, "\n")
		if !strings.Contains(notes, tc.want) {
			t.Errorf("%s: no %q in\n%s", tc.cap, tc.want, notes)
		}
		if strings.Contains(notes, "not globs") {
			t.Errorf("%s: the old note is back: %s", tc.cap, notes)
		}
	}
}
