package sandbox

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
)

// Compare lists what head lets the process do beyond base (Widened),
// what it no longer lets it do (Narrowed), and neutral changes (Changed).
//
// Files are judged on the two effective views, host path by host path
// (see compareFS); egress on the rules (one covers another when its host
// is "*", the same name ignoring ASCII case, or a ".domain" above it, its
// port any or the same, and it blocks private ranges only where the other
// does); everything else as sets. An unconfined head (Confined false) is
// one widening whatever the base. Every step is linear or n log n in the
// size of the sandboxes, times the depth of their paths.
func Compare(base, head *Sandbox) []Delta {
	switch {
	case !head.Confined && !base.Confined:
		return nil
	case !head.Confined:
		return []Delta{{Severity: Widened, Aspect: AspectConfined, Before: "sandboxed", After: "no sandbox",
			Why: "the process runs with every right of the user: every file, the network, the environment", Ref: Ref{Side: Head}}}
	case !base.Confined:
		return []Delta{{Severity: Narrowed, Aspect: AspectConfined, Before: "no sandbox", After: "sandboxed",
			Why: "the process now runs in a sandbox", Ref: Ref{Side: Base}}}
	}
	var out []Delta
	if !slices.Equal(base.Mounts, head.Mounts) {
		// The same mounts give the same view, and over one view
		// compareFS finds no point where access differs and
		// compareLinks no bind the base lacked: no view, neither
		// walk (nothing else reads the views). A pull request that
		// changes no mount (egress, a variable, a program) pays for
		// none; they took a third of Compare for a bwrap artifact
		// (BenchmarkChangedManifest in package diff).
		// TestSameMountsNoFSDelta holds both walks to that on
		// generated sandboxes.
		bv, hv := base.View(), head.View()
		out = append(out, compareFS(head, bv, hv)...)
		out = append(out, compareLinks(base, bv, hv, out)...)
	}
	out = append(out, compareRules(base.Network.Allow, head.Network.Allow)...)
	out = append(out, compareProduct(base.Network, head.Network)...)
	out = append(out, compareNetwork(base.Network, head.Network)...)
	out = append(out, compareIso(base.Isolation, head.Isolation)...)
	out = append(out, compareSets(base, head)...)
	out = append(out, compareUser(base.User, head.User)...)
	return out
}

// compareFS compares what the two views show of the host. What a view
// shows can change only at a bind's source or at a hole in it (a deeper
// visible mount), so the host paths of both views' binds and holes are
// the points compared: at each, the best access through any visible bind
// on either side. Points where the head grants more are widened, less
// narrowed; points of one (head mount, base mount) pair are one delta, at
// the first such point in path order.
func compareFS(head *Sandbox, bv, hv *View) []Delta {
	var pts []string
	add := func(p string) { pts = append(pts, p) }
	bv.points(add)
	hv.points(add)
	slices.Sort(pts)
	pts = slices.Compact(pts)
	// One delta per (severity, responsible entry): the first point in
	// path order; later points of the same entry are named in it.
	type key struct {
		widened bool
		entry   int
	}
	var first map[key]int
	var more map[int][]string
	var hd map[string]bool
	var out []Delta
	for _, p := range pts {
		la, ba := bv.host(p)
		lh, ha := hv.host(p)
		if la == lh {
			continue
		}
		k := key{lh > la, ba}
		if k.widened {
			k.entry = ha
		}
		if i, ok := first[k]; ok {
			if more == nil {
				more = map[int][]string{}
			}
			more[i] = append(more[i], p)
			continue
		}
		if first == nil {
			first = map[key]int{}
		}
		first[k] = len(out)
		f := fsDelta{p: p, bv: bv, hv: hv, lb: la, lh: lh, bi: ba, hi: ha, head: head, headDests: &hd}
		if k.widened {
			out = append(out, f.widened())
		} else {
			out = append(out, f.narrowed())
		}
	}
	for i, ps := range more {
		// A new mount at its own source ("new rw mount of /srv")
		// covers everything below it; any other delta names its other
		// points: "/srv becomes writable" does not say that the
		// read-only /srv/secret inside it is writable now too, and a
		// row that read the same with and without that protection
		// kept a label's approval across a push that dropped it.
		if out[i].Ref.Source != out[i].Ref.Path || out[i].Before != "" {
			out[i].Why += alsoAt(ps)
		}
	}
	return out
}

// alsoAt names the other paths a delta holds at: up to three, and how
// many more with a digest of the whole list, so that the text (which a
// label's approval is keyed by) changes whenever the list does.
func alsoAt(ps []string) string {
	s := "; also at " + strings.Join(ps[:min(len(ps), 3)], ", ")
	if len(ps) > 3 {
		h := sha256.New()
		for _, p := range ps {
			h.Write([]byte(p))
			h.Write([]byte{0})
		}
		s += fmt.Sprintf(" and %d more (sha256 of the list %x)", len(ps)-3, h.Sum(nil)[:16])
	}
	return s
}

// fsDelta is one point where the views differ: the access and the entry
// (index, -1 for none) on each side.
type fsDelta struct {
	p      string
	bv, hv *View
	lb, lh Access
	bi, hi int
	head   *Sandbox
	// headDests is the set of the head's mount destinations, made on
	// first use (shared by the deltas of one comparison).
	headDests *map[string]bool
}

func (f fsDelta) entry(v *View, i int) Entry {
	if i < 0 {
		return Entry{}
	}
	return v.entries[i]
}

// shows formats what a side shows at p: "rw /srv/app" or
// "rw /srv/app/secret (via /srv/app)".
func shows(a Access, p string, e Entry) string {
	if a == NoAccess {
		return ""
	}
	s := a.String() + " " + p
	if e.Source != p {
		s += " (via " + e.Source + ")"
	}
	return s
}

func (f fsDelta) widened() Delta {
	b, h := f.entry(f.bv, f.bi), f.entry(f.hv, f.hi)
	d := Delta{Severity: Widened, Aspect: AspectFS, Before: shows(f.lb, f.p, b), After: shows(f.lh, f.p, h),
		Ref: Ref{Side: Head, Source: h.Source, Raw: h.Raw, Path: f.p, Access: f.lh}}
	switch {
	case f.lb == NoAccess && h.Source == f.p:
		d.Why = fmt.Sprintf("new %s mount of %s", f.lh, f.p)
		if hid, ok := f.bv.At(f.p); ok && hid.Type != Bind {
			d.Why += fmt.Sprintf(" (the %s at %s hid it)", hid.Type, hid.Dest)
		}
	case f.lb == NoAccess:
		d.Why = fmt.Sprintf("%s is now %s through %s", f.p, access(f.lh), h.Source)
		if hid, ok := f.bv.At(f.p); ok && hid.Type != Bind {
			d.Why += fmt.Sprintf("; the %s at %s hid it", hid.Type, hid.Dest)
		}
	case b.Source == h.Source && b.Dest == h.Dest:
		d.Why = fmt.Sprintf("%s becomes %s", f.p, verb(f.lh))
	case h.Source == f.p && Under(f.p, b.Source):
		d.Before = f.lb.String() + " " + b.Source
		d.Why = fmt.Sprintf("%s is mounted %s inside %s %s", f.p, access(f.lh), access(f.lb), b.Source)
	case Under(b.Dest, h.Dest):
		d.Ref.Shadow = b.Source
		d.Why = fmt.Sprintf("%s %s no longer shadows the %s %s", access(f.lb), b.Source, adjective(f.lh), h.Source)
		if f.hidden(b) {
			d.Why += fmt.Sprintf(": it is still bound, but the later bind of %s hides it", h.Dest)
		}
	default:
		d.Why = fmt.Sprintf("%s is now %s through %s (was %s through %s)", f.p, access(f.lh), h.Source, access(f.lb), b.Source)
	}
	return d
}

// hidden reports whether the head still has a mount at b's destination
// that a later one hides (bwrap order).
func (f fsDelta) hidden(b Entry) bool {
	if *f.headDests == nil {
		*f.headDests = dests(f.head.Mounts)
	}
	return (*f.headDests)[b.Dest]
}

// dests is the set of the destinations of ms.
func dests(ms []Mount) map[string]bool {
	m := make(map[string]bool, len(ms))
	for _, x := range ms {
		m[x.Dest] = true
	}
	return m
}

func (f fsDelta) narrowed() Delta {
	b, h := f.entry(f.bv, f.bi), f.entry(f.hv, f.hi)
	d := Delta{Severity: Narrowed, Aspect: AspectFS, Before: shows(f.lb, f.p, b), After: shows(f.lh, f.p, h),
		Ref: Ref{Side: Base, Source: b.Source, Raw: b.Raw, Path: f.p, Access: f.lb}}
	switch {
	case b.Source == f.p:
		d.Before = f.lb.String() + " " + f.p
		d.Why = fmt.Sprintf("%s mount of %s removed or reduced", f.lb, f.p)
	case f.lh == NoAccess:
		d.Why = fmt.Sprintf("%s is no longer visible through %s", f.p, b.Source)
		if hid, ok := f.hv.At(f.p); ok && hid.Type != Bind {
			d.Why += fmt.Sprintf(": the %s at %s hides it", hid.Type, hid.Dest)
		}
	case Under(h.Dest, b.Dest):
		d.Why = fmt.Sprintf("%s %s now shadows the %s %s", access(f.lh), h.Source, adjective(f.lb), b.Source)
	default:
		d.Why = fmt.Sprintf("%s is now %s through %s (was %s through %s)", f.p, access(f.lh), h.Source, access(f.lb), b.Source)
	}
	return d
}

// access names an access in prose.
func access(a Access) string {
	switch a {
	case Read:
		return "read-only"
	case Write:
		return "read-write"
	case Devices:
		return "read-write with devices"
	}
	return "hidden"
}

// adjective names what a mount lets through, for the mount a shadow sits
// in: "readable", "writable".
func adjective(a Access) string {
	switch a {
	case Read:
		return "readable"
	case Devices:
		return "writable (device nodes usable)"
	}
	return "writable"
}

func verb(a Access) string {
	if a == Devices {
		return "writable with device nodes usable"
	}
	if a == Write {
		return "writable"
	}
	return "readable"
}

// compareUser reports a change of the user the process runs as.
func compareUser(b, h string) []Delta {
	if b == h {
		return nil
	}
	return []Delta{{Severity: Widened, Aspect: AspectUser, Before: b, After: h,
		Why: "the process runs as another user", Ref: Ref{Side: Head, Key: h}}}
}

// compareIso reports isolation the sandbox stops (or starts) applying, as
// one delta each way.
//
// Equal lists, the rule in a pull request, have no delta: minus of a list
// and itself is empty. Before that short cut each comparison built two
// sets of some twenty flags (BenchmarkChangedManifest).
func compareIso(b, h []string) []Delta {
	if slices.Equal(b, h) {
		return nil
	}
	lost, gained := minus(b, h), minus(h, b)
	var out []Delta
	if len(lost) > 0 {
		out = append(out, Delta{Severity: Widened, Aspect: AspectIsolation, Before: strings.Join(lost, " "),
			Why: "the sandbox no longer applies " + strings.Join(lost, ", "), Ref: Ref{Side: Head}})
	}
	if len(gained) > 0 {
		out = append(out, Delta{Severity: Narrowed, Aspect: AspectIsolation, After: strings.Join(gained, " "),
			Why: "the sandbox now applies " + strings.Join(gained, ", "), Ref: Ref{Side: Head}})
	}
	return out
}

// compareNetwork compares the network the sandbox joins, by name: one
// delta, the base network to the head's.
func compareNetwork(b, h Network) []Delta {
	if b.Name == h.Name {
		return nil
	}
	d := Delta{Aspect: AspectNetwork, Before: b.Name, After: h.Name, Ref: Ref{Side: Head}}
	switch {
	case h.Name == "" || h.Name == "none":
		d.Severity, d.Why = Narrowed, "the sandbox no longer joins a network"
	case h.Name == "host":
		d.Severity, d.Why = Widened, "the sandbox shares the host's network namespace: every host port and interface"
	case b.Name == "none":
		d.Severity, d.Why = Widened, "the container loses --network none and gets whatever network the host attaches"
	default:
		d.Severity, d.Why = Widened, "the sandbox joins another network"
	}
	return []Delta{d}
}

// minus lists the values of a not in b, in a's order, once each.
func minus(a, b []string) []string {
	if len(a)+len(b) <= 16 {
		return minusSmall(a, b)
	}
	in := make(map[string]bool, len(b))
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			in[x] = true
			out = append(out, x)
		}
	}
	return out
}

// minusSmall is minus without a map, for short lists.
func minusSmall(a, b []string) []string {
	var out []string
	for i, x := range a {
		if !slices.Contains(b, x) && !slices.Contains(a[:i], x) {
			out = append(out, x)
		}
	}
	return out
}

// setAspects are compared as plain sets: a head value not in the base is
// widened (changed for a tmpfs, which holds nothing of the host), a base
// value not in the head narrowed. aspectValues gives each one's values.
var setAspects = []struct {
	a    Aspect
	what string
}{
	{AspectEnv, "environment variable passed into the sandbox"},
	{AspectCap, "capability granted"},
	{AspectDevice, "host device passed in"},
	{AspectNamespace, "host namespace shared"},
	{AspectSecurity, "security option weakened"},
	{AspectDev, "/dev mounted in the sandbox"},
	{AspectProc, "procfs mounted"},
	{AspectTmpfs, "private tmpfs"},
	{AspectUnknown, "emitted option capgate diff does not recognise, judged as a grant (fail closed)"},
}

// Privileged is how a privileged sandbox shows among the capabilities.
const Privileged = "--privileged (every capability, every device)"

// aspectValues appends the values of set aspect a of s to dst: the
// variables' names, the capabilities (and Privileged), devices, host
// namespaces, security options, the destinations of the mounts of a
// type (/dev, procfs, tmpfs and mqueue: visible or not, as hiding one is
// judged where it matters, on the files the views show), the unknown
// parts' texts.
func aspectValues(dst []string, s *Sandbox, a Aspect) []string {
	switch a {
	case AspectEnv:
		for _, e := range s.Env {
			dst = append(dst, e.Name)
		}
	case AspectCap:
		dst = append(dst, s.Caps...)
		if s.Privileged {
			dst = append(dst, Privileged)
		}
	case AspectDevice:
		dst = append(dst, s.Devices...)
	case AspectNamespace:
		dst = append(dst, s.HostNamespaces...)
	case AspectSecurity:
		dst = append(dst, s.Security...)
	case AspectDev:
		dst = listed(dst, s, Dev, Dev)
	case AspectProc:
		dst = listed(dst, s, Proc, Proc)
	case AspectTmpfs:
		dst = listed(dst, s, Tmpfs, Mqueue)
	case AspectUnknown:
		for _, u := range s.Unknown {
			dst = append(dst, u.Text)
		}
	}
	return dst
}

// listed appends the destinations of the mounts of type t or u to dst.
func listed(dst []string, s *Sandbox, t, u MountType) []string {
	for _, m := range s.Mounts {
		if m.Type == t || m.Type == u {
			dst = append(dst, m.Dest)
		}
	}
	return dst
}

// compareSets compares the setAspects of base and head. Each aspect's
// values are gathered into two buffers kept across the aspects, and an
// aspect whose lists are equal has no delta (minus of a list and itself
// is empty): a slice per aspect and side, and the sets of minus, were a
// tenth of Compare's allocations on BenchmarkChangedManifest's artifacts.
// TestCompareSetsAsBefore holds it to the lists made and compared anew.
func compareSets(base, head *Sandbox) []Delta {
	var out []Delta
	var bb, hb [16]string
	b, h := bb[:0], hb[:0]
	for _, k := range setAspects {
		b, h = aspectValues(b[:0], base, k.a), aspectValues(h[:0], head, k.a)
		if slices.Equal(b, h) {
			continue
		}
		sev, nsev := Widened, Narrowed
		if k.a == AspectTmpfs {
			sev, nsev = Changed, Changed
		}
		for _, v := range minus(h, b) {
			out = append(out, Delta{Severity: sev, Aspect: k.a, After: v, Why: "new " + k.what, Ref: Ref{Side: Head, Key: v}})
		}
		for _, v := range minus(b, h) {
			out = append(out, Delta{Severity: nsev, Aspect: k.a, Before: v, Why: "no longer: " + k.what, Ref: Ref{Side: Base, Key: v}})
		}
	}
	return out
}
