package jsonx

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
	"unicode/utf8"
)

// FuzzParse checks the parser four ways on any input: it accepts exactly
// what encoding/json.Valid accepts (both follow RFC 8259, as JSON.parse
// does); what it reads is what encoding/json decodes (a duplicate key's
// last value; strings that are valid UTF-8, as a lone surrogate, kept as
// WTF-8 here, is not there); the Nodes a Parser builds read the same as the tree of Values
// Parse makes of them (kinds, text, positions, keys, order); and a Schema
// that skips some members leaves the others as a full parse reads them,
// on a Parser reused after Reset.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"a":1,"b":2,"a":{"z":null,"y":[true,"x"]}}`, `"\ud800"`, "\"\xff\"", `[1,-2.5e3,{"é":"\n"}]`,
		`{"ab":[1],"abc":{"x":"\u00e9\ud800"},"ab":"x"}`, "[\"\\u00e9\xff\"]", `[1,]`, `{"a" 1}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		v, err := Parse(src)
		if valid := json.Valid(src); (err == nil) != valid {
			t.Fatalf("Parse error %v, json.Valid %v", err, valid)
		}
		if err != nil {
			return
		}
		d := json.NewDecoder(bytes.NewReader(src))
		d.UseNumber()
		var x any
		if err := d.Decode(&x); err != nil {
			t.Fatal(err)
		}
		var p Parser
		n, _ := p.Parse(src, WantAll, nil)
		sameAsStd(t, n, x)
		p.Reset()
		for range 2 { // the second time on the memory the first left
			n, err := p.Parse(src, WantAll, nil)
			if err != nil {
				t.Fatal(err)
			}
			sameValue(t, n, v, false)
			p.Reset()
			n, err = p.Parse(src, 1, skipOddKeys)
			if err != nil {
				t.Fatal(err)
			}
			sameValue(t, n, v, true)
			p.Reset()
		}
	})
}

// skipOddKeys is a Schema that skips the members whose keys are of odd
// length.
func skipOddKeys(_ Want, key string, inArray bool) Want {
	if !inArray && len(key)%2 == 1 {
		return WantSkip
	}
	return 1
}

// sameValue fails t unless n reads as v, less the members skipOddKeys
// skips when skipped is set.
func sameValue(t *testing.T, n Node, v *Value, skipped bool) {
	t.Helper()
	if !n.Exists() || n.Kind() != v.Kind || n.Str() != v.Str || n.Pos() != v.Pos {
		t.Fatalf("node %v %q at %+v, value %v %q at %+v", n.Kind(), n.Str(), n.Pos(), v.Kind, v.Str, v.Pos)
	}
	j := 0
	for i, it := range v.Items {
		if v.Kind == Object && skipped && len(v.Keys[i])%2 == 1 {
			if n.Get(v.Keys[i]).Exists() {
				t.Fatalf("key %q not skipped", v.Keys[i])
			}
			continue
		}
		if j >= n.Len() {
			t.Fatalf("node at %+v has %d children, value more", n.Pos(), n.Len())
		}
		if v.Kind == Object && n.Key(j) != v.Keys[i] {
			t.Fatalf("key %d is %q, value's %q", j, n.Key(j), v.Keys[i])
		}
		sameValue(t, n.Item(j), it, skipped)
		j++
	}
	if j != n.Len() {
		t.Fatalf("node at %+v has %d children, value %d", n.Pos(), n.Len(), j)
	}
}

// sameAsStd fails t unless n reads as x, what encoding/json decoded of it
// (with UseNumber).
func sameAsStd(t *testing.T, n Node, x any) {
	t.Helper()
	switch x := x.(type) {
	case nil:
		if n.Kind() != Null {
			t.Fatalf("%v at %+v, encoding/json null", n.Kind(), n.Pos())
		}
	case bool:
		if n.Kind() != Bool || n.Str() != strconv.FormatBool(x) {
			t.Fatalf("%v %q at %+v, encoding/json %v", n.Kind(), n.Str(), n.Pos(), x)
		}
	case json.Number:
		if n.Kind() != Number || n.Str() != string(x) {
			t.Fatalf("%v %q at %+v, encoding/json %v", n.Kind(), n.Str(), n.Pos(), x)
		}
	case string:
		if n.Kind() != String || utf8.ValidString(n.Str()) && n.Str() != x {
			t.Fatalf("%v %q at %+v, encoding/json %q", n.Kind(), n.Str(), n.Pos(), x)
		}
	case []any:
		if n.Kind() != Array || n.Len() != len(x) {
			t.Fatalf("%v of %d at %+v, encoding/json array of %d", n.Kind(), n.Len(), n.Pos(), len(x))
		}
		for i, it := range x {
			sameAsStd(t, n.Item(i), it)
		}
	case map[string]any:
		sameObjectAsStd(t, n, x)
	}
}

// sameObjectAsStd is sameAsStd for an object: each key that is valid
// UTF-8 holds what encoding/json holds under it.
func sameObjectAsStd(t *testing.T, n Node, x map[string]any) {
	t.Helper()
	if n.Kind() != Object {
		t.Fatalf("%v at %+v, encoding/json object", n.Kind(), n.Pos())
	}
	for i := range n.Len() {
		if k := n.Key(i); utf8.ValidString(k) {
			it, ok := x[k]
			if !ok {
				t.Fatalf("key %q at %+v not in encoding/json's object", k, n.Pos())
			}
			sameAsStd(t, n.Item(i), it)
		}
	}
}

// TestZeroNode: the zero Node, what Get gives for a missing key, reads as
// nothing (no panic).
func TestZeroNode(t *testing.T) {
	t.Parallel()
	var n Node
	if n.Exists() || n.Kind() != Null || n.Str() != "" || n.Len() != 0 || n.Get("a").Exists() || n.Pos() != (Pos{}) {
		t.Errorf("zero Node: exists %v, kind %v, %q, len %d, pos %+v", n.Exists(), n.Kind(), n.Str(), n.Len(), n.Pos())
	}
}
