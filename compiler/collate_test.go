package compiler

import (
	"math/rand/v2"
	"sort"
	"testing"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// TestCompareASCIIFastPath holds the ASCII tables (asciiOrder) to the
// root collation: built from a collator as they once were at start-up,
// they are the same, and Compare on generated printable ASCII strings
// (letters of both cases, digits, punctuation, prefixes of one another)
// orders as the collator does.
func TestCompareASCIIFastPath(t *testing.T) {
	t.Parallel()
	loose := collate.New(language.Und, collate.Loose)
	chars := make([]string, 0, 95)
	for c := 0x20; c < 0x7f; c++ {
		chars = append(chars, string(rune(c)))
	}
	sort.SliceStable(chars, func(i, j int) bool { return loose.CompareString(chars[i], chars[j]) < 0 })
	var primary, tertiary [128]uint8
	rank := uint8(1)
	for i, s := range chars {
		if i > 0 && loose.CompareString(chars[i-1], s) != 0 {
			rank++
		}
		primary[s[0]] = rank
		if s[0] >= 'A' && s[0] <= 'Z' {
			tertiary[s[0]] = 1
		}
	}
	if primary != asciiPrimary || tertiary != asciiTertiary {
		t.Fatalf("ASCII tables differ from the collator's:\nprimary  %v\nwant     %v\ntertiary %v\nwant     %v", asciiPrimary, primary, asciiTertiary, tertiary)
	}
	full := collate.New(language.Und)
	rnd := rand.New(rand.NewPCG(5, 6))
	alphabet := "aAbBzZ09_-./:*?@ ~$\"'\\|"
	gen := func() string {
		b := make([]byte, rnd.IntN(6))
		for i := range b {
			if rnd.IntN(4) == 0 {
				b[i] = byte(0x20 + rnd.IntN(95))
			} else {
				b[i] = alphabet[rnd.IntN(len(alphabet))]
			}
		}
		return string(b)
	}
	for i := range 20000 {
		a, b := gen(), gen()
		if i%5 == 0 {
			b = a + b
		}
		if got, want := Compare(a, b), full.CompareString(a, b); got != want {
			t.Fatalf("Compare(%q, %q) = %d, the collator says %d", a, b, got, want)
		}
	}
}
