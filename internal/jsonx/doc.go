package jsonx

import "unsafe"

// doc is a document as a Parser holds it: every value a node, in the order
// the values open, an array's elements and an object's key, value pairs
// as node indexes in kids, and the decoded text of the strings that had
// escapes (or invalid UTF-8) in esc.
//
// None of it holds a Go pointer (src and esc are byte slices, the rest
// integers), so the memory a pooled Parser keeps is noscan: building a
// document writes no pointer the collector must see, so no write
// barriers while it marks, nothing for it to scan, and nothing for Reset
// to clear. The tree of Values this replaced in the pooled Parser
// (strings, *Value and []*Value in pooled slabs that Reset cleared and
// each container's list copied, all with write barriers while the
// collector marked, some 40% of the time at GOMAXPROCS=1) made compiler's
// BenchmarkCompileAll 4-7% slower: ratios of the medians of three
// alternating A/B series of 12-16 runs, 2026-12-07, load 1.2-2.3 (issue
// 24). FuzzParse
// holds the Nodes to the Values, and both to encoding/json; compiler's
// conformance tests and FuzzCompile hold the compilations to capgate's.
type doc struct {
	src   []byte
	esc   []byte
	nodes []node
	kids  []int32
}

// node is one value of a doc. Its text (String: the decoded text; Number:
// the literal; Bool: the word) is src[a:b], or esc[a:b] when esc is set;
// an Array's or Object's children are kids[a:b]. Offsets are int32 (a
// Parser reads at most maxDoc bytes): a node is 24 bytes.
type node struct {
	kind           Kind
	esc            bool
	a, b           int32
	off, line, col int32
}

func (nd *node) pos() Pos { return Pos{Offset: int(nd.off), Line: int(nd.line), Col: int(nd.col)} }

// text is the text of node i, a view into src or esc.
func (d *doc) text(i int32) string {
	nd := &d.nodes[i]
	buf := d.src
	if nd.esc {
		buf = d.esc
	}
	if nd.a == nd.b {
		return ""
	}
	return unsafe.String(&buf[nd.a], nd.b-nd.a)
}

// Node is a value of a document a Parser parsed, or no value (the zero
// Node: what Get returns for a missing key). It is valid until the
// Parser's Reset; its strings are views into the source and the Parser.
type Node struct {
	d *doc
	i int32
}

// Exists reports whether n is a value, not the zero Node.
func (n Node) Exists() bool { return n.d != nil }

// Kind is the kind of n (Null for the zero Node).
func (n Node) Kind() Kind {
	if n.d == nil {
		return Null
	}
	return n.d.nodes[n.i].kind
}

// Str is the text of a String (decoded), Number (the literal) or Bool
// ("true" or "false"); "" for anything else.
func (n Node) Str() string {
	switch n.Kind() {
	case String, Number, Bool:
		return n.d.text(n.i)
	}
	return ""
}

// Pos is where n starts in the source.
func (n Node) Pos() Pos {
	if n.d == nil {
		return Pos{}
	}
	return n.d.nodes[n.i].pos()
}

// kids are the children of a container n: an array's elements, an
// object's key, value pairs; nil for anything else.
func (n Node) kids() []int32 {
	if n.d == nil {
		return nil
	}
	nd := &n.d.nodes[n.i]
	if nd.kind != Array && nd.kind != Object {
		return nil
	}
	return n.d.kids[nd.a:nd.b]
}

// Len is the number of elements of an array or members of an object, 0
// for anything else.
func (n Node) Len() int {
	k := n.kids()
	if len(k) > 0 && n.d.nodes[n.i].kind == Object {
		return len(k) / 2
	}
	return len(k)
}

// Item is element i of an array, or the value of member i of an object.
func (n Node) Item(i int) Node {
	k := n.kids()
	if n.d.nodes[n.i].kind == Object {
		return Node{n.d, k[2*i+1]}
	}
	return Node{n.d, k[i]}
}

// Key is the key of member i of an object.
func (n Node) Key(i int) string { return n.d.text(n.kids()[2*i]) }

// Get returns the value of key k in an object, or the zero Node.
func (n Node) Get(k string) Node {
	if n.Kind() != Object {
		return Node{}
	}
	kids := n.kids()
	for j := 0; j < len(kids); j += 2 {
		// The lengths first: most keys differ in theirs.
		if kn := &n.d.nodes[kids[j]]; int(kn.b-kn.a) == len(k) && n.d.text(kids[j]) == k {
			return Node{n.d, kids[j+1]}
		}
	}
	return Node{}
}

// tree builds the Values of the document whose root is node root: one
// slice of Values, one of their children and one of the keys, as the
// nodes are already in order.
func (d *doc) tree(root int32) *Value {
	vals := make([]Value, len(d.nodes))
	items := make([]*Value, 0, len(d.kids))
	keys := make([]string, 0, len(d.kids)/2)
	for i := range d.nodes {
		nd, v := &d.nodes[i], &vals[i]
		v.Kind, v.Pos = nd.kind, nd.pos()
		switch nd.kind {
		case Null:
		case Array:
			from := len(items)
			for _, k := range d.kids[nd.a:nd.b] {
				items = append(items, &vals[k])
			}
			v.Items = window(items, from)
		case Object:
			from, kfrom := len(items), len(keys)
			kids := d.kids[nd.a:nd.b]
			for j := 0; j < len(kids); j += 2 {
				keys = append(keys, d.text(kids[j]))
				items = append(items, &vals[kids[j+1]])
			}
			v.Items, v.Keys = window(items, from), window(keys, kfrom)
		default:
			v.Str = d.text(int32(i))
		}
	}
	return &vals[root]
}

// window is s[from:] with its capacity cut to its length, nil when empty
// (as an empty container's lists were).
func window[T any](s []T, from int) []T {
	if from == len(s) {
		return nil
	}
	return s[from:len(s):len(s)]
}
