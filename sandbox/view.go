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
}

// View is the effective view of a sandbox: for every path inside it, the
// mount visible there after all mounts apply in the engine's order.
type View struct {
	entries []Entry // visible mounts, sorted by Dest (unique: a later one hides an earlier one at its place)
	bySrc   []int   // the binds among entries, by Source, then most access first
	// destLens and srcLens have bit n set when some entry's Dest (some
	// bind's Source) is n bytes long, bit 63 for 63 and more: find and
	// sources skip the search for a path of a length no entry has,
	// which most ancestors of a point are (BenchmarkChangedManifest/
	// fs-only; TestViewAsSorted).
	destLens, srcLens uint64
}

// lenBit is the bit of a path of n bytes in View's length masks.
func lenBit(n int) uint64 { return 1 << min(n, 63) }

// View returns the effective view of s: each mount is visible unless a
// later one has its destination at or above it (bubblewrap, and docker
// once sorted by depth, apply them in the order of s.Mounts). It is
// O(n·d + n log n) for n mounts of depth d.
//
// The visible mounts are sorted as indices and copied once, in order:
// sorting the entries themselves moved structs of eight strings through
// write barriers, a third of View on BenchmarkChangedManifest's bwrap
// artifacts. Their destinations are distinct, so any sort gives the same
// order; bySrc, whose ties keep their order, is sorted as before.
// TestViewAsSorted holds both to the entries sorted as they were.
func (s *Sandbox) View() *View {
	idx := visibleMounts(s.Mounts)
	slices.SortFunc(idx, func(a, b int32) int { return strings.Compare(s.Mounts[a].Dest, s.Mounts[b].Dest) })
	v := &View{entries: make([]Entry, len(idx))}
	binds := 0
	for i, j := range idx {
		v.entries[i].Mount = s.Mounts[j]
		v.destLens |= lenBit(len(s.Mounts[j].Dest))
		if s.Mounts[j].Type == Bind {
			binds++
			v.srcLens |= lenBit(len(s.Mounts[j].Source))
		}
	}
	v.bySrc = make([]int, 0, binds)
	for i := range v.entries {
		if v.entries[i].Type == Bind {
			v.bySrc = append(v.bySrc, i)
		}
	}
	slices.SortFunc(v.bySrc, func(a, b int) int {
		ea, eb := &v.entries[a], &v.entries[b]
		if c := strings.Compare(ea.Source, eb.Source); c != 0 {
			return c
		}
		return int(eb.access() - ea.access())
	})
	return v
}

// visibleMounts returns the indices of the mounts of ms that no later one
// hides (a later one at or above its destination), last first.
func visibleMounts(ms []Mount) []int32 {
	// Walking back, a mount is hidden when a later one sits at or above
	// it: a set of the later destinations answers that per ancestor (a
	// scan of them, for a few mounts).
	idx := make([]int32, 0, len(ms))
	small := len(ms) <= 16
	var later map[string]struct{}
	if !small {
		later = make(map[string]struct{}, len(ms))
	}
	for i := len(ms) - 1; i >= 0; i-- {
		d := ms[i].Dest
		hidden := false
		if small {
			for j := i + 1; j < len(ms) && !hidden; j++ {
				hidden = Under(d, ms[j].Dest)
			}
		} else {
			ancestors(d, func(a string) bool {
				_, hidden = later[a]
				return hidden
			})
			later[d] = struct{}{}
		}
		if !hidden {
			idx = append(idx, int32(i))
		}
	}
	return idx
}

// Entries returns the visible mounts, sorted by destination.
func (v *View) Entries() []Entry { return v.entries }

// find returns the index of the visible mount at exactly dest, or -1.
//
// The searches of find and sources read the entries in place:
// slices.BinarySearchFunc over the entries copied one (eight strings) a
// step, a fifth of Compare on a changed bwrap artifact
// (BenchmarkChangedManifest/fs-only).
func (v *View) find(dest string) int {
	if v.destLens&lenBit(len(dest)) == 0 {
		return -1
	}
	lo, hi := 0, len(v.entries)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v.entries[m].Dest < dest {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(v.entries) && v.entries[lo].Dest == dest {
		return lo
	}
	return -1
}

// sources returns the binds whose source is exactly src, most access
// first.
func (v *View) sources(src string) []int {
	if v.srcLens&lenBit(len(src)) == 0 {
		return nil
	}
	lo, hi := 0, len(v.bySrc)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if v.entries[v.bySrc[m]].Source < src {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(v.bySrc) || v.entries[v.bySrc[lo]].Source != src {
		return nil
	}
	hi = lo + 1
	for hi < len(v.bySrc) && v.entries[v.bySrc[hi]].Source == src {
		hi++
	}
	return v.bySrc[lo:hi]
}

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
		found = v.find(a)
		return found >= 0
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
		for _, i := range v.sources(a) {
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
// change: each bind's source, and each place a deeper visible mount cuts
// into a bind, mapped to the host.
func (v *View) points(add func(string)) {
	for _, e := range v.entries {
		if e.Type == Bind {
			add(e.Source)
		}
		if p := parent(e.Dest); p != "" {
			ancestors(p, func(a string) bool {
				if j := v.find(a); j >= 0 && v.entries[j].Type == Bind {
					add(rebase(e.Dest, a, v.entries[j].Source))
				}
				return false
			})
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
