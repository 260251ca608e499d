package diag

import (
	"testing"
	"unicode/utf8"

	"github.com/razukc/capgate-action/internal/jsonx"
)

// TestIndexAgreesWithPosAt compares the table with jsonx.PosAt at every
// offset where a rune starts (positions are asked at a quote or a
// value's start) of text holding several lines and multi-byte runes, and
// beyond both ends.
func TestIndexAgreesWithPosAt(t *testing.T) {
	t.Parallel()
	for _, src := range []string{"", "{}", "{\n  \"a\": 1,\n\t\"é\": \"日本\",\n\n\"z\": [1, 2]}\n", "x\ny", "\n\n", "\r\n\"😀\":1"} {
		ix := NewIndex([]byte(src))
		for off := -1; off <= len(src)+1; off++ {
			if off >= 0 && off < len(src) && !utf8.RuneStart(src[off]) {
				continue
			}
			if got, want := ix.At(off), jsonx.PosAt([]byte(src), off); got != want {
				t.Errorf("%q at %d: %+v, want %+v", src, off, got, want)
			}
		}
	}
}

func TestPlaced(t *testing.T) {
	t.Parallel()
	src := []byte("{\n  \"é\": x\n}")
	d := At("f", src, 10, "C", "m")
	if want := (jsonx.Pos{Offset: 10, Line: 2, Col: 8}); d.Pos() != want {
		t.Errorf("At(10).Pos() = %+v, want %+v", d.Pos(), want)
	}
	var e Diagnostic
	e.Place(d.Pos())
	if e.Line != 2 || e.Col != 8 || e.Offset != 10 {
		t.Errorf("Place: %+v", e)
	}
	if got := Placed("f", d.Pos(), "C", "m"); got != d {
		t.Errorf("Placed = %+v, want %+v", got, d)
	}
}
