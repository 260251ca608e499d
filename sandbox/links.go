package sandbox

// compareLinks lists the head's new binds that compareFS judged the same
// because the base's view already showed their path with the same access
// (a bind inside a bind of the same mode, which can matter only through a
// link). Bind mounts follow symlinks on the host (bubblewrap, docker and
// podman resolve the source, and the destination inside the sandbox), so
// if the path is a link, which a repository checked out as the workspace
// can hold, the new bind shows its target there instead of the link: a
// read-only child made writable, host /tmp or /proc over the sandbox's
// own. The view cannot see the host's links, so each such bind is widened
// (fail closed). A bind the base had at the same place, one compareFS
// already judged widened, and a narrower one (a read-only child: a
// narrowing, unless a link, which the view cannot see, points it
// elsewhere), and a bind in a root-owned system tree (systemTrees) are
// left alone. Linear in the mounts.
//
// For a few mounts and deltas, what the base had and what compareFS
// judged are found by scans instead of two maps (a fifth of Compare on a
// changed bwrap artifact, BenchmarkChangedManifest/fs-only);
// TestCompareAsBefore holds it to the maps.
func compareLinks(base *Sandbox, bv, hv *View, fs []Delta) []Delta {
	var had map[[2]string]bool
	if len(base.Mounts) > 16 {
		had = make(map[[2]string]bool, len(base.Mounts))
		for _, m := range base.Mounts {
			if m.Type == Bind {
				had[[2]string{m.Source, m.Dest}] = true
			}
		}
	}
	var wide map[string]bool
	if len(fs) > 16 {
		wide = map[string]bool{}
		for _, d := range fs {
			if d.Severity == Widened && d.Ref.Side == Head {
				wide[d.Ref.Source] = true
			}
		}
	}
	var out []Delta
	for _, e := range hv.entries {
		if e.Type != Bind || hadBind(base.Mounts, had, e.Mount) || judged(fs, wide, e.Source) || inSystemTree(e.Source) {
			continue
		}
		la, bi := bv.host(e.Source)
		if la != e.access() || bi < 0 {
			continue // more or less than before: compareFS judges it
		}
		via := bv.entries[bi].Source
		out = append(out, Delta{Severity: Widened, Aspect: AspectFS,
			Before: shows(la, e.Source, bv.entries[bi]), After: e.access().String() + " " + e.Source,
			Why: "new " + e.access().String() + " bind of " + e.Source + " inside " + via + ", which already shows it: a bind follows symlinks on the host, so if " +
				e.Source + " is a symlink (a checked-out repository can hold one) the bind shows its target there, such as a read-only child or the host's /tmp or /proc; capgate diff cannot see the host's links",
			Ref: Ref{Side: Head, Source: e.Source, Raw: e.Raw, Path: e.Source, Access: e.access()}})
	}
	return out
}

// hadBind reports whether ms (indexed in had, when not nil) holds a bind
// of m's source at m's destination.
func hadBind(ms []Mount, had map[[2]string]bool, m Mount) bool {
	if had != nil {
		return had[[2]string{m.Source, m.Dest}]
	}
	for _, x := range ms {
		if x.Type == Bind && x.Source == m.Source && x.Dest == m.Dest {
			return true
		}
	}
	return false
}

// judged reports whether compareFS widened the head's mount of src: in
// wide, when not nil, the sources of fs's widened head deltas.
func judged(fs []Delta, wide map[string]bool, src string) bool {
	if wide != nil {
		return wide[src]
	}
	for _, d := range fs {
		if d.Severity == Widened && d.Ref.Side == Head && d.Ref.Source == src {
			return true
		}
	}
	return false
}

// systemTrees are the root-owned trees the compiler itself binds
// (/usr/share/zoneinfo inside /usr for clock:tzdata): no repository or
// workspace holds a link there.
var systemTrees = []string{"/usr", "/lib", "/lib64", "/bin", "/sbin", "/etc"}

// inSystemTree reports whether host path p lies in one of systemTrees.
func inSystemTree(p string) bool {
	for _, d := range systemTrees {
		if Under(p, d) {
			return true
		}
	}
	return false
}
