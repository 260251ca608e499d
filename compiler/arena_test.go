package compiler

import (
	"fmt"
	"strings"
	"testing"
)

// TestArenaBlocks writes strings and lists of every length up to past a
// block's size into shared and private arenas, so that some straddle the
// end of a block: each must read back as written, and what was handed out
// before must not change when a block is started.
func TestArenaBlocks(t *testing.T) {
	t.Parallel()
	for _, shared := range []bool{false, true} {
		a := new(arena)
		if shared {
			a.share()
		}
		var strs, wantStrs []string
		var lists [][]string
		var wantLists []string
		for n := 0; n < 3*sharedList; n += 7 {
			// A string of n bytes in three parts.
			part := strings.Repeat(string(rune('a'+n%26)), n/3+1)
			s := a.str(part, fmt.Sprint(n), part)
			strs, wantStrs = append(strs, s), append(wantStrs, part+fmt.Sprint(n)+part)
			// A list of n/8 strings, added in two runs.
			var want []string
			for i := 0; i < n/8; i++ {
				want = append(want, fmt.Sprint(n, ".", i))
			}
			a.add(want[:len(want)/2]...)
			a.add(want[len(want)/2:]...)
			lists, wantLists = append(lists, a.list()), append(wantLists, fmt.Sprint(want))
		}
		for i := range strs {
			if strs[i] != wantStrs[i] {
				t.Fatalf("shared %v: string %d = %q, want %q", shared, i, strs[i], wantStrs[i])
			}
			if got := fmt.Sprint(lists[i]); got != wantLists[i] {
				t.Fatalf("shared %v: list %d = %s, want %s", shared, i, got, wantLists[i])
			}
			if len(lists[i]) != cap(lists[i]) {
				t.Fatalf("shared %v: list %d has room after it (len %d, cap %d)", shared, i, len(lists[i]), cap(lists[i]))
			}
		}
	}
}
