package outdir

import (
	"errors"
	"fmt"
	"testing"
)

func TestCompare(t *testing.T) {
	t.Parallel()
	want := map[string][]byte{"a.bwrap.json": []byte("1\n"), "b.bwrap.json": []byte("2\n"), "c.bwrap.json": []byte("3\n")}
	have := map[string][]byte{"a.bwrap.json": []byte("1\n"), "b.bwrap.json": []byte("x\n"), "d.bwrap.json": notArtifact}
	got := fmt.Sprint(Compare(want, have))
	if w := "[{b.bwrap.json stale} {c.bwrap.json missing} {d.bwrap.json extra}]"; got != w {
		t.Fatalf("Compare = %s, want %s", got, w)
	}
}

func TestExpected(t *testing.T) {
	t.Parallel()
	ok := []byte(`{"name": "a", "version": "1", "tools": []}`)
	for _, tc := range []struct {
		name    string
		ms      []Manifest
		files   int
		compile []bool // one per failure
	}{
		{"one", []Manifest{{Name: "a/capgate.json", Data: ok}}, 4, nil},
		{"unreadable", []Manifest{{Name: "a/capgate.json", Err: errors.New("cannot read")}}, 0, []bool{false}},
		{"outside", []Manifest{{Name: "../a.json", Data: ok}, {Name: "<stdin>", Data: ok}}, 0, []bool{false, false}},
		{"broken", []Manifest{{Name: "a.json", Data: []byte("{")}}, 0, []bool{true}},
		{"same file twice", []Manifest{{Name: "a.json", Data: ok}, {Name: "./a.json", Data: ok}}, 4, []bool{false, false, false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			files, failed := Expected(tc.ms)
			if len(files) != tc.files || len(failed) != len(tc.compile) {
				t.Fatalf("%d files, failures %v; want %d files, %d failures", len(files), failed, tc.files, len(tc.compile))
			}
			for i, f := range failed {
				if f.Compile != tc.compile[i] || f.Err == nil {
					t.Errorf("failure %d: %+v, want Compile=%v with an error", i, f, tc.compile[i])
				}
			}
		})
	}
}
