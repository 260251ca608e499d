package jsonx

import (
	"math/rand/v2"
	"testing"
)

// TestPosAtAgreesWithParser: the position the parser reports for an error
// is PosAt of its offset, on inputs with multi-byte characters, CRs and
// newlines at every place.
func TestPosAtAgreesWithParser(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(3, 4))
	parts := []string{"{", "}", "[", "]", ",", ":", "\"é\"", "\"𝄞\"", "1", "\n", "\r\n", " ", "\"a\"", "x", "tru"}
	checked := 0
	for i := 0; i < 3000; i++ {
		var b []byte
		for n := rnd.IntN(12); n >= 0; n-- {
			b = append(b, parts[rnd.IntN(len(parts))]...)
		}
		var p Parser
		_, err := p.Parse(b, WantAll, nil)
		pe, ok := err.(*ParseError)
		if !ok {
			continue
		}
		checked++
		if want := PosAt(b, pe.Pos.Offset); pe.Pos != want {
			t.Fatalf("%q: parser says %+v, PosAt %+v", b, pe.Pos, want)
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d inputs failed to parse", checked)
	}
}
