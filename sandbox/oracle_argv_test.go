package sandbox

// The bwrap and docker readers as they were (bdae583), the oracle of
// FuzzArgvReadersAsBefore: the steps this work changed (reading options,
// applying them, refusing duplicates, isolation flags). The steps it did
// not change are the live ones (dockerVolume, dockerMount, bindMount...),
// so that a deliberate change there (dockerMount's readonly read as
// strconv.ParseBool) holds for both sides. A deliberate change to a step
// copied here must be made to the copy too. The tests compare mounts
// without the option as written (spec), which the two keep apart.

import (
	"math/rand/v2"
	"path"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// oldParseBwrap splits a bubblewrap argv (options only, or options, "--" and
// the command; a leading "bwrap" is skipped) into options, the command, and the
// parts it cannot read (see oldSplitBwrap).
func oldParseBwrap(argv []string) (opts []Option, command []string, unknown []Unknown) {
	skip := 0
	if len(argv) > 0 && (argv[0] == "bwrap" || strings.HasSuffix(argv[0], "/bwrap")) {
		skip = 1
	}
	opts, unknown, at := oldSplitBwrap(argv[skip:])
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

// oldSplitBwrap is the one parser of bubblewrap options, with the table of
// every bwrap option: it splits argv (the options, then "--" or the first
// argument that is not an option, then the command) into options, the
// parts it cannot read (an option it does not know, or one cut short:
// then the rest is not read), and the index the command starts at
// (len(argv) when there is none).
func oldSplitBwrap(argv []string) (opts []Option, unknown []Unknown, command int) {
	opts = make([]Option, 0, len(argv)/2)
	for i := 0; i < len(argv); i++ {
		flag := argv[i]
		if flag == "--" || !strings.HasPrefix(flag, "-") {
			if flag == "--" {
				i++
			}
			return opts, unknown, i
		}
		n, known := bwrapArgs[flag]
		if !known || i+n >= len(argv) {
			unknown = append(unknown, Unknown{Text: strings.Join(argv[i:min(i+3, len(argv))], " "), Arg: i})
			if known {
				break
			}
			continue
		}
		opts = append(opts, Option{Flag: flag, Args: argv[i+1 : i+1+n], Arg: i})
		i += n
	}
	return opts, unknown, len(argv)
}

// oldReadBwrap reads a bubblewrap argv (see oldParseBwrap) into a Sandbox. The
// mounts keep argv order, which is the order bubblewrap applies its
// filesystem options in (bwrap(1); enforce/view_test.go runs it). The
// network is the host's unless --unshare-net or --unshare-all (without a
// later --share-net) unshares it; the environment is the host's until
// --clearenv.
func oldReadBwrap(argv []string) *Sandbox {
	opts, cmd, unknown := oldParseBwrap(argv)
	s := &Sandbox{Kind: "bwrap", Confined: true, Unknown: unknown, Command: cmd}
	binds := 0
	for _, o := range opts {
		if len(o.Args) == 2 || o.Flag == "--tmpfs" || o.Flag == "--proc" || o.Flag == "--dev" {
			binds++
		}
	}
	s.Mounts = make([]Mount, 0, binds)
	s.Isolation = make([]string, 0, 8)
	b := oldBwrapState{s: s}
	for _, o := range opts {
		b.apply(o)
	}
	if !b.netUnshared {
		s.Network.Mode = NetHost
	} else {
		s.Network.Mode = NetNone
	}
	if b.shareNet {
		s.Network.Mode, s.Network.Name = NetHost, "host"
	}
	s.Env = oldResolveEnvB(b.env)
	if !b.clearenv {
		// Without --clearenv every variable of the host reaches the
		// process.
		s.Env = append([]Env{{Name: "*", Passed: true}}, s.Env...)
	}
	return s
}

type oldBwrapState struct {
	s                               *Sandbox
	netUnshared, shareNet, clearenv bool
	env                             []envOp
}

func (b *oldBwrapState) apply(o Option) {
	s, a := b.s, o.Args
	if oldBwrapDestUp(o) {
		s.unknown(strings.Join(append([]string{o.Flag}, a...), " ")+upDestWhy, o.Arg)
		return
	}
	switch o.Flag {
	case "--bind", "--bind-try", "--dev-bind", "--dev-bind-try", "--ro-bind", "--ro-bind-try":
		m := bindMount(a[0], a[1], o.Arg)
		if d := oldBwrapDest(a[1]); d != m.Dest {
			m.Dest, m.Raw = d, a[0]+" → "+a[1]
		}
		m.Write = !strings.HasPrefix(o.Flag, "--ro-")
		m.Devices = strings.HasPrefix(o.Flag, "--dev-")
		m.Try = strings.HasSuffix(o.Flag, "-try")
		s.Mounts = append(s.Mounts, m)
	case "--proc":
		s.Mounts = append(s.Mounts, Mount{Type: Proc, Dest: oldBwrapDest(a[0]), Arg: o.Arg})
	case "--dev":
		s.Mounts = append(s.Mounts, Mount{Type: Dev, Dest: oldBwrapDest(a[0]), Arg: o.Arg})
	case "--tmpfs":
		s.Mounts = append(s.Mounts, Mount{Type: Tmpfs, Dest: oldBwrapDest(a[0]), Arg: o.Arg})
	case "--mqueue":
		s.Mounts = append(s.Mounts, Mount{Type: Mqueue, Dest: oldBwrapDest(a[0]), Arg: o.Arg})
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
		remountRO(s.Mounts, oldBwrapDest(a[0]))
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
		"--bind-fd", "--ro-bind-fd": // added to the table after the oracle (bwrap 0.8)
		// Options, rules, content or labels read from elsewhere at run
		// time: the model cannot say what they grant (fail closed).
		s.unknown(strings.Join(append([]string{o.Flag}, a...), " "), o.Arg)
	case "--unshare-user", "--unshare-user-try", "--unshare-ipc", "--unshare-pid",
		"--unshare-uts", "--unshare-cgroup", "--unshare-cgroup-try", "--die-with-parent", "--new-session":
		s.Isolation = append(s.Isolation, strings.TrimSuffix(o.Flag, "-try"))
	}
}

// oldBwrapDestUp reports whether o mounts or remounts a path inside the
// sandbox that holds a ".." segment. bubblewrap does not clean it: the
// kernel resolves it at run time inside the new root, through the links
// there (a --symlink, or a link in a bound host tree), so "/tmp/l/../h"
// with /tmp/l a link to x/y is /tmp/x/h, not /tmp/h, and "../etc" is
// outside the new root. Where such a mount lands cannot be read from the
// argv.
func oldBwrapDestUp(o Option) bool {
	i, ok := bwrapDestArg[o.Flag]
	if !ok || i >= len(o.Args) {
		return false
	}
	for seg := range strings.SplitSeq(o.Args[i], "/") {
		if seg == ".." {
			return true
		}
	}
	return false
}

// oldBwrapDest is the path inside the sandbox that bubblewrap mounts at for
// dest (without a ".." segment): it drops the leading slashes and puts
// the rest below the new root, so "srv" is /srv and "" or "." the root
// itself.
func oldBwrapDest(dest string) string {
	return path.Clean("/" + dest)
}

// oldResolveEnvB applies ops in order, in linear time: walking back, the
// last operation on a name decides it, and a --clearenv ends the walk
// (nothing before it reaches the process).
func oldResolveEnvB(ops []envOp) []Env {
	seen := map[string]bool{}
	var out []Env
	for i := len(ops) - 1; i >= 0; i-- {
		o := ops[i]
		if o.clear {
			break
		}
		if seen[o.env.Name] {
			continue
		}
		seen[o.env.Name] = true
		if !o.unset {
			out = append(out, o.env)
		}
	}
	slices.Reverse(out)
	return out
}

// oldParseDockerB splits `docker run` (or `podman run`) options into options
// ("--flag=v" and "--flag v" alike, short flags clustered, as oldSplitDocker
// reads them with the one table of every option), the image and its
// arguments (everything from the first non-option on), and the parts it
// cannot read: an option the table does not know, one cut short, a
// boolean with a value that is not one. A boolean written =false has the
// argument "false". A leading "docker" or "podman" (any path ending so)
// and "run" or "container run" are skipped, so a launch line may be
// passed whole.
func oldParseDockerB(argv []string) (opts []Option, command []string, unknown []Unknown) {
	argv = skipEngine(argv)
	dopts, at := oldSplitDocker(argv)
	for _, o := range dopts {
		on, ok := o.On()
		switch {
		case o.Flag == "" || (o.Bool && !ok):
			unknown = append(unknown, Unknown{Text: o.Raw, Arg: o.Arg})
		case o.Bool && !on:
			opts = append(opts, Option{Flag: o.Flag, Args: []string{"false"}, Arg: o.Arg})
		case o.Bool:
			opts = append(opts, Option{Flag: o.Flag, Arg: o.Arg})
		default:
			opts = append(opts, Option{Flag: o.Flag, Args: []string{o.Value}, Arg: o.Arg})
		}
	}
	return opts, argv[at:], unknown
}

// oldReadDocker reads `docker run` options (see oldParseDockerB) into a Sandbox.
// The mounts (volumes, --mount, --tmpfs) are sorted as the engine applies
// them: by the depth of the destination, shallowest first, keeping the
// order of equal depths (moby's sortMounts in daemon/volumes_unix.go;
// podman does the same, as enforce/view_test.go shows), so a deeper mount
// is on top whatever the argv order.
func oldReadDocker(argv []string) *Sandbox {
	opts, cmd, unknown := oldParseDockerB(argv)
	s := &Sandbox{Kind: "docker", Confined: true, Unknown: unknown, Command: cmd,
		Network: Network{Mode: NetPrivate, Name: "default bridge"}}
	for _, o := range opts {
		oldDockerApply(s, o)
	}
	sortByDepth(s.Mounts)
	oldRefuseDuplicates(s)
	return s
}

// oldRefuseDuplicates handles mounts at one destination: podman drops a
// mount written exactly as an earlier one, and refuses to start a
// container with two that are written differently, even when they mean
// the same ("a:a:rw" and "a:a"; "duplicate mount destination", docker:
// "Duplicate mount point"), so what that container would grant depends on
// how the host repairs it: an Unknown part.
func oldRefuseDuplicates(s *Sandbox) {
	type seen struct {
		m   Mount
		bad bool
	}
	at := make(map[string]*seen, len(s.Mounts))
	out := s.Mounts[:0]
	for _, m := range s.Mounts {
		x := at[m.Dest]
		switch {
		case x == nil:
			at[m.Dest] = &seen{m: m}
		case x.m.specFlag == m.specFlag && x.m.spec == m.spec:
			continue // the same option again
		case !x.bad:
			x.bad = true
			s.unknown("duplicate mount destination "+m.Dest+": docker and podman refuse to start the container", m.Arg)
		}
		out = append(out, m)
	}
	s.Mounts = out
}

// oldDockerApply puts one option into the model by its family. A boolean
// written =false undoes what it would do. The families the model has no
// field for (another container's mounts, a host rootfs, the engine's
// socket, published ports, name resolution, host files, groups) are kept
// as Unknown: judged widened (fail closed).
func oldDockerApply(s *Sandbox, o Option) {
	var val string
	if len(o.Args) > 0 {
		val = o.Args[0]
	}
	f := dockerTable[o.Flag]
	if f.n == 0 && val == "false" {
		dockerUndo(s, f.fam)
		return
	}
	switch f.fam {
	case DockerNeutral, DockerExec:
	case DockerVolume:
		dockerVolume(s, val, o.Arg)
	case DockerMount:
		dockerMount(s, val, o.Arg)
	case DockerTmpfs:
		dst, _, _ := strings.Cut(val, ":")
		s.Mounts = append(s.Mounts, Mount{Type: Tmpfs, Dest: cleanPath(dst), Arg: o.Arg, spec: "--tmpfs " + val})
	case DockerNetwork:
		dockerNetwork(s, val)
	case DockerEnv:
		name, v, set := strings.Cut(val, "=")
		s.Env = append(s.Env, Env{Name: name, Value: v, Passed: !set})
	case DockerEnvHost:
		s.Env = append(s.Env, Env{Name: "*", Passed: true})
	case DockerUser:
		s.User = val
	default:
		oldDockerPrivilege(s, f.fam, o, val)
	}
}

// oldDockerPrivilege reads the options of privilege, devices, namespaces and
// confinement.
func oldDockerPrivilege(s *Sandbox, fam DockerFamily, o Option, val string) {
	switch fam {
	case DockerCapAdd:
		s.Caps = append(s.Caps, capName(val))
	case DockerPrivileged:
		s.Privileged = true
	case DockerDevice:
		if o.Flag != "--device" {
			s.Devices = append(s.Devices, o.Flag+" "+val) // --gpus, --device-cgroup-rule
			return
		}
		src, _, _ := strings.Cut(val, ":")
		s.Devices = append(s.Devices, cleanPath(src))
	case DockerCapDrop:
		s.Isolation = append(s.Isolation, "--cap-drop "+strings.ToUpper(val))
	case DockerReadOnly:
		s.Isolation = append(s.Isolation, "--read-only")
	case DockerSecurityOpt:
		if v := strings.ReplaceAll(val, "=", ":"); v == "no-new-privileges" || v == "no-new-privileges:true" {
			s.Isolation = append(s.Isolation, "--security-opt no-new-privileges")
		} else {
			s.Security = append(s.Security, val)
		}
	case DockerLoosen:
		s.Security = append(s.Security, strings.TrimSpace(o.Flag+" "+val))
	case DockerNamespace:
		s.HostNamespaces = append(s.HostNamespaces, strings.TrimPrefix(o.Flag, "--")+"="+val)
	default:
		s.unknown(strings.TrimSpace(o.Flag+" "+val)+": the model has no place for what it grants (judged widened)", o.Arg)
	}
}

// oldSplitDocker reads docker run options (the argv after "run") the way
// pflag does: --flag=value and --flag value, short flags clustered (-it)
// and with attached values (-v/a:/b, -eX=1), with the table of every
// docker run and podman run option. It returns the options, those the
// table does not know (or cut short) with Flag "", and the index of the
// image (len(argv) when there is none).
func oldSplitDocker(argv []string) (opts []DockerOption, image int) {
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--":
			return opts, i + 1
		case strings.HasPrefix(a, "--"):
			opts = oldSplitLong(opts, argv, &i)
		case len(a) > 1 && a[0] == '-':
			opts = oldSplitShort(opts, argv, &i)
		default:
			return opts, i
		}
	}
	return opts, len(argv)
}

// oldSplitLong reads the long option at argv[*i].
func oldSplitLong(opts []DockerOption, argv []string, i *int) []DockerOption {
	a, at := argv[*i], *i
	name, val, inline := strings.Cut(a, "=")
	f, ok := dockerTable[name]
	if !ok {
		return append(opts, DockerOption{Raw: a, Arg: at})
	}
	o := DockerOption{Flag: name, Family: f.fam, Bool: f.n == 0, Value: val, HasValue: inline, Raw: a, Arg: at}
	if f.n == 1 && !inline {
		if *i+1 >= len(argv) {
			return append(opts, DockerOption{Raw: a + " (no value)", Arg: at})
		}
		*i++
		o.Value, o.HasValue, o.Raw = argv[*i], true, a+" "+argv[*i]
	}
	return append(opts, o)
}

// oldSplitShort reads the cluster of short flags at argv[*i].
func oldSplitShort(opts []DockerOption, argv []string, i *int) []DockerOption {
	a, at := argv[*i], *i
	s := a[1:]
	for j := 0; j < len(s); j++ {
		name := "-" + s[j:j+1]
		f, ok := dockerTable[name]
		if !ok {
			return append(opts, DockerOption{Raw: a, Arg: at})
		}
		o := DockerOption{Flag: name, Family: f.fam, Bool: f.n == 0, Raw: name, Arg: at}
		if f.n == 0 {
			opts = append(opts, o)
			continue
		}
		if j+1 < len(s) {
			o.Value, o.HasValue, o.Raw = strings.TrimPrefix(s[j+1:], "="), true, a
			return append(opts, o)
		}
		if *i+1 >= len(argv) {
			return append(opts, DockerOption{Raw: a + " (no value)", Arg: at})
		}
		*i++
		o.Value, o.HasValue, o.Raw = argv[*i], true, a+" "+argv[*i]
		return append(opts, o)
	}
	return opts
}

// noSpecs is s with its mounts' specs cleared, for comparing readers that
// write them differently (the effect of a spec, a repeated or refused
// mount, shows in the mounts and Unknown).
func noSpecs(s *Sandbox) *Sandbox {
	for i := range s.Mounts {
		s.Mounts[i].specFlag, s.Mounts[i].spec = 0, ""
	}
	return s
}

// argvParts are the pieces generated argvs are made of: options of both
// engines, paths clean and not, values that are not.
var argvParts = []string{"--bind", "--ro-bind", "--dev-bind-try", "--tmpfs", "--proc", "--dev", "--remount-ro", "--setenv", "--unsetenv",
	"--clearenv", "--unshare-all", "--share-net", "--unshare-net", "--cap-add", "--cap-drop", "--uid", "--seccomp", "--", "cmd",
	"/srv", "/srv/a", "srv", "/srv/../etc", "//x/", ".", "", "A", "1",
	"-v", "--volume", "/a:/a:ro", "/a:/b", "/a:/a", "vol:/x", "--mount", "type=bind,src=/x,dst=/y,ro", "type=bind,src=/x,dst=/y,ro=t", "type=bind,src=/x,dst=/y,readonly=TRUE", "type=tmpfs,target=/t",
	"-e", "--env=X=1", "-eY", "--privileged=false", "--read-only", "--read-only=false", "--network", "host", "none", "--device",
	"/dev/sda:/dev/x", "--security-opt", "seccomp=unconfined", "--pid", "-it", "--rm", "img", "--bogus", "-u", "docker", "run", "bwrap", "/usr/bin/bwrap", "podman", "container"}

// argvSeeds are compiled artifacts' argvs.
func argvSeeds(tb testing.TB) [][]string {
	r := compile(tb, "fs:read,write:/srv/secret", "fs:read:/data/app.conf", `ipc:connect:"unix:/run/app.sock"`,
		"net:connect:api.example.com:443", "env:inject:TOKEN", "clock:tzdata", "exec:spawn:curl")
	var out [][]string
	for _, a := range r.Artifacts.All() {
		if len(a.Argv) > 0 {
			out = append(out, a.Argv)
		}
	}
	return out
}

// TestArgvReadersAsBefore: ReadBwrap and ReadDocker read compiled argvs,
// and generated ones of their options and values in any order, as they
// did before this work (oldReadBwrap, oldReadDocker).
func TestArgvReadersAsBefore(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(27, 28))
	argvs := argvSeeds(t)
	for range 20000 {
		argv := make([]string, r.IntN(14))
		for i := range argv {
			argv[i] = argvParts[r.IntN(len(argvParts))]
		}
		argvs = append(argvs, argv)
	}
	for _, argv := range argvs {
		if got, want := noSpecs(ReadBwrap(argv)), noSpecs(oldReadBwrap(argv)); !reflect.DeepEqual(got, want) {
			t.Fatalf("bwrap %q:\n%+v\nwant %+v", argv, got, want)
		}
		if got, want := noSpecs(ReadDocker(argv)), noSpecs(oldReadDocker(argv)); !reflect.DeepEqual(got, want) {
			t.Fatalf("docker %q:\n%+v\nwant %+v", argv, got, want)
		}
	}
}

// FuzzArgvReadersAsBefore: ReadBwrap and ReadDocker read any argv
// (arguments split at NUL) as they did before this work.
func FuzzArgvReadersAsBefore(f *testing.F) {
	for _, a := range argvSeeds(f) {
		f.Add(strings.Join(a, "\x00"))
	}
	f.Add(strings.Join(argvParts, "\x00"))
	f.Fuzz(func(t *testing.T, in string) {
		argv := strings.Split(in, "\x00")
		if got, want := noSpecs(ReadBwrap(argv)), noSpecs(oldReadBwrap(argv)); !reflect.DeepEqual(got, want) {
			t.Fatalf("bwrap %q:\n%+v\nwant %+v", argv, got, want)
		}
		if got, want := noSpecs(ReadDocker(argv)), noSpecs(oldReadDocker(argv)); !reflect.DeepEqual(got, want) {
			t.Fatalf("docker %q:\n%+v\nwant %+v", argv, got, want)
		}
	})
}
