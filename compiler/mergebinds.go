package compiler

import "path"

// The modes a bind can have, for mergeBinds: writable or read-only, and in
// bwrap "-try" (skipped when the source is missing) or not.
type bindMode struct{ rw, try bool }

// bwrapFlag is the bwrap option for a bind of mode m.
func (m bindMode) bwrapFlag() string {
	switch {
	case m.rw && m.try:
		return "--bind-try"
	case m.rw:
		return "--bind"
	case m.try:
		return "--ro-bind-try"
	}
	return "--ro-bind"
}

// grantRef is the grant a bind serves: an fs mount, an ipc endpoint, or
// clock:tzdata (neither). Its text is made only for a note.
type grantRef struct {
	m   *Mount
	ipc *NamedGrant
}

// String names the grant as notes do ("fs:read:/srv/d/zz.conf",
// "ipc:connect:x11"): its capability as written when one made it.
func (g grantRef) String() string {
	switch {
	case g.m != nil:
		return mountGrant(g.m)
	case g.ipc != nil:
		return namedGrant(g.ipc)
	}
	return "clock:tzdata"
}

// grantBind is b with the grant it serves.
func grantBind(b bind, by grantRef) bind {
	b.by = by
	return b
}

// mountGrant names the fs grant behind m: its capability as written when
// one made it, else fs:read[,write]:<declared>.
func mountGrant(m *Mount) string {
	if len(m.Srcs) == 1 {
		return written(m.Srcs[0])
	}
	if m.Writable {
		return "fs:read,write:" + m.Declared
	}
	return "fs:read:" + m.Declared
}

// namedGrant names an ipc grant as mountGrant names an fs one.
func namedGrant(g *NamedGrant) string {
	if len(g.Srcs) == 1 {
		return written(g.Srcs[0])
	}
	return "ipc:connect:" + g.Name
}

// mergeBinds folds the binds that share a destination (compared cleaned)
// into one at the place of the first: docker and podman refuse to start a
// container with two mounts at one destination, and in bwrap the later of
// two binds of one path wins, so a read-only bind after a writable one
// would take away the write its grant declares. The merged bind is
// writable when any is and "-try" only when all are; it keeps the words
// of the first bind of that mode, else mk makes them. Binds of one
// destination that all have one mode are merged only when same is set
// (docker; in bwrap they are legal and grant alike, and stay as capgate
// emits them). For every read-only bind merged into a writable one, note
// gets the grant it serves (now writable in the sandbox), the destination
// and the grant that needs the write. A list with no destination twice,
// the usual case, is returned as it is, with no allocation for up to 32
// binds.
//
// dup is dupDest(bs), which the caller may know already.
func mergeBinds(bs []bind, dup, same bool, mk func(dst string, m bindMode) bind, note func(ro, dst, rw string)) []bind {
	if !dup {
		return bs
	}
	at := make(map[string]int, len(bs)) // cleaned destination -> its group
	var groups [][]int                  // the binds of each destination
	of := make([]int, len(bs))          // the group of each bind
	for i := range bs {
		k := path.Clean(bs[i].dst)
		j, ok := at[k]
		if !ok {
			j = len(groups)
			at[k] = j
			groups = append(groups, nil)
		}
		groups[j] = append(groups[j], i)
		of[i] = j
	}
	out := make([]bind, 0, len(bs))
	for i := range bs {
		g := groups[of[i]]
		switch {
		case len(g) == 1 || (!same && uniform(bs, g)):
			out = append(out, bs[i])
		case g[0] == i:
			out = append(out, mergeGroup(bs, g, mk, note))
		}
	}
	return out
}

// uniform reports whether the binds bs[g...] all have one mode.
func uniform(bs []bind, g []int) bool {
	for _, i := range g[1:] {
		if bs[i].mode != bs[g[0]].mode {
			return false
		}
	}
	return true
}

// mergeGroup is the one bind for the binds bs[g...] of one destination.
func mergeGroup(bs []bind, g []int, mk func(dst string, m bindMode) bind, note func(ro, dst, rw string)) bind {
	m := bindMode{try: true}
	wide := -1 // the first writable bind
	for _, i := range g {
		m.rw = m.rw || bs[i].mode.rw
		m.try = m.try && bs[i].mode.try
		if wide < 0 && bs[i].mode.rw {
			wide = i
		}
	}
	merged := bind{}
	found := false
	for _, i := range g {
		if bs[i].mode == m {
			merged, found = bs[i], true
			break
		}
	}
	if !found {
		merged = mk(bs[g[0]].dst, m)
	}
	merged.by = bs[g[0]].by
	if m.rw {
		for _, i := range g {
			if !bs[i].mode.rw {
				note(bs[i].by.String(), bs[g[0]].dst, bs[wide].by.String())
			}
		}
	}
	return merged
}

// dupDest is dupDest(bs) for the binds bwrap or docker collect, worked out
// once for both: they bind the same destinations (in another order). It
// halves what the check costs, ~1% of BenchmarkCompileAll's instructions
// (valgrind, issue 24); the merge tests and conformance vectors guard it.
func (l *lowering) dupDest(bs []bind) bool {
	if !l.dupSet {
		l.dup, l.dupSet = dupDest(bs), true
	}
	return l.dup
}

// dupDest reports whether two binds may share a destination: for up to 32
// clean destinations by comparing them, else always (mergeBinds then
// decides).
func dupDest(bs []bind) bool {
	if len(bs) > 32 {
		return true
	}
	for j := range bs {
		if !cleanPath(bs[j].dst) {
			return true
		}
		for _, b := range bs[:j] {
			if b.dst == bs[j].dst {
				return true
			}
		}
	}
	return false
}
