package compiler

import (
	"sync"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// capgate sorts with JavaScript's String.prototype.localeCompare, which is
// ICU's root collation. golang.org/x/text/collate with language.Und gives the
// same order. A collator is not safe for concurrent use, so full comparisons
// go through a pool; strings of printable ASCII (nearly every path, host and
// name) take a table-driven path, which TestCompareASCIIFastPath checks
// against the collator.

var collators = sync.Pool{New: func() any { return collate.New(language.Und) }}

// asciiOrder is printable ASCII in the root collation's primary order, a
// letter standing for its upper case too (same primary weight, the upper
// case after: asciiTertiary). The tables were built from a collator at
// start-up, which took 1.2 ms of every run of capgate (GODEBUG=inittrace=1,
// 2026-12-07), before its first git process; TestCompareASCIIFastPath
// builds them that way and compares.
const asciiOrder = " _-,;:!?.'\"()[]{}@*/\\&#%`^+<=>|~$0123456789abcdefghijklmnopqrstuvwxyz"

// asciiPrimary and asciiTertiary give each printable ASCII byte its primary
// weight rank and its tertiary (case) weight under the root collation.
var asciiPrimary, asciiTertiary [128]uint8

func init() {
	for i := 0; i < len(asciiOrder); i++ {
		c := asciiOrder[i]
		asciiPrimary[c] = uint8(i + 1)
		if c >= 'a' && c <= 'z' {
			asciiPrimary[c-'a'+'A'] = uint8(i + 1)
			asciiTertiary[c-'a'+'A'] = 1
		}
	}
}

func printableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Compare orders a and b as capgate does (JavaScript localeCompare in the
// root locale): it returns -1, 0 or +1.
func Compare(a, b string) int {
	if a == b {
		return 0
	}
	if printableASCII(a) && printableASCII(b) {
		return compareASCII(a, b)
	}
	c := collators.Get().(*collate.Collator)
	r := c.CompareString(a, b)
	collators.Put(c)
	return r
}

func compareASCII(a, b string) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		pa, pb := asciiPrimary[a[i]], asciiPrimary[b[i]]
		if pa != pb {
			if pa < pb {
				return -1
			}
			return 1
		}
	}
	if len(a) != len(b) {
		if len(a) < len(b) {
			return -1
		}
		return 1
	}
	for i := 0; i < n; i++ {
		ta, tb := asciiTertiary[a[i]], asciiTertiary[b[i]]
		if ta != tb {
			if ta < tb {
				return -1
			}
			return 1
		}
	}
	return 0
}
