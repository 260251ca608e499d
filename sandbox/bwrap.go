package sandbox

import (
	"maps"
	"path"
	"slices"
	"strings"
)

// bwrapArgs lists every bubblewrap option (bwrap --help, 0.8–0.11) and
// how many values each takes: the one table of bwrap options, for the
// compiled policies and launch entries alike. An option not listed is
// Unknown.
var bwrapArgs = map[string]int{
	"--bind": 2, "--bind-try": 2, "--ro-bind": 2, "--ro-bind-try": 2, "--dev-bind": 2, "--dev-bind-try": 2,
	"--remount-ro": 1, "--proc": 1, "--dev": 1, "--tmpfs": 1, "--mqueue": 1, "--dir": 1, "--symlink": 2,
	"--chdir": 1, "--setenv": 2, "--unsetenv": 1, "--clearenv": 0,
	"--unshare-all": 0, "--share-net": 0, "--unshare-user": 0, "--unshare-user-try": 0, "--unshare-ipc": 0,
	"--unshare-pid": 0, "--unshare-net": 0, "--unshare-uts": 0, "--unshare-cgroup": 0, "--unshare-cgroup-try": 0,
	"--uid": 1, "--gid": 1, "--hostname": 1, "--die-with-parent": 0, "--new-session": 0, "--as-pid-1": 0,
	"--cap-add": 1, "--cap-drop": 1, "--perms": 1, "--size": 1, "--chmod": 2,
	"--file": 2, "--bind-data": 2, "--ro-bind-data": 2, "--bind-fd": 2, "--ro-bind-fd": 2, "--args": 1, "--argv0": 1,
	"--seccomp": 1, "--add-seccomp-fd": 1, "--exec-label": 1, "--file-label": 1, "--block-fd": 1,
	"--userns-block-fd": 1, "--info-fd": 1, "--json-status-fd": 1, "--sync-fd": 1, "--lock-file": 1,
	"--userns": 1, "--userns2": 1, "--pidns": 1, "--disable-userns": 0, "--assert-userns-disabled": 0,
	"--level-prefix": 0, "--overlay-src": 1, "--overlay": 3, "--tmp-overlay": 1, "--ro-overlay": 1,
}

// bwrapFlag is what the tables say of one option: how many values it
// takes, and which of them is a path inside the sandbox that it mounts or
// remounts (-1: none).
type bwrapFlag struct{ n, dest int }

// bwrapTable is bwrapArgs and bwrapDestArg in one map, so that reading an
// option looks it up once. Never written.
var bwrapTable = func() map[string]bwrapFlag {
	m := make(map[string]bwrapFlag, len(bwrapArgs))
	for f, n := range bwrapArgs {
		d, ok := bwrapDestArg[f]
		if !ok {
			d = -1
		}
		m[f] = bwrapFlag{n, d}
	}
	return m
}()

// BwrapFlags lists the bubblewrap options the one bwrap reader knows,
// sorted; for docs and tests.
func BwrapFlags() []string {
	return slices.Sorted(maps.Keys(bwrapArgs))
}

// Option is one parsed command-line option: the flag, its arguments, and
// the index of the flag in argv.
type Option struct {
	Flag string
	Args []string
	Arg  int
}

// ParseBwrap splits a bubblewrap argv (options only, or options, "--" and
// the command; a leading "bwrap" is skipped) into options, the command, and the
// parts it cannot read (see SplitBwrap).
func ParseBwrap(argv []string) (opts []Option, command []string, unknown []Unknown) {
	skip := 0
	if len(argv) > 0 && (argv[0] == "bwrap" || strings.HasSuffix(argv[0], "/bwrap")) {
		skip = 1
	}
	opts, unknown, at := SplitBwrap(argv[skip:])
	if at += skip; at < len(argv) {
		command = argv[at:]
	}
	for i := range opts {
		opts[i].Arg += skip // indices in the argv given
	}
	for i := range unknown {
		unknown[i].Arg += skip
	}
	return opts, command, unknown
}

// SplitBwrap is the one parser of bubblewrap options, with the table of
// every bwrap option: it splits argv (the options, then "--" or the first
// argument that is not an option, then the command) into options, the
// parts it cannot read (an option it does not know, or one cut short:
// then the rest is not read), and the index the command starts at
// (len(argv) when there is none).
func SplitBwrap(argv []string) (opts []Option, unknown []Unknown, command int) {
	opts = make([]Option, 0, len(argv)/2)
	unknown, command = splitBwrap(argv, func(o Option, _ bwrapFlag) { opts = append(opts, o) })
	return opts, unknown, command
}

// splitBwrap is SplitBwrap handing each option, with what the table says
// of it, to each as it is read, instead of listing them.
func splitBwrap(argv []string, each func(Option, bwrapFlag)) (unknown []Unknown, command int) {
	for i := 0; i < len(argv); i++ {
		flag := argv[i]
		if flag == "--" || !strings.HasPrefix(flag, "-") {
			if flag == "--" {
				i++
			}
			return unknown, i
		}
		f, known := bwrapTable[flag]
		if !known || i+f.n >= len(argv) {
			unknown = append(unknown, Unknown{Text: strings.Join(argv[i:min(i+3, len(argv))], " "), Arg: i})
			if known {
				break
			}
			continue
		}
		each(Option{Flag: flag, Args: argv[i+1 : i+1+f.n], Arg: i}, f)
		i += f.n
	}
	return unknown, len(argv)
}

// ReadBwrap reads a bubblewrap argv (see ParseBwrap) into a Sandbox. The
// mounts keep argv order, which is the order bubblewrap applies its
// filesystem options in (bwrap(1); enforce/view_test.go runs it). The
// network is the host's unless --unshare-net or --unshare-all (without a
// later --share-net) unshares it; the environment is the host's until
// --clearenv.
//
// It reads as ParseBwrap parses, each option applied as it is read, with
// one look-up of the table: the list of options, and a second look-up for
// the destination (BwrapDestUp), were a third of ReadBwrap on
// BenchmarkChangedManifest's artifacts. The parts the parser cannot read
// come first in Unknown, as when they were listed first.
// FuzzArgvReadersAsBefore holds it to ReadBwrap before this work.
func ReadBwrap(argv []string) *Sandbox { return readBwrap(new(Sandbox), argv, nil) }

// readBwrap is ReadBwrap into s, new or emptied (Sandbox.reuse), with the
// room for its variables that sc keeps (nil: none).
func readBwrap(s *Sandbox, argv []string, sc *readScratch) *Sandbox {
	skip := 0
	if len(argv) > 0 && (argv[0] == "bwrap" || strings.HasSuffix(argv[0], "/bwrap")) {
		skip = 1
	}
	s.Kind, s.Confined = "bwrap", true
	s.Mounts = room(s.Mounts, len(argv)/3)
	s.Isolation = room(s.Isolation, 8)
	b := bwrapState{s: s}
	if sc != nil {
		b.env = sc.env[:0]
	}
	b.env = room(b.env, 4) // the compiler emits three
	unknown, at := splitBwrap(argv[skip:], func(o Option, f bwrapFlag) {
		o.Arg += skip // indices in the argv given
		b.apply(o, f.dest)
	})
	if at += skip; at < len(argv) {
		s.Command = argv[at:]
	}
	for i := range unknown {
		unknown[i].Arg += skip
	}
	if unknown != nil {
		s.Unknown = append(unknown, s.Unknown...)
	}
	if !b.netUnshared {
		s.Network.Mode = NetHost
	} else {
		s.Network.Mode = NetNone
	}
	if b.shareNet {
		s.Network.Mode, s.Network.Name = NetHost, "host"
	}
	s.Env = resolveEnv(s.Env, b.env)
	if sc != nil {
		sc.env = b.env
		clear(sc.env)
	}
	if !b.clearenv {
		// Without --clearenv every variable of the host reaches the
		// process.
		s.Env = append([]Env{{Name: "*", Passed: true}}, s.Env...)
	}
	return s
}

type bwrapState struct {
	s                               *Sandbox
	netUnshared, shareNet, clearenv bool
	env                             []envOp
}

// apply puts option o into the sandbox; dest is the index of the path
// inside the sandbox among its values (-1 none), as bwrapTable says.
func (b *bwrapState) apply(o Option, dest int) {
	s, a := b.s, o.Args
	if destUp(o, dest) {
		s.unknown(strings.Join(append([]string{o.Flag}, a...), " ")+upDestWhy, o.Arg)
		return
	}
	switch o.Flag {
	case "--bind", "--bind-try", "--dev-bind", "--dev-bind-try", "--ro-bind", "--ro-bind-try":
		m := bindMount(a[0], a[1], o.Arg)
		// An absolute destination is where bindMount cleaned it to
		// (bwrapDest); only a relative one is moved below the root.
		if d := a[1]; !strings.HasPrefix(d, "/") && bwrapDest(d) != m.Dest {
			m.Dest, m.Raw = bwrapDest(d), a[0]+" → "+a[1]
		}
		m.Write = !strings.HasPrefix(o.Flag, "--ro-")
		m.Devices = strings.HasPrefix(o.Flag, "--dev-")
		m.Try = strings.HasSuffix(o.Flag, "-try")
		s.Mounts = append(s.Mounts, m)
	case "--proc":
		s.Mounts = append(s.Mounts, Mount{Type: Proc, Dest: bwrapDest(a[0]), Arg: o.Arg})
	case "--dev":
		s.Mounts = append(s.Mounts, Mount{Type: Dev, Dest: bwrapDest(a[0]), Arg: o.Arg})
	case "--tmpfs":
		s.Mounts = append(s.Mounts, Mount{Type: Tmpfs, Dest: bwrapDest(a[0]), Arg: o.Arg})
	case "--mqueue":
		s.Mounts = append(s.Mounts, Mount{Type: Mqueue, Dest: bwrapDest(a[0]), Arg: o.Arg})
	case "--setenv":
		b.env = append(b.env, envOp{env: Env{Name: a[0], Value: a[1]}})
	case "--unsetenv":
		b.env = append(b.env, envOp{env: Env{Name: a[0]}, unset: true})
	case "--cap-add":
		s.Caps = append(s.Caps, capName(a[0]))
	case "--uid", "--gid":
		s.User = strings.TrimSpace(s.User + " " + strings.TrimPrefix(o.Flag, "--") + "=" + a[0])
	case "--remount-ro":
		// Only narrows (losing one widens), and makes the mount point
		// at the path read-only from here on, not the mounts below it.
		s.Isolation = append(s.Isolation, o.Flag+" "+a[0])
		remountRO(s.Mounts, bwrapDest(a[0]))
	case "--cap-drop":
		s.Isolation = append(s.Isolation, o.Flag+" "+a[0])
	case "--share-net":
		b.shareNet = true
	case "--unshare-all", "--unshare-net":
		b.netUnshared = true
		s.Isolation = append(s.Isolation, o.Flag)
	case "--clearenv":
		b.clearenv = true
		b.env = append(b.env, envOp{clear: true})
		s.Isolation = append(s.Isolation, o.Flag)
	case "--args", "--seccomp", "--add-seccomp-fd", "--userns", "--userns2", "--pidns", "--overlay-src", "--overlay",
		"--ro-overlay", "--tmp-overlay", "--file", "--bind-data", "--ro-bind-data", "--exec-label", "--file-label",
		"--bind-fd", "--ro-bind-fd":
		// Options, rules, content, labels or a directory (an open fd)
		// read from elsewhere at run time: the model cannot say what
		// they grant (fail closed).
		s.unknown(strings.Join(append([]string{o.Flag}, a...), " "), o.Arg)
	case "--unshare-user", "--unshare-user-try", "--unshare-ipc", "--unshare-pid",
		"--unshare-uts", "--unshare-cgroup", "--unshare-cgroup-try", "--die-with-parent", "--new-session":
		s.Isolation = append(s.Isolation, strings.TrimSuffix(o.Flag, "-try"))
	}
}

// bwrapDestArg is, for each bubblewrap option that mounts or remounts a
// path inside the sandbox, the index of that path among its values.
var bwrapDestArg = map[string]int{
	"--bind": 1, "--bind-try": 1, "--ro-bind": 1, "--ro-bind-try": 1, "--dev-bind": 1, "--dev-bind-try": 1,
	"--remount-ro": 0, "--proc": 0, "--dev": 0, "--tmpfs": 0, "--mqueue": 0,
}

// BwrapDestUp reports whether o mounts or remounts a path inside the
// sandbox that holds a ".." segment. bubblewrap does not clean it: the
// kernel resolves it at run time inside the new root, through the links
// there (a --symlink, or a link in a bound host tree), so "/tmp/l/../h"
// with /tmp/l a link to x/y is /tmp/x/h, not /tmp/h, and "../etc" is
// outside the new root. Where such a mount lands cannot be read from the
// argv.
func BwrapDestUp(o Option) bool {
	f, ok := bwrapTable[o.Flag]
	return ok && destUp(o, f.dest)
}

// destUp is BwrapDestUp for an option whose destination is its i-th
// value (-1 none).
func destUp(o Option, i int) bool {
	if i < 0 || i >= len(o.Args) {
		return false
	}
	if !strings.Contains(o.Args[i], "..") {
		return false // no segment can be ".."; most destinations
	}
	for seg := range strings.SplitSeq(o.Args[i], "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

// upDestWhy ends the text of an Unknown part that BwrapDestUp refused.
const upDestWhy = ": a destination with \"..\" is resolved inside the sandbox through its links (--symlink, or a link of a bound host tree), not as written, so where it lands cannot be read (judged widened)"

// bwrapDest is the path inside the sandbox that bubblewrap mounts at for
// dest (without a ".." segment): it drops the leading slashes and puts
// the rest below the new root, so "srv" is /srv and "" or "." the root
// itself.
//
// An absolute dest, which is all the compiler emits, is cleaned as it is:
// path.Clean("/" + dest) built "//dest" and then a third string to drop
// the doubled slash, three allocations a mount and a quarter of
// ReadBwrap's on BenchmarkChangedManifest's artifacts; Clean of a clean
// path allocates nothing. A leading "/" changes nothing Clean returns
// (it folds repeated slashes), as TestBwrapDestAsJoined holds.
func bwrapDest(dest string) string {
	if strings.HasPrefix(dest, "/") {
		return path.Clean(dest)
	}
	return path.Clean("/" + dest)
}

// remountRO makes the mount point at dest read-only: the latest mount at
// exactly dest, when no later one sits above it (then dest is not that
// mount's mount point any more, and bwrap remounts what is visible).
func remountRO(ms []Mount, dest string) {
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].Dest == dest {
			ms[i].Write, ms[i].Devices = false, false
			return
		}
		if Under(dest, ms[i].Dest) {
			return // a parent mounted later: the remount hits it, not a mount point at dest
		}
	}
}

// envOp is one --setenv (set), --unsetenv or --clearenv (clear).
type envOp struct {
	env          Env
	unset, clear bool
}

// resolveEnv applies ops in order, appending to out (empty), in linear time: walking back, the
// last operation on a name decides it, and a --clearenv ends the walk
// (nothing before it reaches the process).
//
// A few operations (the compiler emits two or three) are checked against
// the later ones by a scan instead of a map, which allocated a map for
// every bwrap artifact read back; TestResolveEnvSmall holds the scan to
// the map on generated operations.
func resolveEnv(out []Env, ops []envOp) []Env {
	var seen map[string]bool
	if len(ops) > 8 {
		seen = make(map[string]bool, len(ops))
	}
	for i := len(ops) - 1; i >= 0; i-- {
		o := ops[i]
		if o.clear {
			break
		}
		if decidedLater(ops, i, seen) {
			continue
		}
		if !o.unset {
			out = append(out, o.env)
		}
	}
	slices.Reverse(out)
	return out
}

// decidedLater reports whether an operation after ops[i] names the same
// variable (then that one decides it): by the set seen of the names
// walked so far, or without one by a scan of the later operations, which
// stops at nothing (a --clearenv after i would have ended the walk).
func decidedLater(ops []envOp, i int, seen map[string]bool) bool {
	name := ops[i].env.Name
	if seen != nil {
		if seen[name] {
			return true
		}
		seen[name] = true
		return false
	}
	for _, o := range ops[i+1:] {
		if !o.clear && o.env.Name == name {
			return true
		}
	}
	return false
}

// bindMount is a bind of the host path src at dest (the same path,
// cleaned once, when they are: what the compiler emits).
func bindMount(src, dest string, arg int) Mount {
	m := Mount{Type: Bind, Source: cleanPath(src), Arg: arg}
	if m.Dest = m.Source; dest != src {
		m.Dest = cleanPath(dest)
	}
	if m.Source != src || m.Dest != dest || src != dest {
		m.Raw = src
		if src != dest {
			m.Raw = src + " → " + dest
		}
	}
	return m
}

// capName is a capability name upper-cased without CAP_.
func capName(c string) string {
	return strings.TrimPrefix(strings.ToUpper(c), "CAP_")
}
