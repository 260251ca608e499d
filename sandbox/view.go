package sandbox

import (
	"path"
	"slices"
	"strings"
)

// Access is what a process can do with a path.
type Access int

// Accesses, least first.
const (
	NoAccess Access = iota
	Read
	Write
	// Devices is Write with device nodes usable (bwrap --dev-bind).
	Devices
)

// String returns "none", "ro", "rw" or "rw+dev".
func (a Access) String() string {
	switch a {
	case Read:
		return "ro"
	case Write:
		return "rw"
	case Devices:
		return "rw+dev"
	}
	return "none"
}

// access is what m grants through itself (NoAccess for a tmpfs, a procfs,
// a fresh /dev, the image: nothing of the host).
func (m Mount) access() Access {
	switch {
	case m.Type != Bind:
		return NoAccess
	case m.Devices:
		return Devices
	case m.Write:
		return Write
	}
	return Read
}

// Entry is a mount visible in the effective view.
type Entry struct {
	Mount
	// Holes are the destinations of visible mounts strictly below
	// Dest, sorted: what this mount shows stops there.
	Holes []string
}

// View is the effective view of a sandbox: for every path inside it, the
// mount visible there after all mounts apply in the engine's order.
type View struct {
	entries []Entry        // visible mounts, by Dest
	byDest  map[string]int // Dest -> index in entries
	bySrc   map[string][]int
}

// View returns the effective view of s: each mount is visible unless a
// later one has its destination at or above it (bubblewrap, and docker
// once sorted by depth, apply them in the order of s.Mounts). It is
// O(n·d) for n mounts of depth d.
func (s *Sandbox) View() *View {
	later := make(map[string]bool, len(s.Mounts))
	visible := make([]bool, len(s.Mounts))
	for i := len(s.Mounts) - 1; i >= 0; i-- {
		d := s.Mounts[i].Dest
		hidden := false
		ancestors(d, func(a string) bool {
			hidden = later[a]
			return hidden
		})
		visible[i] = !hidden
		later[d] = true
	}
	v := &View{byDest: map[string]int{}, bySrc: map[string][]int{}}
	for i, m := range s.Mounts {
		if visible[i] {
			v.entries = append(v.entries, Entry{Mount: m})
		}
	}
	slices.SortStableFunc(v.entries, func(a, b Entry) int { return strings.Compare(a.Dest, b.Dest) })
	for i, e := range v.entries {
		v.byDest[e.Dest] = i
	}
	for i, e := range v.entries {
		if p := parent(e.Dest); p != "" {
			ancestors(p, func(a string) bool {
				if j, ok := v.byDest[a]; ok {
					v.entries[j].Holes = append(v.entries[j].Holes, e.Dest)
				}
				return false
			})
		}
		if e.Type == Bind {
			v.bySrc[e.Source] = append(v.bySrc[e.Source], i)
		}
	}
	for _, is := range v.bySrc {
		// Most access first: host stops at the first that shows h.
		slices.SortStableFunc(is, func(a, b int) int { return int(v.entries[b].access() - v.entries[a].access()) })
	}
	return v
}

// Entries returns the visible mounts, sorted by destination.
func (v *View) Entries() []Entry { return v.entries }

// At returns the mount visible at the sandbox path p: the visible mount
// nearest at or above it.
func (v *View) At(p string) (Entry, bool) {
	i := v.at(cleanPath(p))
	if i < 0 {
		return Entry{}, false
	}
	return v.entries[i], true
}

func (v *View) at(p string) int {
	found := -1
	ancestors(p, func(a string) bool {
		if i, ok := v.byDest[a]; ok {
			found = i
			return true
		}
		return false
	})
	return found
}

// Host returns the best access the sandbox gives to the host path h
// through any visible bind, and that bind's entry.
func (v *View) Host(h string) (Access, Entry) {
	a, i := v.host(cleanPath(h))
	if i < 0 {
		return NoAccess, Entry{}
	}
	return a, v.entries[i]
}

// host is Host for a cleaned path, with the entry's index (-1 for none).
func (v *View) host(h string) (Access, int) {
	best, bi := NoAccess, -1
	ancestors(h, func(a string) bool {
		for _, i := range v.bySrc[a] {
			e := v.entries[i]
			if e.access() <= best {
				break // sorted: no later one shows more
			}
			if v.at(rebase(h, a, e.Dest)) == i {
				best, bi = e.access(), i
				break
			}
			// A deeper mount hides h in this one.
		}
		return best == Devices
	})
	return best, bi
}

// points lists the host paths at which what v shows of the host can
// change: each bind's source and each hole in it, mapped to the host.
func (v *View) points(add func(string)) {
	for _, e := range v.entries {
		if e.Type != Bind {
			continue
		}
		add(e.Source)
		for _, h := range e.Holes {
			add(rebase(h, e.Dest, e.Source))
		}
	}
}

// rebase maps p, at or below from, to the same place below to.
func rebase(p, from, to string) string {
	if from == to {
		return p
	}
	rel := strings.TrimPrefix(p, from)
	if from == "/" {
		rel = p
	}
	if rel == "" || rel == "/" {
		return to
	}
	return path.Join(to, rel)
}

// cleanPath cleans an absolute path the way the kernel resolves it
// lexically: "/srv/ws/../secret" is "/srv/secret". A relative path stays
// relative (cleaned).
func cleanPath(p string) string {
	if p == "" {
		return p
	}
	return path.Clean(p)
}

// parent returns the directory above p, "" for "/" or a single relative
// name.
func parent(p string) string {
	if p == "/" || p == "" || p == "." {
		return ""
	}
	i := strings.LastIndexByte(p, '/')
	switch {
	case i < 0:
		return ""
	case i == 0:
		return "/"
	}
	return p[:i]
}

// ancestors calls f with p and each directory above it, nearest first,
// ending with "/" for an absolute path; it stops when f returns true. It
// is O(len(p)).
func ancestors(p string, f func(string) bool) {
	for p != "" {
		if f(p) {
			return
		}
		p = parent(p)
	}
}

// Under reports whether p is d or below it (both cleaned).
func Under(p, d string) bool {
	return p == d || d == "/" || strings.HasPrefix(p, d) && len(p) > len(d) && p[len(d)] == '/'
}
