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
// (The parsed tree cannot tell: like JSON.parse, it keeps one value a key.)
func duplicateKeys(src []byte, ix *diag.Index) []Finding {
	d := dupScan{src: src, ix: ix}
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '{':
			d.stack = append(d.stack, &keyFrame{object: true, wantKey: true})
		case '[':
			d.stack = append(d.stack, &keyFrame{})
		case '}', ']':
			d.close()
		case ',':
			if f := d.top(); f != nil && f.object {
				f.wantKey = true
			}
		case '"':
			i = d.str(i)
		}
	}
	sort.SliceStable(d.out, func(i, j int) bool { return d.out[i].Offset < d.out[j].Offset })
	return d.out
}

// keyFrame is an object or array open at some point of the scan.
type keyFrame struct {
	object, wantKey bool
	first           map[string]int // key -> offset of its first quote
	last            map[string]int // key -> offset of its last quote, when repeated
}

// dupScan is duplicateKeys' state: the open objects and arrays, and the
// findings so far.
type dupScan struct {
	src   []byte
	ix    *diag.Index
	stack []*keyFrame
	out   []Finding
}

func (d *dupScan) top() *keyFrame {
	if len(d.stack) == 0 {
		return nil
	}
	return d.stack[len(d.stack)-1]
}

// close ends the innermost object or array, reporting its repeated keys.
func (d *dupScan) close() {
	f := d.top()
	if f == nil {
		return
	}
	d.stack = d.stack[:len(d.stack)-1]
	keys := make([]string, 0, len(f.last))
	for k := range f.last {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return f.first[keys[i]] < f.first[keys[j]] })
	for _, k := range keys {
		again := d.ix.At(f.last[k])
		d.out = append(d.out, Finding{Diagnostic: diag.Placed("", d.ix.At(f.first[k]), "", fmt.Sprintf("key %s is written more than once in this object: capgate keeps the last one (line %d, column %d), so what this one holds is ignored; keep one", jsonQuote(k), again.Line, again.Col))})
	}
}

// str reads the string whose quote is at start and returns the offset of
// its closing quote; a string where a key is wanted is recorded as a key.
func (d *dupScan) str(start int) int {
	src, i, esc := d.src, start+1, false
	for ; i < len(src) && src[i] != '"'; i++ {
		if src[i] == '\\' {
			esc = true
			i++
		}
	}
	f := d.top()
	if f == nil || !f.object || !f.wantKey {
		return i
	}
	f.wantKey = false
	key := string(src[start+1 : min(i, len(src))])
	if esc {
		var dec string
		if json.Unmarshal(src[start:min(i+1, len(src))], &dec) == nil {
			key = dec
		}
	}
	f.key(key, start)
	return i
}

// key records key, whose quote is at off.
func (f *keyFrame) key(key string, off int) {
	if f.first == nil {
		f.first = map[string]int{}
	}
	if _, seen := f.first[key]; !seen {
		f.first[key] = off
		return
	}
	if f.last == nil {
		f.last = map[string]int{}
	}
	f.last[key] = off
}
