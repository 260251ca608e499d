package sandbox

import (
	"slices"
	"strconv"
	"strings"
)

// ParseDocker splits `docker run` (or `podman run`) options into options
// ("--flag=v" and "--flag v" alike, short flags clustered, as SplitDocker
// reads them with the one table of every option), the image and its
// arguments (everything from the first non-option on), and the parts it
// cannot read: an option the table does not know, one cut short, a
// boolean with a value that is not one. A boolean written =false has the
// argument "false". A leading "docker" or "podman" (any path ending so)
// and "run" or "container run" are skipped, so a launch line may be
// passed whole.
//
// The options' values share one backing array, and the text of a known
// option (DockerOption.Raw, which only an unknown part shows) is not
// built: a slice and a string per option were half of ReadDocker's
// allocations on BenchmarkChangedManifest's artifacts. FuzzParseDocker
// holds it to SplitDocker's options.
func ParseDocker(argv []string) (opts []Option, command []string, unknown []Unknown) {
	argv = skipEngine(argv)
	dopts, at := splitDocker(argv, false)
	opts = make([]Option, 0, len(dopts))
	vals := make([]string, len(dopts))
	for i, o := range dopts {
		on, ok := o.On()
		switch {
		case o.Flag == "" || (o.Bool && !ok):
			unknown = append(unknown, Unknown{Text: o.Raw, Arg: o.Arg})
		case o.Bool && !on:
			vals[i] = "false"
			opts = append(opts, Option{Flag: o.Flag, Args: vals[i : i+1 : i+1], Arg: o.Arg})
		case o.Bool:
			opts = append(opts, Option{Flag: o.Flag, Arg: o.Arg})
		default:
			vals[i] = o.Value
			opts = append(opts, Option{Flag: o.Flag, Args: vals[i : i+1 : i+1], Arg: o.Arg})
		}
	}
	return opts, argv[at:], unknown
}

// skipEngine drops a leading engine name and its run subcommand.
func skipEngine(argv []string) []string {
	if len(argv) > 0 {
		for _, e := range []string{"docker", "podman"} {
			if argv[0] == e || strings.HasSuffix(argv[0], "/"+e) {
				argv = argv[1:]
				break
			}
		}
	}
	if len(argv) > 1 && argv[0] == "container" && argv[1] == "run" {
		return argv[2:]
	}
	if len(argv) > 0 && argv[0] == "run" {
		return argv[1:]
	}
	return argv
}

// ReadDocker reads `docker run` options (see ParseDocker) into a Sandbox.
// The mounts (volumes, --mount, --tmpfs) are sorted as the engine applies
// them: by the depth of the destination, shallowest first, keeping the
// order of equal depths (moby's sortMounts in daemon/volumes_unix.go;
// podman does the same, as enforce/view_test.go shows), so a deeper mount
// is on top whatever the argv order.
//
// It reads as ParseDocker parses, each option applied as it is read, by
// the family the split found: the lists of options, and a second look-up
// of each in the table, were a third of ReadDocker on
// BenchmarkChangedManifest's artifacts. The parts the parser cannot read
// come first in Unknown, as when they were listed first.
// FuzzArgvReadersAsBefore holds it to ReadDocker before this work.
func ReadDocker(argv []string) *Sandbox { return readDocker(new(Sandbox), argv) }

// readDocker is ReadDocker into s, new or emptied (Sandbox.reuse).
func readDocker(s *Sandbox, argv []string) *Sandbox {
	argv = skipEngine(argv)
	s.Kind, s.Confined = "docker", true
	s.Network.Mode, s.Network.Name = NetPrivate, "default bridge"
	var unknown []Unknown
	at := splitDockerEach(argv, false, func(o DockerOption) {
		on, ok := o.On()
		switch {
		case o.Flag == "" || (o.Bool && !ok):
			unknown = append(unknown, Unknown{Text: o.Raw, Arg: o.Arg})
		case o.Bool && !on:
			dockerUndo(s, o.Family)
		case o.Bool:
			dockerApply(s, o.Family, Option{Flag: o.Flag, Arg: o.Arg}, "")
		default:
			dockerApply(s, o.Family, Option{Flag: o.Flag, Arg: o.Arg}, o.Value)
		}
	})
	s.Command = argv[at:]
	if unknown != nil {
		s.Unknown = append(unknown, s.Unknown...)
	}
	sortByDepth(s.Mounts)
	refuseDuplicates(s)
	return s
}

// refuseDuplicates handles mounts at one destination: podman drops a
// mount written exactly as an earlier one, and refuses to start a
// container with two that are written differently, even when they mean
// the same ("a:a:rw" and "a:a"; "duplicate mount destination", docker:
// "Duplicate mount point"), so what that container would grant depends on
// how the host repairs it: an Unknown part.
//
// Mounts at distinct destinations, the rule, leave nothing to do: a few
// are checked pairwise first, instead of filing each in a map (a map and
// a record a mount, a fifth of ReadDocker's allocations on
// BenchmarkChangedManifest's artifacts); TestDockerDuplicateDestination
// and FuzzRead cover the map's path.
func refuseDuplicates(s *Sandbox) {
	if len(s.Mounts) <= 16 && distinctDests(s.Mounts) {
		return
	}
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

// dockerSpec is the flag a docker mount was written with: -v (or
// --volume), --mount, --tmpfs.
type dockerSpec uint8

const (
	_ dockerSpec = iota
	specVolume
	specMount
	specTmpfs
)

// distinctDests reports whether no two of ms share a destination, pair
// by pair.
func distinctDests(ms []Mount) bool {
	for i := range ms {
		for j := range i {
			if ms[i].Dest == ms[j].Dest {
				return false
			}
		}
	}
	return true
}

// sortByDepth sorts ms by the depth of their destination, keeping the
// order of equal depths.
func sortByDepth(ms []Mount) {
	slices.SortStableFunc(ms, func(a, b Mount) int { return depth(a.Dest) - depth(b.Dest) })
}

// depth is moby's mount depth: the number of separators in the cleaned
// path ("/" and "/tmp" are both 1).
func depth(p string) int { return strings.Count(p, "/") }

// dockerApply puts option o, of family fam, with value val ("" for a
// boolean), into the model by its family (a boolean written =false undoes
// what it would do: dockerUndo). The families the model has no field for
// (another container's mounts, a host rootfs, the engine's socket,
// published ports, name resolution, host files, groups) are kept as
// Unknown: judged widened (fail closed).
func dockerApply(s *Sandbox, fam DockerFamily, o Option, val string) {
	switch fam {
	case DockerNeutral, DockerExec:
	case DockerVolume:
		dockerVolume(s, val, o.Arg)
	case DockerMount:
		dockerMount(s, val, o.Arg)
	case DockerTmpfs:
		dst, _, _ := strings.Cut(val, ":")
		s.Mounts = append(s.Mounts, Mount{Type: Tmpfs, Dest: cleanPath(dst), Arg: o.Arg, specFlag: specTmpfs, spec: val})
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
		dockerPrivilege(s, fam, o, val)
	}
}

// isolate adds x to the isolation s applies, making room for the three
// flags the compiler emits on the first.
func (s *Sandbox) isolate(x string) {
	if s.Isolation == nil {
		s.Isolation = make([]string, 0, 4)
	}
	s.Isolation = append(s.Isolation, x)
}

// dockerUndo is a boolean option written =false: --read-only=false drops
// the protection an earlier --read-only gave, --privileged=false the
// privilege (the last spelling wins, as pflag reads it).
func dockerUndo(s *Sandbox, fam DockerFamily) {
	switch fam {
	case DockerReadOnly:
		s.Isolation = slices.DeleteFunc(s.Isolation, func(x string) bool { return x == "--read-only" })
	case DockerPrivileged:
		s.Privileged = false
	}
}

func dockerNetwork(s *Sandbox, val string) {
	s.Network.Name = val
	switch val {
	case "none":
		s.Network.Mode = NetNone
	case "host":
		s.Network.Mode = NetHost
	default:
		s.Network.Mode = NetPrivate
	}
}

// dockerPrivilege reads the options of privilege, devices, namespaces and
// confinement.
func dockerPrivilege(s *Sandbox, fam DockerFamily, o Option, val string) {
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
		if val == "ALL" {
			s.isolate("--cap-drop ALL") // what the compiler emits, without a new string
		} else {
			s.isolate("--cap-drop " + strings.ToUpper(val))
		}
	case DockerReadOnly:
		s.isolate("--read-only")
	case DockerSecurityOpt:
		if v := strings.ReplaceAll(val, "=", ":"); v == "no-new-privileges" || v == "no-new-privileges:true" {
			s.isolate("--security-opt no-new-privileges")
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

// volumeOpts are the options a -v spec may end with.
var volumeOpts = map[string]bool{"ro": true, "rw": true, "z": true, "Z": true, "shared": true, "slave": true,
	"private": true, "rshared": true, "rslave": true, "rprivate": true, "nocopy": true, "delegated": true,
	"cached": true, "consistent": true}

// dockerVolume reads "src:dst[:opts]". A spec whose halves match is split
// there even when the path holds a colon (capgate mounts every path at the
// same place); otherwise it is split as docker does, at the first colon.
// Without ro, a bind is read-write. A named volume or anything else that
// is not a host path is Unknown.
func dockerVolume(s *Sandbox, spec string, arg int) {
	body, write := spec, true
	if i := strings.LastIndexByte(body, ':'); i > 0 {
		if opts := strings.Split(body[i+1:], ","); allOpts(opts) {
			body = body[:i]
			write = !slices.Contains(opts, "ro")
		}
	}
	src, dst := body, body
	if n := len(body); n%2 == 1 && body[n/2] == ':' && body[:n/2] == body[n/2+1:] {
		src, dst = body[:n/2], body[n/2+1:]
	} else if i := strings.IndexByte(body, ':'); i > 0 {
		src, dst = body[:i], body[i+1:]
	}
	if !strings.HasPrefix(src, "/") || !strings.HasPrefix(dst, "/") {
		s.Unknown = append(s.Unknown, Unknown{Text: "--volume " + spec, Arg: arg})
		return
	}
	m := bindMount(src, dst, arg)
	m.Write, m.specFlag, m.spec = write, specVolume, spec
	s.Mounts = append(s.Mounts, m)
}

func allOpts(opts []string) bool {
	for _, o := range opts {
		if !volumeOpts[o] {
			return false
		}
	}
	return len(opts) > 0
}

// dockerMount reads "type=bind,source=/x,target=/x[,readonly]" and
// "type=tmpfs,target=/x"; anything else is Unknown.
func dockerMount(s *Sandbox, spec string, arg int) {
	var typ, src, dst string
	ro, bad := false, false
	for _, kv := range strings.Split(spec, ",") {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "type":
			typ = v
		case "source", "src":
			src = v
		case "target", "destination", "dst":
			dst = v
		case "readonly", "ro":
			// strconv.ParseBool, as docker's CLI: readonly=TRUE and
			// ro=t are read-only (they read as writable, a widened row
			// that changed nothing); a value it refuses is writable.
			b, err := strconv.ParseBool(v)
			ro = v == "" || (err == nil && b)
		case "bind-propagation", "consistency", "tmpfs-size", "tmpfs-mode":
		default:
			bad = true
		}
	}
	switch {
	case bad || !strings.HasPrefix(dst, "/"):
	case typ == "bind" && strings.HasPrefix(src, "/"):
		m := bindMount(src, dst, arg)
		m.Write, m.specFlag, m.spec = !ro, specMount, spec
		s.Mounts = append(s.Mounts, m)
		return
	case typ == "tmpfs":
		s.Mounts = append(s.Mounts, Mount{Type: Tmpfs, Dest: cleanPath(dst), Arg: arg, specFlag: specMount, spec: spec})
		return
	}
	s.Unknown = append(s.Unknown, Unknown{Text: "--mount " + spec, Arg: arg})
}
