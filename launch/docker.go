package launch

import (
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/sandbox"
)

// arg is one argv element with its place in the config file.
type arg struct {
	s   string
	pos Pos
}

// family is what a docker run option does to the container's reach: the
// families of package sandbox's one table of docker run options.
type family = sandbox.DockerFamily

// The families, by their short names here.
const (
	fNeutral  = sandbox.DockerNeutral
	fVolume   = sandbox.DockerVolume
	fMount    = sandbox.DockerMount
	fVolFrom  = sandbox.DockerVolumesFrom
	fRootfs   = sandbox.DockerRootfs
	fSocket   = sandbox.DockerSocket
	fDevice   = sandbox.DockerDevice
	fPriv     = sandbox.DockerPrivileged
	fCapAdd   = sandbox.DockerCapAdd
	fCapDrop  = sandbox.DockerCapDrop
	fSecOpt   = sandbox.DockerSecurityOpt
	fLoosen   = sandbox.DockerLoosen
	fNS       = sandbox.DockerNamespace
	fNetwork  = sandbox.DockerNetwork
	fPublish  = sandbox.DockerPublish
	fDNS      = sandbox.DockerDNS
	fEnv      = sandbox.DockerEnv
	fEnvFile  = sandbox.DockerEnvFile
	fEnvHost  = sandbox.DockerEnvHost
	fUser     = sandbox.DockerUser
	fGroup    = sandbox.DockerGroup
	fReadOnly = sandbox.DockerReadOnly
	fHostFile = sandbox.DockerHostFile
	fTmpfs    = sandbox.DockerTmpfs
	fExec     = sandbox.DockerExec
)

// DockerFlags lists the options the docker reader knows, sorted; for docs
// and tests. The table is package sandbox's (sandbox.DockerFlags): one
// docker argv parser for launch entries and compiled policies alike.
func DockerFlags() []string { return sandbox.DockerFlags() }

// dockerOpt is one option read from argv, with its place in the file.
type dockerOpt struct {
	sandbox.DockerOption
	name string // the flag, "" for a raw option
	val  string
	pos  Pos
	raw  string // the text as written
}

// splitDocker reads docker run options with sandbox.SplitDocker, the one
// docker argv parser, and places each in the config file. It returns the
// options, the unknown ones as raw options (name ""), and the index of
// the image.
func splitDocker(argv []arg) (opts []dockerOpt, image int) {
	ss := make([]string, len(argv))
	for i, a := range argv {
		ss[i] = a.s
	}
	dopts, image := sandbox.SplitDocker(ss)
	opts = make([]dockerOpt, len(dopts))
	for i, o := range dopts {
		opts[i] = dockerOpt{DockerOption: o, name: o.Flag, val: o.Value, pos: argv[o.Arg].pos, raw: o.Raw}
	}
	return opts, image
}

// unknownOption is why a raw grant of an option the table does not know
// is one.
const unknownOption = "an option the reader does not know (judged widened, fail closed)"

// unknownFirst notes the first option of gs the reader does not know:
// whether it takes the next argument cannot be told, so what follows it
// (options or the command) may be read wrongly, and a change there cannot
// be judged.
func unknownFirst(e *Entry, gs []Grant, why string) {
	for _, g := range gs {
		if g.Kind == GRaw && g.Why == why && !strings.HasSuffix(g.Key, " (no value)") {
			e.Unjudged = append(e.Unjudged, Note{Text: "the option " + g.Key + " is not known: whether it takes the next argument cannot be told, so what follows it may be misread (fail closed)", Pos: g.Pos})
			return
		}
	}
}

// dockerGrants reads the options of a docker or podman run argv (after
// "run") into grants; image is the image reference, "" when missing.
func dockerGrants(c Client, argv []arg) (gs []Grant, image string, imagePos Pos) {
	opts, at := splitDocker(argv)
	var networks []dockerOpt
	user, userPos := "", Pos{}
	readOnly := false
	for _, o := range opts {
		if o.name == "" {
			gs = append(gs, Grant{Kind: GRaw, Key: o.raw, Pos: o.pos, Why: unknownOption})
			continue
		}
		f := o.Family
		if o.Bool {
			on, ok := o.On()
			if !ok {
				gs = append(gs, Grant{Kind: GRaw, Key: o.raw, Pos: o.pos, Why: "a boolean option with a value the reader does not know"})
				continue
			}
			if !on {
				// The last spelling wins (pflag): --read-only=false
				// after --read-only drops the protection.
				readOnly = readOnly && f != fReadOnly
				continue
			}
		}
		if o.name == "--log-opt" || o.name == "--log-driver" {
			gs = append(gs, logGrants(c, o)...)
			continue
		}
		switch f {
		case fNetwork:
			networks = append(networks, o)
		case fUser:
			user, userPos = o.val, o.pos
		case fReadOnly:
			readOnly = true
		default:
			for _, g := range dockerGrant(c, f, o) {
				gs = append(gs, filledIn(c, f, o, g))
			}
		}
	}
	if at < len(argv) {
		image, imagePos = argv[at].s, argv[at].pos
		gs = append(gs, imageVar(c, argv, at)...)
		gs = append(gs, rootfsGrant(c, opts, argv[at])...)
	}
	if len(networks) == 0 {
		networks = append(networks, dockerOpt{val: "bridge"})
	}
	// Repeated, the engine joins each network or refuses the mix: every
	// one is a grant.
	for _, n := range networks {
		gs = append(gs, networkGrant(c, n.val, n.pos))
	}
	if readOnly {
		gs = append(gs, Grant{Kind: GIsolation, Key: "--read-only", Why: "the image's filesystem is read-only"})
	}
	gs = append(gs, userGrant(c, user, userPos))
	return gs, image, imagePos
}

// keptLogDrivers are the log drivers that keep the container's output on
// the host (docker's and podman's); any other (syslog, gelf, fluentd,
// splunk, awslogs, a plugin) may ship it elsewhere.
var keptLogDrivers = map[string]bool{"json-file": true, "local": true, "none": true, "journald": true,
	"k8s-file": true, "passthrough": true, "passthrough-tty": true}

// shapingLogOpts are the log options that only shape the output (size,
// rotation, tags, the labels and variables added to each line), for any
// driver; any other may name where it goes (syslog-address, gelf-address,
// fluentd-address, splunk-url, awslogs-endpoint, a plugin's URL).
var shapingLogOpts = map[string]bool{"max-size": true, "max-file": true, "compress": true, "mode": true,
	"max-buffer-size": true, "tag": true, "labels": true, "labels-regex": true, "env": true, "env-regex": true,
	"cache-disabled": true, "cache-max-size": true, "cache-max-file": true, "cache-compress": true}

// logGrants are the grants of a --log-driver or --log-opt option: podman's
// path=FILE, the host file the k8s-file driver writes the output to; a
// driver or an option that may send the container's output off the host,
// a network path the engine opens whatever --network says (the server's
// stderr reaches it); nothing for the rest.
func logGrants(c Client, o dockerOpt) []Grant {
	if o.name == "--log-driver" {
		if keptLogDrivers[o.val] {
			return nil
		}
		return []Grant{{Kind: GNetwork, Key: o.raw, Pos: o.pos,
			Why: "the engine sends the container's output (stdout, stderr) to this log driver, which may ship it off the host whatever the container's network (judged widened)"}}
	}
	k, _, _ := strings.Cut(o.val, "=")
	switch {
	case k == "path":
		key, loud := judgePath(c, strings.TrimPrefix(o.val, "path="))
		return []Grant{{Kind: GFS, Key: key, Write: true, Pos: o.pos, Loud: loud != "",
			Why: strings.TrimSuffix("a host file the engine writes the container's output to; "+loud, "; ")}}
	case shapingLogOpts[k]:
		return nil
	}
	return []Grant{{Kind: GNetwork, Key: o.raw, Pos: o.pos,
		Why: "a log option that may name where the engine sends the container's output (stdout, stderr), off the host whatever the container's network (judged widened)"}}
}

// rootfsGrant is the host directory podman's --rootfs makes the
// container's root filesystem (the image argument, an overlay :O suffix
// left out): a writable host path, judged as any mount source.
func rootfsGrant(c Client, opts []dockerOpt, img arg) []Grant {
	for _, o := range opts {
		if o.Family != fRootfs {
			continue
		}
		if on, ok := o.On(); !ok || !on {
			continue
		}
		key, loud := judgePath(c, strings.TrimSuffix(img.s, ":O"))
		return []Grant{{Kind: GFS, Key: key, Write: true, Pos: img.pos, Loud: loud != "",
			Why: strings.TrimPrefix(loud+"; ", "; ") + "the host directory used as the container's root filesystem (--rootfs)"}}
	}
	return nil
}

// userGrant is the user the container runs as: root when none is given,
// or when the client fills it in at launch.
func userGrant(c Client, user string, at Pos) Grant {
	if u := symbolic(c, user).Unknown; len(u) > 0 {
		return Grant{Kind: GUser, Key: "root", Pos: at, Why: "--user holds " + strings.Join(u, ", ") + ", which the client fills in at launch: root included (fail closed)"}
	}
	if uid, _, _ := strings.Cut(user, ":"); uid == "" || uid == "root" || strings.Trim(uid, "0") == "" {
		return Grant{Kind: GUser, Key: "root", Pos: at, Why: "runs as root in the container (no --user, or --user 0)"}
	}
	return Grant{Kind: GIsolation, Key: "--user " + user, Pos: at, Why: "runs as a non-root user"}
}

// imageVar is a loud raw grant when the image argument argv[at] holds a
// variable the client fills in at launch and no -- comes before it: the
// engine reads the value as any option.
func imageVar(c Client, argv []arg, at int) []Grant {
	u := symbolic(c, argv[at].s).Unknown
	if len(u) == 0 || (at > 0 && argv[at-1].s == "--") {
		return nil
	}
	return []Grant{{Kind: GRaw, Key: argv[at].s, Pos: argv[at].pos, Loud: true,
		Why: "holds " + strings.Join(u, ", ") + ", which the client fills in at launch: the engine reads it as any option, --privileged included (fail closed)"}}
}

// networkGrant is the network a container joins; one the client fills
// in at launch may be the host's.
func networkGrant(c Client, n string, at Pos) Grant {
	g := Grant{Kind: GNetwork, Key: networkKey(n), Pos: at, Why: networkWhy(n)}
	if mode, opts, _ := strings.Cut(n, ":"); (mode == "pasta" || mode == "slirp4netns") && hostLoopback(opts) {
		g.Loud, g.Why = true, g.Why+"; the options open the host's loopback services, as --network host does"
	}
	if strings.HasPrefix(n, "ns:") {
		g.Loud, g.Why = true, nsPathWhy
	}
	if strings.HasPrefix(n, "container:") {
		g.Loud, g.Why = true, "another container's network namespace: "+otherContainerWhy
	}
	if u := symbolic(c, n).Unknown; len(u) > 0 {
		g.Loud, g.Why = true, "holds "+strings.Join(u, ", ")+", which the client fills in at launch: the host's network included (fail closed)"
	}
	return g
}

// hostLoopback reports whether pasta or slirp4netns options make the
// host's loopback reachable from the container: slirp4netns's
// allow_host_loopback, pasta's --map-host-loopback and --map-gw, and
// pasta's -T/--tcp-ns and -U/--udp-ns (port forwarding from the
// container's loopback to the init namespace's, the host's: podman passes
// -T none -U none unless the options say otherwise).
func hostLoopback(opts string) bool {
	if strings.Contains(opts, "allow_host_loopback=true") || strings.Contains(opts, "map-host-loopback") ||
		(strings.Contains(opts, "map-gw") && !strings.Contains(opts, "no-map-gw")) {
		return true
	}
	parts := strings.Split(opts, ",")
	for i, o := range parts {
		for _, f := range []string{"--tcp-ns", "--udp-ns", "-T", "-U"} {
			v, ok := strings.CutPrefix(o, f)
			if !ok || (strings.HasPrefix(f, "--") && v != "" && v[0] != '=') {
				continue
			}
			v = strings.TrimPrefix(v, "=")
			if v == "" && i+1 < len(parts) {
				v = parts[i+1]
			}
			if v != "none" {
				return true
			}
		}
	}
	return false
}

// filledIn makes a security option or a namespace that holds a variable
// the client fills in at launch loud: it may be unconfined or the host's.
func filledIn(c Client, fam family, o dockerOpt, g Grant) Grant {
	if g.Loud || (fam != fSecOpt && fam != fNS) || g.Kind == GIsolation {
		return g
	}
	if u := symbolic(c, o.val).Unknown; len(u) > 0 {
		g.Loud, g.Why = true, "holds "+strings.Join(u, ", ")+", which the client fills in at launch: unconfined or the host's included (fail closed)"
	}
	return g
}

func networkKey(n string) string {
	switch n {
	case "", "default", "bridge":
		return "bridge"
	}
	return n
}

func networkWhy(n string) string {
	switch networkKey(n) {
	case "bridge":
		return "the default bridge network: any host on the internet"
	case "none":
		return "no network"
	case "host":
		return "the host's network namespace: every host interface and every service listening on the host's loopback"
	case "pasta", "slirp4netns":
		return "user-mode networking: any host on the internet"
	}
	if mode, opts, ok := strings.Cut(n, ":"); ok && (mode == "pasta" || mode == "slirp4netns") {
		return "user-mode networking with options (" + opts + "): any host on the internet"
	}
	if strings.HasPrefix(n, "container:") {
		return "another container's network namespace"
	}
	return "a named network"
}

// dockerGrant reads one known option that grants or protects something.
func dockerGrant(c Client, fam family, o dockerOpt) []Grant {
	switch fam {
	case fNeutral, fTmpfs, fExec:
		return nil
	case fVolume:
		g := dockerVolume(c, o)
		return append([]Grant{g}, relabel(g, o)...)
	case fMount:
		return dockerMount(c, o)
	case fSecOpt:
		return []Grant{securityOpt(o)}
	case fNS:
		return []Grant{namespace(o)}
	case fEnv, fEnvFile, fEnvHost, fHostFile:
		return []Grant{dockerHostGrant(c, fam, o)}
	}
	g := Grant{Pos: o.pos}
	switch fam {
	case fVolFrom:
		// The other container's mounts are not in the config: an engine
		// socket or / among them cannot be seen, so it is loud (fail
		// closed), read-only or not.
		g.Kind, g.Key, g.Loud = GFS, "volumes of container "+o.val, true
		g.Why = "every mount of another container, which this config does not show (an engine socket or the host root among them would be host control)"
		g.Write = !strings.HasSuffix(o.val, ":ro")
	case fRootfs:
		g.Kind, g.Key, g.Why = GRaw, "--rootfs", "the image argument is a host directory used as the root filesystem (judged widened)"
	case fSocket:
		g.Kind, g.Key, g.Loud = GHost, "--use-api-socket", true
		g.Why = "CONTAINER ENGINE SOCKET: the engine's API socket is mounted in, which is root on the host"
	case fDevice:
		g.Kind, g.Key, g.Loud, g.Why = GDevice, strings.TrimPrefix(o.name, "--")+" "+o.val, true, "a host device"
	case fPriv:
		g.Kind, g.Key, g.Loud, g.Why = GCap, "--privileged", true, "every capability and every host device"
	case fCapAdd:
		g.Kind, g.Key, g.Loud, g.Why = GCap, capName(o.val), true, "capability added"
	case fCapDrop:
		g.Kind, g.Key, g.Why = GIsolation, "--cap-drop "+capName(o.val), "capabilities dropped"
	case fLoosen:
		g.Kind, g.Key, g.Why = GSecurity, o.raw, "changes how the container is confined"
	case fPublish:
		g.Kind, g.Key, g.Why = GNetwork, o.raw, "a new network path into or out of the container"
	case fDNS:
		g.Kind, g.Key, g.Why = GNetwork, o.raw, "changes name resolution"
	case fGroup:
		g.Kind, g.Key, g.Why = GCap, "group "+o.val, "a supplementary group (the docker group's id is the engine's socket)"
	default:
		return nil
	}
	return []Grant{g}
}

// dockerHostGrant reads the options that hand the container something of
// the host's: variables, a host file read or written.
func dockerHostGrant(c Client, fam family, o dockerOpt) Grant {
	g := Grant{Pos: o.pos}
	switch fam {
	case fEnv:
		// -e NAME copies the host's value, and so does a value the
		// client fills in from the host (-e NAME=${TOKEN}); a literal
		// value is the config's own, keyed with it: changing it is a
		// change, not a grant.
		name, val, has := strings.Cut(o.val, "=")
		g.Kind, g.Key = GEnv, name
		g.Why = "the host's value of " + name + " is copied in"
		if u := symbolic(c, val).Unknown; len(u) > 0 {
			g.Why = "set from " + strings.Join(u, ", ") + ", which the client fills in from the host"
		} else if has {
			g.Key, g.Why = name+"="+val, "set to a literal value (the config's own)"
		}
	case fEnvHost:
		g.Kind, g.Key, g.Why = GEnv, "*", "every host variable is copied in"
	case fEnvFile, fHostFile:
		key, loud := judgePath(c, o.val)
		g.Kind, g.Key, g.Why = GEnvFile, key, "every variable in a host file"
		if fam == fHostFile {
			g.Kind, g.Write, g.Why = GFS, true, "a host file the engine writes"
		}
		if loud != "" {
			g.Loud, g.Why = true, g.Why+"; "+loud
		}
	}
	return g
}

func capName(v string) string {
	return strings.TrimPrefix(strings.ToUpper(v), "CAP_")
}

func securityOpt(o dockerOpt) Grant {
	v := strings.ReplaceAll(o.val, "=", ":")
	switch v {
	case "no-new-privileges", "no-new-privileges:true":
		return Grant{Kind: GIsolation, Key: "--security-opt no-new-privileges", Pos: o.pos, Why: "no privilege gain through setuid binaries"}
	case "no-new-privileges:false":
		return Grant{Kind: GNamespace, Key: "no-new-privileges=false", Pos: o.pos, Why: "setuid binaries may gain privileges"}
	}
	g := Grant{Kind: GSecurity, Key: o.val, Pos: o.pos, Why: "a security profile other than the engine's default"}
	switch v {
	case "seccomp:unconfined", "apparmor:unconfined", "label:disable", "systempaths:unconfined", "mask:/", "unmask:ALL",
		// SELinux's super-privileged and unconfined process types
		// confine nothing: label=type:spc_t is label=disable by
		// another name.
		"label:type:spc_t", "label:type:unconfined_t":
		g.Loud, g.Why = true, "confinement turned off ("+o.val+")"
	}
	if name, file, ok := strings.Cut(v, ":"); ok && name == "seccomp" && file != "unconfined" && file != "builtin" && !g.Loud {
		// A profile file: no reader judges the system calls it allows.
		g.Loud, g.Why = true, seccompFileWhy
	}
	return g
}

// seccompFileWhy is why a seccomp profile file is loud, in the repository
// or not: {"defaultAction": "SCMP_ACT_ALLOW"} is seccomp=unconfined by
// another name, and the reader does not judge the rules a file holds.
const seccompFileWhy = "the system calls allowed are this profile file's, which the reader does not judge: one whose defaultAction is SCMP_ACT_ALLOW is seccomp=unconfined (fail closed)"

func namespace(o dockerOpt) Grant {
	ns := strings.TrimPrefix(o.name, "--")
	switch o.val {
	case "", "private":
		return Grant{Kind: GIsolation, Key: "--" + ns + " private", Pos: o.pos, Why: "a private namespace"}
	}
	g := Grant{Kind: GNamespace, Key: ns + "=" + o.val, Pos: o.pos, Why: "shares a namespace"}
	switch {
	case o.val == "host":
		g.Loud, g.Why = true, "the host's "+ns+" namespace"
	case strings.HasPrefix(o.val, "ns:"):
		g.Loud, g.Why = true, nsPathWhy
	case strings.HasPrefix(o.val, "container:"):
		g.Loud, g.Why = true, "another container's "+ns+" namespace: "+otherContainerWhy
	}
	return g
}

// otherContainerWhy is why joining another container's namespace
// (container:x) is loud, as --volumes-from is: which namespace that is
// the config does not show, and a container started with --network host
// or --pid host holds the host's (fail closed).
const otherContainerWhy = "whose it is this config does not show, and a container started with the host's (--network host, --pid host) hands it over (fail closed)"

// nsPathWhy is why a namespace joined by its path (podman's ns:PATH) is
// loud.
const nsPathWhy = "joins the namespace at a host path (podman's ns:PATH): whose it is cannot be told, and ns:/proc/1/ns/… is the host's (fail closed)"

// dockerVolume reads "SRC:DST[:MODE]"; a SRC that is not a path is a named
// volume (nothing of the host's files).
func dockerVolume(c Client, o dockerOpt) Grant {
	parts := splitColons(o.val)
	if len(parts) >= 2 && driveLetter(parts[0]) && (parts[1] == "" || parts[1][0] == '\\' || parts[1][0] == '/') {
		// C:\Users\me:/h (Docker Desktop on Windows): the drive is
		// part of the path.
		parts = append([]string{parts[0] + ":" + parts[1]}, parts[2:]...)
	}
	src := parts[0]
	write := true
	if len(parts) >= 3 {
		for _, m := range strings.Split(parts[len(parts)-1], ",") {
			if m == "ro" || m == "readonly" {
				write = false
			}
		}
	}
	if len(parts) == 1 {
		// -v /data: an anonymous volume at /data.
		return Grant{Kind: GIsolation, Key: "anonymous volume " + src, Pos: o.pos, Why: "an anonymous volume (nothing of the host)"}
	}
	key, loud := judgePath(c, src)
	if !strings.HasPrefix(key, "/") && !strings.HasPrefix(key, "~") && !strings.HasPrefix(key, ".") && !strings.HasPrefix(key, "${") && !windowsPath(key) && loud == "" {
		return Grant{Kind: GFS, Key: "volume " + src, Write: write, Pos: o.pos, Why: "a named volume", Dest: parts[1]}
	}
	return Grant{Kind: GFS, Key: key, Write: write, Pos: o.pos, Loud: loud != "", Why: loud, Dest: parts[1]}
}

// dockerMount reads "type=bind,source=/x,target=/y[,readonly]" as the
// docker CLI does (docker/cli opts/mount.go): the value is one CSV record
// (a field may be quoted; one docker cannot split is raw), keys and the
// type are case-insensitive, the type defaults to volume, readonly is
// strconv.ParseBool; a read-only bind with bind-recursive=writable is
// writable (its submounts are). A key the reader does not know (podman's
// U, idmap, relabel…), or a volume-opt other than the local driver's type,
// o and device (device=/host/path binds a host path), is raw, and so is a
// type it does not know (podman's glob); the host path such a mount names
// is still judged, as writable (fail closed): read as one raw grant, a
// bind of / or of the engine socket with podman's U=true was not loud.
func dockerMount(c Client, o dockerOpt) []Grant {
	raw := Grant{Kind: GRaw, Key: "--mount " + o.val, Pos: o.pos}
	fields, err := csv.NewReader(strings.NewReader(o.val)).Read()
	if err != nil {
		raw.Why = "a --mount value the reader cannot split (judged widened)"
		return []Grant{raw}
	}
	m := mountFields{typ: "volume", write: true}
	for _, kv := range fields {
		m.read(kv)
	}
	if m.unknown != "" {
		raw.Why = m.unknown
		m.write = true
	}
	g, known := mountGrant(c, o, m.typ, m.src, m.dst, m.write || m.writableSubmounts)
	switch {
	case !known:
		raw.Why = strings.TrimPrefix(raw.Why+"; ", "; ") + "a mount type the reader does not know (judged widened)"
		if !hostPathLike(m.src) && !strings.Contains(m.src, "$") {
			return []Grant{raw}
		}
		// podman's glob: the widest path it may match.
		g, _ = mountGrant(c, o, "bind", globRoot(m.src), m.dst, true)
	case raw.Why == "":
		return []Grant{g}
	}
	return []Grant{raw, g}
}

// mountFields is what the fields of a --mount value say, read one by one.
type mountFields struct {
	typ, src, dst            string
	write, writableSubmounts bool
	unknown                  string // why, for the first key the reader does not know
}

func (m *mountFields) read(kv string) {
	k, v, hasValue := strings.Cut(kv, "=")
	switch strings.ToLower(k) {
	case "type":
		m.typ = strings.ToLower(v)
	case "source", "src":
		m.src = v
	case "target", "dst", "destination":
		m.dst = v
	case "readonly", "ro":
		// strconv.ParseBool, as docker; a value it refuses is read
		// as writable.
		ro, err := strconv.ParseBool(v)
		m.write = hasValue && (err != nil || !ro)
	case "volume-opt":
		ok, dev := volumeOpt(v)
		if !ok && m.unknown == "" {
			m.unknown = "a --mount volume-opt the reader does not know (" + v + "): judged widened"
		}
		if dev != "" {
			m.typ, m.src = "bind", dev
		}
	case "bind-recursive":
		// writable: the submounts of a read-only bind stay
		// read-write (docker/cli opts/mount.go ReadOnlyNonRecursive),
		// any of which may be the host's writable /run or /home.
		m.writableSubmounts = v == "writable"
	case "consistency", "bind-propagation", "bind-nonrecursive", "volume-nocopy",
		"volume-subpath", "volume-label", "tmpfs-size", "tmpfs-mode":
	default:
		if m.unknown == "" {
			m.unknown = "a --mount key the reader does not know (" + k + "): judged widened"
		}
	}
}

// mountGrant is the grant of a --mount of type typ, read into its source,
// destination and access; known is false for a type the reader does not
// know.
func mountGrant(c Client, o dockerOpt, typ, src, dst string, write bool) (g Grant, known bool) {
	if typ == "volume" && (hostPathLike(src) || strings.Contains(src, "$")) {
		typ = "bind" // not a volume name: read as the host path it names
	}
	switch typ {
	case "tmpfs":
		return Grant{Kind: GIsolation, Key: "--mount " + o.val, Pos: o.pos, Why: "a private tmpfs"}, true
	case "bind":
		key, loud := judgePath(c, src)
		return Grant{Kind: GFS, Key: key, Write: write, Pos: o.pos, Loud: loud != "", Why: loud, Dest: dst}, true
	case "volume":
		return Grant{Kind: GFS, Key: "volume " + src, Write: write, Pos: o.pos, Why: "a named volume", Dest: dst}, true
	}
	return Grant{}, false
}

// relabel is what a volume's z, Z (SELinux relabel) or U (podman: chown
// to the container's user) option does to the host path of g, read-only
// or not: the engine rewrites the host files' labels or owners.
func relabel(g Grant, o dockerOpt) []Grant {
	parts := splitColons(o.val)
	if g.Kind != GFS || strings.HasPrefix(g.Key, "volume ") || len(parts) < 3 {
		return nil
	}
	for _, m := range strings.Split(parts[len(parts)-1], ",") {
		if m == "z" || m == "Z" || m == "U" {
			return []Grant{{Kind: GSecurity, Key: "relabel " + g.Key + " :" + m, Pos: o.pos, Loud: g.Loud,
				Why: "the engine rewrites the SELinux labels (z, Z) or the owner (U) of every host file under " + g.Key + ", even read-only"}}
		}
	}
	return nil
}

// hostPathLike reports whether a volume source names a host path rather
// than a volume: absolute, home, relative with a dot, a variable, a
// Windows drive or UNC path (\\.\pipe\docker_engine).
func hostPathLike(s string) bool {
	for _, p := range []string{"/", "~", ".", "${", `\`} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return winDrive(s)
}

// winDrive reports whether s starts with a Windows drive: C:\ or C:/.
func winDrive(s string) bool {
	return len(s) >= 3 && (s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z') && s[1] == ':' && (s[2] == '\\' || s[2] == '/')
}

// volumeOpt reads one volume-opt of the local driver: type and o are
// mount(8)'s, device=PATH binds a host path (dev). Any other option is
// not known (ok false).
func volumeOpt(v string) (ok bool, dev string) {
	k, val, _ := strings.Cut(v, "=")
	switch k {
	case "type", "o":
		return true, ""
	case "device":
		return true, val
	}
	return false, ""
}

// splitColons splits a volume spec at its colons, except those inside a
// ${…} reference (${VAR:-default}).
func splitColons(s string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '$' && i+1 < len(s) && s[i+1] == '{':
			depth++
			i++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == ':' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// DockerRunGrants reads the options of a `docker run` argv (without
// "docker run"; an image and its arguments may follow) into grants, as
// an entry's are read: for comparing a launch entry with the flags a
// manifest compiles to.
func DockerRunGrants(argv []string) []Grant {
	gs, _, _ := dockerGrants(Codex, plain(argv))
	return gs
}

// BwrapGrants reads a bubblewrap argv (options, then the command) into
// grants, as an entry's are read.
func BwrapGrants(argv []string) []Grant {
	gs, _ := bwrapGrants(Codex, plain(argv))
	return gs
}

// SrtDefaults is what srt grants whatever its settings say.
func SrtDefaults() []Grant { return srtDefaults() }

func plain(argv []string) []arg {
	out := make([]arg, len(argv))
	for i, s := range argv {
		out[i] = arg{s: s}
	}
	return out
}
