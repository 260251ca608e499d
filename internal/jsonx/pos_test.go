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

// TestValuePosAgreesWithPosAt: the position of every value the parser
// builds is PosAt of its offset (the parser counts columns without
// rereading the line, see Parser.wide), on documents whose strings hold
// multi-byte characters, invalid UTF-8, escapes and surrogates, on one
// line or many.
func TestValuePosAgreesWithPosAt(t *testing.T) {
	t.Parallel()
	rnd := rand.New(rand.NewPCG(5, 6))
	strs := []string{`"é"`, `"𝄞x"`, `"a"`, `""`, "\"\xff\"", "\"\xe2\x82\"", `"\n\u00e9"`, "\"é\\t𝄞\"", `"\ud800"`, `"plain text"`}
	seps := []string{"", " ", "\n", "\r\n", "\t"}
	var walk func(t *testing.T, src []byte, v Node) int
	walk = func(t *testing.T, src []byte, v Node) int {
		if want := PosAt(src, v.Pos().Offset); v.Pos() != want {
			t.Fatalf("%q: value at %+v, PosAt says %+v", src, v.Pos(), want)
		}
		n := 1
		for i := range v.Len() {
			n += walk(t, src, v.Item(i))
		}
		return n
	}
	values := 0
	for i := 0; i < 2000; i++ {
		var b []byte
		sep := func() { b = append(b, seps[rnd.IntN(len(seps))]...) }
		var gen func(depth int)
		gen = func(depth int) {
			sep()
			switch k := rnd.IntN(4); {
			case depth > 3 || k == 0:
				b = append(b, strs[rnd.IntN(len(strs))]...)
			case k == 1:
				b = append(b, "1"...)
			case k == 2:
				b = append(b, '[')
				for n := rnd.IntN(4); n > 0; n-- {
					gen(depth + 1)
					if n > 1 {
						b = append(b, ',')
					}
				}
				sep()
				b = append(b, ']')
			default:
				b = append(b, '{')
				for n := rnd.IntN(4); n > 0; n-- {
					sep()
					b = append(b, strs[rnd.IntN(len(strs))]...)
					sep()
					b = append(b, ':')
					gen(depth + 1)
					if n > 1 {
						b = append(b, ',')
					}
				}
				sep()
				b = append(b, '}')
			}
			sep()
		}
		gen(0)
		var p Parser
		v, err := p.Parse(b, WantAll, nil)
		if err != nil {
			t.Fatalf("%q: %v", b, err)
		}
		values += walk(t, b, v)
	}
	if values < 5000 {
		t.Fatalf("only %d values checked", values)
	}
}
