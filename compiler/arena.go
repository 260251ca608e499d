package compiler

import (
	"strconv"
	"strings"
)

// arena hands out the strings and string lists of one compilation from a
// few shared blocks, so that a Result costs a handful of allocations rather
// than one for every note, mount flag and list.
//
// A string or list is built at the end of its block and then closed (done,
// list). What has been handed out is never written again: when a block
// must grow, the strings and lists already handed out keep pointing into
// the old one, which lives on for as long as they do. (strings.Builder
// promises exactly this for its text, and grows without zeroing.) An arena
// belongs to one goroutine.
type arena struct {
	b      strings.Builder
	bStart int // start of the open string in b
	s      []string
	sStart int // start of the open list in s
}

// reserve makes room for lowering p to all four targets, so that most
// lowerings fill one block of each kind. The figures come from the lengths
// of capgate's notes and configs; a wrong guess costs a copy, not
// correctness.
func (a *arena) reserve(p *Policy) {
	nb := 240 + 150*len(p.Net) + 60*len(p.Exec) + 80*len(p.IPC)
	if len(p.Net) > 0 {
		nb += 330 // the private-range blocks
	}
	for i := range p.FS {
		if strings.ContainsAny(p.FS[i].Path, "*[") {
			nb += 260
		}
	}
	// Lists: bwrap's argv is at most 42 fixed entries, three per mount
	// and ipc socket; docker's at most 17, two per mount, socket and
	// variable; then the notes and the env list.
	ns := 42 + 17 + 5*len(p.FS) + 5*len(p.IPC) + 3*len(p.Env) + 2 + // argv, env
		8 + 4*len(p.FS) + 2*len(p.Exec) + 2*len(p.IPC) + 4*len(p.Net) // notes
	a.grow(nb, ns)
}

// room is what to reserve in an arena before parsing a manifest of n
// bytes: the manifest's strings and, when lower is set, a first guess at
// the text and lists of compiling it to every target, so that the two can
// share one block of each kind.
func room(n int, lower bool) (nb, ns int) {
	nb = n + len("sha256:") + 64
	if lower {
		nb += n/2 + 768
	}
	return nb, 0
}

// grow makes room for nb more bytes and ns more list elements. It is
// called with no string or list open, so a new block starts empty: what
// was handed out stays where it is.
func (a *arena) grow(nb, ns int) {
	if a.b.Cap()-a.b.Len() < nb {
		a.b.Reset()
		a.b.Grow(nb)
		a.bStart = 0
	}
	if cap(a.s)-len(a.s) < ns {
		a.s, a.sStart = make([]string, 0, ns), 0
	}
}

// text appends s to the open string.
func (a *arena) text(s string) { a.b.WriteString(s) }

// int appends n in decimal to the open string.
func (a *arena) int(n int) {
	var buf [20]byte
	a.b.Write(strconv.AppendInt(buf[:0], int64(n), 10))
}

// quoted appends s as a JSON string literal, as capgate's JSON.stringify
// quoting in notes and messages writes it.
func (a *arena) quoted(s string) {
	var buf [128]byte
	a.b.Write(AppendJSONString(buf[:0], s))
}

// done closes the open string and returns it.
func (a *arena) done() string {
	s := a.b.String()[a.bStart:]
	a.bStart = a.b.Len()
	return s
}

// str returns the concatenation of parts.
func (a *arena) str(parts ...string) string {
	for _, p := range parts {
		a.b.WriteString(p)
	}
	return a.done()
}

// add appends ss to the open list.
func (a *arena) add(ss ...string) { a.s = append(a.s, ss...) }

// list closes the open list and returns it. An empty list is empty, not
// nil, so that it is written as [].
func (a *arena) list() []string {
	l := a.s[a.sStart:len(a.s):len(a.s)]
	a.sStart = len(a.s)
	if l == nil {
		return []string{}
	}
	return l
}
