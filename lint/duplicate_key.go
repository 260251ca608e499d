package lint

import (
	"encoding/json"
	"fmt"
	"sort"

	"github.com/razukc/capgate-action/internal/diag"
)

var duplicateKeyRule = Rule{
	ID:      "manifest-duplicate-key",
	Summary: "a key written twice in one object: capgate keeps the last, so what the first holds is ignored",
}

// duplicateKeys finds keys written more than once in one object of src
// (valid JSON), at any depth, one finding per key and object at its first
// occurrence. It is one pass over src: each object keeps a map of its keys.
func duplicateKeys(src []byte, ix *diag.Index) []Finding {
	type frame struct {
		object, wantKey bool
		first           map[string]int // key -> offset of its first quote
		last            map[string]int // key -> offset of its last quote, when repeated
	}
	var stack []*frame
	var out []Finding
	flush := func(f *frame) {
		keys := make([]string, 0, len(f.last))
		for k := range f.last {
			keys = append(keys, k)
		}
		sort.Slice(keys, func(i, j int) bool { return f.first[keys[i]] < f.first[keys[j]] })
		for _, k := range keys {
			again := ix.At(f.last[k])
			out = append(out, Finding{Diagnostic: diag.Placed("", ix.At(f.first[k]), "", fmt.Sprintf("key %s is written more than once in this object: capgate keeps the last one (line %d, column %d), so what this one holds is ignored; keep one", jsonQuote(k), again.Line, again.Col))})
		}
	}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '{':
			stack = append(stack, &frame{object: true, wantKey: true})
		case '[':
			stack = append(stack, &frame{})
		case '}', ']':
			if n := len(stack); n > 0 {
				if stack[n-1].last != nil {
					flush(stack[n-1])
				}
				stack = stack[:n-1]
			}
		case ',':
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].wantKey = true
			}
		case '"':
			start, esc := i, false
			for i++; i < len(src) && src[i] != '"'; i++ {
				if src[i] == '\\' {
					esc = true
					i++
				}
			}
			n := len(stack)
			if n == 0 || !stack[n-1].object || !stack[n-1].wantKey {
				continue
			}
			f := stack[n-1]
			f.wantKey = false
			key := string(src[start+1 : min(i, len(src))])
			if esc {
				var d string
				if json.Unmarshal(src[start:min(i+1, len(src))], &d) == nil {
					key = d
				}
			}
			if f.first == nil {
				f.first = map[string]int{}
			}
			if _, seen := f.first[key]; !seen {
				f.first[key] = start
				continue
			}
			if f.last == nil {
				f.last = map[string]int{}
			}
			f.last[key] = start
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Offset < out[j].Offset })
	return out
}
