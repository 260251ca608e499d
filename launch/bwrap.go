package launch

import (
	"path"
	"strings"

	"github.com/razukc/capgate-action/sandbox"
)

// BwrapFlags lists the bubblewrap options the reader knows, sorted. The
// table is package sandbox's (sandbox.BwrapFlags): one bwrap argv parser
// for launch entries and compiled policies alike.
func BwrapFlags() []string { return sandbox.BwrapFlags() }

// bwrapEntry reads `bwrap [options] command…`.
func bwrapEntry(c Client, e *Entry, argv []arg) {
	e.Kind = Bwrap
	gs, at := bwrapGrants(c, argv)
	unknownFirst(e, gs, unknownBwrapOption)
	e.Grants = append(e.Grants, gs...)
	if at < len(argv) {
		e.Runs = runsOf(program(argv[at].s), argv[at+1:])
		if e.Runs == "" {
			e.Runs = argv[at].s
		}
	}
}

// unknownBwrapOption is why a raw grant of a bwrap option the table does
// not know, or one cut short, is one.
const unknownBwrapOption = "a bwrap option the reader does not know, or one missing its values (judged widened)"

// upDest is why a bwrap mount whose destination holds ".." is a raw
// grant (sandbox.BwrapDestUp).
const upDest = "a destination with \"..\" is resolved inside the sandbox through its links, not as written: where it lands cannot be read (judged widened)"

// bwrapState is what the options say about namespaces and environment.
type bwrapState struct {
	all, shareNet, clearenv, newSession bool
	unshared                            map[string]bool
	// procs are the --proc options, judged once the pid namespace is known.
	procs []Grant
}

// bwrapGrants reads bubblewrap options, split by sandbox.SplitBwrap (the
// one bwrap argv parser), into grants, in argv order, and returns where
// the command starts.
func bwrapGrants(c Client, argv []arg) ([]Grant, int) {
	opts, unknown, at := sandbox.SplitBwrap(texts(argv))
	var gs []Grant
	st := bwrapState{unshared: map[string]bool{}}
	u := 0
	raw := func(end int) {
		for ; u < len(unknown) && unknown[u].Arg < end; u++ {
			a := argv[unknown[u].Arg]
			gs = append(gs, Grant{Kind: GRaw, Key: a.s, Pos: a.pos, Why: unknownBwrapOption})
		}
	}
	hidden := map[int]bool{}
	binds := map[string]int{} // a bind's destination: its grant in gs
	for _, o := range opts {
		raw(o.Arg)
		if sandbox.BwrapDestUp(o) {
			gs = append(gs, Grant{Kind: GRaw, Key: o.Flag + " " + strings.Join(o.Args, " "), Pos: argv[o.Arg].pos, Why: upDest})
		}
		gs = append(gs, bwrapOption(c, &st, argv[o.Arg], o.Args)...)
		hideBound(o.Flag, o.Args, len(gs)-1, binds, hidden)
	}
	raw(len(argv))
	if len(hidden) > 0 {
		kept := gs[:0]
		for i, g := range gs {
			if !hidden[i] {
				kept = append(kept, g)
			}
		}
		gs = kept
	}
	gs = append(gs, bwrapNamespaces(st)...)
	return gs, at
}

// hideBound records the bind flag (values vals, grant at) by its
// destination, and marks hidden the grant of an earlier bind at the same
// destination when this one replaces it: bwrap mounts in argv order, so a
// later bind of one destination is on top of the earlier one, which no
// process in the sandbox can reach (--bind /srv /srv --ro-bind /srv /srv
// is /srv read-only: the enforce tests run it). A -try bind does not
// hide: it is skipped when its source is missing, leaving the earlier one.
func hideBound(flag string, vals []string, at int, binds map[string]int, hidden map[int]bool) {
	switch flag {
	case "--bind", "--ro-bind", "--dev-bind", "--bind-try", "--ro-bind-try", "--dev-bind-try":
	default:
		return
	}
	dest := vals[1]
	if !strings.Contains(dest, "..") {
		dest = path.Clean(dest)
	}
	if i, ok := binds[dest]; ok && !strings.HasSuffix(flag, "-try") {
		hidden[i] = true
	}
	binds[dest] = at
}

// bwrapOption reads one option with its values.
func bwrapOption(c Client, st *bwrapState, a arg, vals []string) []Grant {
	g := Grant{Pos: a.pos}
	switch a.s {
	case "--bind", "--bind-try", "--ro-bind", "--ro-bind-try":
		key, loud := judgePath(c, vals[0])
		g.Kind, g.Key, g.Write, g.Dest = GFS, key, !strings.HasPrefix(a.s, "--ro-"), vals[1]
		g.Loud, g.Why = loud != "", loud
	case "--dev-bind", "--dev-bind-try":
		key, _ := judgePath(c, vals[0])
		g.Kind, g.Key, g.Loud, g.Why = GDevice, key, true, "a host path bound with its devices usable"
	case "--setenv":
		// As docker's -e: a value the client fills in from the host is
		// the host's; a literal one the config's own, keyed with it.
		g.Kind, g.Key, g.Why = GEnv, vals[0]+"="+vals[1], "set to a literal value (the config's own)"
		if u := symbolic(c, vals[1]).Unknown; len(u) > 0 {
			g.Key, g.Why = vals[0], "set from "+strings.Join(u, ", ")+", which the client fills in from the host"
		}
	case "--clearenv":
		st.clearenv = true
		return nil
	case "--new-session":
		st.newSession = true
		return nil
	case "--unshare-all":
		st.all = true
		return nil
	case "--share-net":
		st.shareNet = true
		return nil
	case "--cap-add":
		g.Kind, g.Key, g.Loud, g.Why = GCap, capName(vals[0]), true, "capability added"
	case "--cap-drop":
		g.Kind, g.Key, g.Why = GIsolation, "--cap-drop "+capName(vals[0]), "capabilities dropped"
	case "--proc":
		st.procs = append(st.procs, Grant{Kind: GFS, Key: "/proc", Pos: a.pos, Dest: vals[0], Loud: true,
			Why: "a procfs of the host's pid namespace (no --unshare-pid): every host process, its command line and, for the user's own, its environment"})
		return nil
	case "--remount-ro":
		g.Kind, g.Key, g.Why = GIsolation, "--remount-ro "+vals[0], "remounted read-only"
	case "--args", "--seccomp", "--add-seccomp-fd", "--userns", "--userns2", "--pidns", "--overlay-src", "--overlay", "--ro-overlay", "--tmp-overlay",
		"--bind-fd", "--ro-bind-fd": // a directory bwrap is handed as an open fd
		g.Kind, g.Key, g.Why = GRaw, a.s+" "+strings.Join(vals, " "), "options or rules read from elsewhere at run time (judged widened)"
	case "--file", "--bind-data", "--ro-bind-data", "--exec-label", "--file-label":
		g.Kind, g.Key, g.Why = GSecurity, a.s+" "+strings.Join(vals, " "), "content or labels supplied at run time"
	default:
		if strings.HasPrefix(a.s, "--unshare-") {
			st.unshared[strings.TrimSuffix(strings.TrimPrefix(a.s, "--unshare-"), "-try")] = true
		}
		return nil
	}
	return []Grant{g}
}

// bwrapNamespaces turns the namespace options into grants: a namespace
// not unshared is the host's, and a --proc in the host's pid namespace is
// the host's /proc (read-only); one in a private pid namespace shows the
// sandbox's own processes only.
func bwrapNamespaces(st bwrapState) []Grant {
	var gs []Grant
	if !st.all && !st.unshared["pid"] {
		gs = append(gs, st.procs...)
	}
	for _, ns := range []string{"net", "pid", "ipc", "uts", "user", "cgroup"} {
		un := st.all || st.unshared[ns]
		if ns == "net" && st.shareNet {
			un = false
		}
		switch {
		case un:
			gs = append(gs, Grant{Kind: GIsolation, Key: "--unshare-" + ns, Why: "a private " + ns + " namespace"})
		case ns == "net":
			gs = append(gs, Grant{Kind: GNetwork, Key: "host", Why: "the host's network namespace: every host interface and loopback service"})
		default:
			gs = append(gs, Grant{Kind: GNamespace, Key: ns + "=host", Why: "the host's " + ns + " namespace"})
		}
	}
	if st.clearenv {
		gs = append(gs, Grant{Kind: GIsolation, Key: "--clearenv", Why: "the host's environment is cleared"})
	} else {
		gs = append(gs, Grant{Kind: GEnv, Key: "*", Why: "every host variable is inherited (no --clearenv)"})
	}
	if st.newSession {
		gs = append(gs, Grant{Kind: GIsolation, Key: "--new-session", Why: "a new terminal session (no TIOCSTI into the user's terminal)"})
	}
	return gs
}
