package launch

import (
	"encoding/csv"
	"strconv"
	"strings"
)

// arg is one argv element with its place in the config file.
type arg struct {
	s   string
	pos Pos
}

// family is what a docker run option does to the container's reach.
type family uint8

const (
	fNeutral  family = iota // metadata, resources, lifecycle: reaches nothing more
	fVolume                 // -v SRC:DST[:MODE]
	fMount                  // --mount type=…,source=…
	fVolFrom                // --volumes-from: another container's mounts
	fRootfs                 // podman --rootfs: the image is a host directory
	fSocket                 // --use-api-socket: the engine's socket
	fDevice                 // --device, --gpus, --device-cgroup-rule
	fPriv                   // --privileged
	fCapAdd                 // --cap-add
	fCapDrop                // --cap-drop
	fSecOpt                 // --security-opt
	fLoosen                 // a flag whose value loosens confinement when set (runtime, sysctl, annotation…)
	fNS                     // --pid/--ipc/--uts/--userns/--cgroupns
	fNetwork                // --network/--net
	fPublish                // -p, -P, --expose, --link: new network paths
	fDNS                    // --add-host, --dns*: name resolution
	fEnv                    // -e/--env
	fEnvFile                // --env-file: a host file read
	fEnvHost                // podman --env-host: every host variable
	fUser                   // -u/--user
	fGroup                  // --group-add
	fReadOnly               // --read-only
	fHostFile               // --cidfile, --pidfile: a host file written
	fTmpfs                  // --tmpfs: private, nothing of the host
	fExec                   // --entrypoint: what runs
)

// dockerFlag is one option of docker run / podman run: how many values it
// takes (0 for a boolean) and its family.
type dockerFlag struct {
	n   int
	fam family
}

// dockerFlags lists every option of `docker run` (docker/cli
// cli/command/container/opts.go addFlags, run.go, create.go) and the
// podman run options that change reach. An option not listed is a raw
// change, judged widened.
var dockerFlags = map[string]dockerFlag{
	// Mounts and filesystem.
	"--volume": {1, fVolume}, "-v": {1, fVolume}, "--mount": {1, fMount}, "--volumes-from": {1, fVolFrom},
	"--tmpfs": {1, fTmpfs}, "--volume-driver": {1, fLoosen}, "--storage-opt": {1, fNeutral},
	"--read-only": {0, fReadOnly}, "--workdir": {1, fNeutral}, "-w": {1, fNeutral},
	"--rootfs": {0, fRootfs}, "--image-volume": {1, fNeutral}, "--read-only-tmpfs": {0, fNeutral},
	// The engine's socket.
	"--use-api-socket": {0, fSocket},
	// Devices.
	"--device": {1, fDevice}, "--device-cgroup-rule": {1, fDevice}, "--gpus": {1, fDevice},
	// Privilege and security.
	"--privileged": {0, fPriv}, "--cap-add": {1, fCapAdd}, "--cap-drop": {1, fCapDrop},
	"--security-opt": {1, fSecOpt}, "--runtime": {1, fLoosen}, "--isolation": {1, fLoosen},
	"--cgroup-parent": {1, fLoosen}, "--annotation": {1, fLoosen}, "--sysctl": {1, fLoosen},
	"--seccomp-policy": {1, fLoosen}, "--unmask": {1, fLoosen}, "--mask": {1, fNeutral},
	"--uidmap": {1, fLoosen}, "--gidmap": {1, fLoosen}, "--subuidname": {1, fLoosen}, "--subgidname": {1, fLoosen},
	"--preserve-fds": {1, fLoosen}, "--preserve-fd": {1, fLoosen}, "--secret": {1, fLoosen},
	"--personality": {1, fLoosen}, "--chrootdirs": {1, fNeutral}, "--systemd": {1, fNeutral},
	"--cgroups": {1, fNeutral}, "--cgroup-conf": {1, fLoosen}, "--pod": {1, fLoosen},
	// Namespaces.
	"--pid": {1, fNS}, "--ipc": {1, fNS}, "--uts": {1, fNS}, "--userns": {1, fNS}, "--cgroupns": {1, fNS},
	// Network.
	"--network": {1, fNetwork}, "--net": {1, fNetwork},
	"--publish": {1, fPublish}, "-p": {1, fPublish}, "--publish-all": {0, fPublish}, "-P": {0, fPublish},
	"--expose": {1, fPublish}, "--link": {1, fPublish},
	"--add-host": {1, fDNS}, "--dns": {1, fDNS}, "--dns-option": {1, fDNS}, "--dns-opt": {1, fDNS}, "--dns-search": {1, fDNS},
	"--ip": {1, fNeutral}, "--ip6": {1, fNeutral}, "--link-local-ip": {1, fNeutral}, "--mac-address": {1, fNeutral},
	"--network-alias": {1, fNeutral}, "--net-alias": {1, fNeutral}, "--hostname": {1, fNeutral}, "-h": {1, fNeutral},
	"--domainname": {1, fNeutral}, "--http-proxy": {0, fLoosen}, "--hosts-file": {1, fHostFile},
	// Environment and identity.
	"--env": {1, fEnv}, "-e": {1, fEnv}, "--env-file": {1, fEnvFile}, "--env-host": {0, fEnvHost},
	"--unsetenv": {1, fNeutral}, "--unsetenv-all": {0, fNeutral}, "--env-merge": {1, fEnv},
	"--user": {1, fUser}, "-u": {1, fUser}, "--group-add": {1, fGroup},
	"--passwd-entry": {1, fNeutral}, "--group-entry": {1, fNeutral}, "--umask": {1, fNeutral},
	"--tz": {1, fNeutral}, "--timezone": {1, fNeutral},
	// Kernel and resource limits.
	"--ulimit": {1, fNeutral}, "--shm-size": {1, fNeutral}, "--shm-size-systemd": {1, fNeutral},
	"--oom-kill-disable": {0, fNeutral}, "--oom-score-adj": {1, fNeutral}, "--pids-limit": {1, fNeutral},
	"--memory": {1, fNeutral}, "-m": {1, fNeutral}, "--memory-reservation": {1, fNeutral}, "--memory-swap": {1, fNeutral},
	"--memory-swappiness": {1, fNeutral}, "--kernel-memory": {1, fNeutral}, "--cpus": {1, fNeutral},
	"--cpu-shares": {1, fNeutral}, "-c": {1, fNeutral}, "--cpu-period": {1, fNeutral}, "--cpu-quota": {1, fNeutral},
	"--cpu-rt-period": {1, fNeutral}, "--cpu-rt-runtime": {1, fNeutral}, "--cpuset-cpus": {1, fNeutral},
	"--cpuset-mems": {1, fNeutral}, "--cpu-count": {1, fNeutral}, "--cpu-percent": {1, fNeutral},
	"--blkio-weight": {1, fNeutral}, "--blkio-weight-device": {1, fNeutral}, "--device-read-bps": {1, fNeutral},
	"--device-read-iops": {1, fNeutral}, "--device-write-bps": {1, fNeutral}, "--device-write-iops": {1, fNeutral},
	"--io-maxbandwidth": {1, fNeutral}, "--io-maxiops": {1, fNeutral},
	// Lifecycle, metadata, stdio.
	"--entrypoint": {1, fExec}, "--init": {0, fNeutral}, "--init-path": {1, fLoosen},
	"--cidfile": {1, fHostFile}, "--pidfile": {1, fHostFile}, "--conmon-pidfile": {1, fHostFile},
	"--log-driver": {1, fNeutral}, "--log-opt": {1, fNeutral}, "--detach": {0, fNeutral}, "-d": {0, fNeutral},
	"--interactive": {0, fNeutral}, "-i": {0, fNeutral}, "--tty": {0, fNeutral}, "-t": {0, fNeutral},
	"--attach": {1, fNeutral}, "-a": {1, fNeutral}, "--rm": {0, fNeutral}, "--platform": {1, fNeutral},
	"--pull": {1, fNeutral}, "--name": {1, fNeutral}, "--label": {1, fNeutral}, "-l": {1, fNeutral},
	"--label-file": {1, fNeutral}, "--restart": {1, fNeutral}, "--stop-signal": {1, fNeutral},
	"--stop-timeout": {1, fNeutral}, "--health-cmd": {1, fNeutral}, "--health-interval": {1, fNeutral},
	"--health-retries": {1, fNeutral}, "--health-start-period": {1, fNeutral}, "--health-start-interval": {1, fNeutral},
	"--health-timeout": {1, fNeutral}, "--no-healthcheck": {0, fNeutral}, "--detach-keys": {1, fNeutral},
	"--sig-proxy": {0, fNeutral}, "--disable-content-trust": {0, fNeutral}, "--quiet": {0, fNeutral}, "-q": {0, fNeutral},
	"--replace": {0, fNeutral}, "--requires": {1, fNeutral}, "--sdnotify": {1, fNeutral}, "--arch": {1, fNeutral},
	"--os": {1, fNeutral}, "--variant": {1, fNeutral}, "--authfile": {1, fNeutral}, "--tls-verify": {0, fNeutral},
	"--retry": {1, fNeutral}, "--retry-delay": {1, fNeutral}, "--decryption-key": {1, fNeutral},
	"--creds": {1, fNeutral}, "--cert-dir": {1, fNeutral},
}

// DockerFlags lists the options the docker reader knows, sorted; for docs
// and tests.
func DockerFlags() []string {
	out := make([]string, 0, len(dockerFlags))
	for k := range dockerFlags {
		out = append(out, k)
	}
	sortStrings(out)
	return out
}

// dockerOpt is one option read from argv.
type dockerOpt struct {
	name string
	val  string
	has  bool // a value was given (a boolean's =false, or a value flag's)
	pos  Pos
	raw  string // the text as written
}

// splitDocker reads docker run options the way pflag does: --flag=value
// and --flag value, short flags clustered (-it) and with attached values
// (-v/a:/b, -eX=1). It returns the options, the unknown ones as raw
// options (name ""), and the index of the image.
func splitDocker(argv []arg) (opts []dockerOpt, image int) {
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a.s == "--":
			return opts, i + 1
		case strings.HasPrefix(a.s, "--"):
			name, val, inline := strings.Cut(a.s, "=")
			f, ok := dockerFlags[name]
			if !ok {
				opts = append(opts, dockerOpt{raw: a.s, pos: a.pos})
				continue
			}
			o := dockerOpt{name: name, val: val, has: inline, pos: a.pos, raw: a.s}
			if f.n == 1 && !inline {
				if i+1 >= len(argv) {
					opts = append(opts, dockerOpt{raw: a.s + " (no value)", pos: a.pos})
					continue
				}
				i++
				o.val, o.has, o.raw = argv[i].s, true, a.s+" "+argv[i].s
			}
			opts = append(opts, o)
		case len(a.s) > 1 && a.s[0] == '-':
			opts = splitShort(opts, argv, &i)
		default:
			return opts, i
		}
	}
	return opts, len(argv)
}

// splitShort reads the cluster of short flags at argv[*i].
func splitShort(opts []dockerOpt, argv []arg, i *int) []dockerOpt {
	a := argv[*i]
	s := a.s[1:]
	for j := 0; j < len(s); j++ {
		name := "-" + s[j:j+1]
		f, ok := dockerFlags[name]
		if !ok {
			return append(opts, dockerOpt{raw: a.s, pos: a.pos})
		}
		if f.n == 0 {
			opts = append(opts, dockerOpt{name: name, pos: a.pos, raw: name})
			continue
		}
		val := strings.TrimPrefix(s[j+1:], "=")
		if j+1 < len(s) {
			return append(opts, dockerOpt{name: name, val: val, has: true, pos: a.pos, raw: a.s})
		}
		if *i+1 >= len(argv) {
			return append(opts, dockerOpt{raw: a.s + " (no value)", pos: a.pos})
		}
		*i++
		return append(opts, dockerOpt{name: name, val: argv[*i].s, has: true, pos: a.pos, raw: a.s + " " + argv[*i].s})
	}
	return opts
}

// boolOn reads a boolean option's value: on unless written =false.
func boolOn(o dockerOpt) (on, ok bool) {
	if !o.has {
		return true, true
	}
	switch strings.ToLower(o.val) {
	case "true", "1", "t":
		return true, true
	case "false", "0", "f":
		return false, true
	}
	return false, false
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
			gs = append(gs, Grant{Kind: GRaw, Key: o.raw, Pos: o.pos, Why: "an option the reader does not know (judged widened, fail closed)"})
			continue
		}
		f := dockerFlags[o.name]
		if f.n == 0 {
			on, ok := boolOn(o)
			if !ok {
				gs = append(gs, Grant{Kind: GRaw, Key: o.raw, Pos: o.pos, Why: "a boolean option with a value the reader does not know"})
				continue
			}
			if !on {
				// The last spelling wins (pflag): --read-only=false
				// after --read-only drops the protection.
				readOnly = readOnly && f.fam != fReadOnly
				continue
			}
		}
		switch f.fam {
		case fNetwork:
			networks = append(networks, o)
		case fUser:
			user, userPos = o.val, o.pos
		case fReadOnly:
			readOnly = true
		default:
			for _, g := range dockerGrant(c, f.fam, o) {
				gs = append(gs, filledIn(c, f.fam, o, g))
			}
		}
	}
	if at < len(argv) {
		image, imagePos = argv[at].s, argv[at].pos
		gs = append(gs, imageVar(c, argv, at)...)
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

// userGrant is the user the container runs as: root when none is given,
// or when the client fills it in at launch.
func userGrant(c Client, user string, at Pos) Grant {
	if u := symbolic(c, user).Unknown; len(u) > 0 {
		return Grant{Kind: GUser, Key: "root", Pos: at, Why: "--user holds " + strings.Join(u, ", ") + ", which the client fills in at launch: root included (fail closed)"}
	}
	if user == "" || user == "0" || user == "root" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root:") {
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
	if u := symbolic(c, n).Unknown; len(u) > 0 {
		g.Loud, g.Why = true, "holds "+strings.Join(u, ", ")+", which the client fills in at launch: the host's network included (fail closed)"
	}
	return g
}

// hostLoopback reports whether pasta or slirp4netns options make the
// host's loopback reachable from the container.
func hostLoopback(opts string) bool {
	return strings.Contains(opts, "allow_host_loopback=true") || strings.Contains(opts, "map-host-loopback") ||
		(strings.Contains(opts, "map-gw") && !strings.Contains(opts, "no-map-gw"))
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
		return []Grant{dockerMount(c, o)}
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
		g.Kind, g.Key, g.Why = GFS, "volumes of container "+o.val, "every mount of another container"
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
	case "seccomp:unconfined", "apparmor:unconfined", "label:disable", "systempaths:unconfined", "mask:/", "unmask:ALL":
		g.Loud, g.Why = true, "confinement turned off ("+o.val+")"
	}
	return g
}

func namespace(o dockerOpt) Grant {
	ns := strings.TrimPrefix(o.name, "--")
	switch o.val {
	case "", "private":
		return Grant{Kind: GIsolation, Key: "--" + ns + " private", Pos: o.pos, Why: "a private namespace"}
	}
	g := Grant{Kind: GNamespace, Key: ns + "=" + o.val, Pos: o.pos, Why: "shares a namespace"}
	if o.val == "host" {
		g.Loud, g.Why = true, "the host's "+ns+" namespace"
	}
	return g
}

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
// strconv.ParseBool. A key the reader does not know, or a volume-opt other
// than the local driver's type, o and device (device=/host/path binds a
// host path), is raw.
func dockerMount(c Client, o dockerOpt) Grant {
	raw := Grant{Kind: GRaw, Key: "--mount " + o.val, Pos: o.pos}
	fields, err := csv.NewReader(strings.NewReader(o.val)).Read()
	if err != nil {
		raw.Why = "a --mount value the reader cannot split (judged widened)"
		return raw
	}
	typ, src, dst := "volume", "", ""
	write := true
	for _, kv := range fields {
		k, v, hasValue := strings.Cut(kv, "=")
		switch strings.ToLower(k) {
		case "type":
			typ = strings.ToLower(v)
		case "source", "src":
			src = v
		case "target", "dst", "destination":
			dst = v
		case "readonly", "ro":
			// strconv.ParseBool, as docker; a value it refuses is read
			// as writable.
			ro, err := strconv.ParseBool(v)
			write = hasValue && (err != nil || !ro)
		case "volume-opt":
			ok, dev := volumeOpt(v)
			if !ok {
				raw.Why = "a --mount volume-opt the reader does not know (" + v + "): judged widened"
				return raw
			}
			if dev != "" {
				typ, src = "bind", dev
			}
		case "consistency", "bind-propagation", "bind-nonrecursive", "bind-recursive", "volume-nocopy",
			"volume-subpath", "volume-label", "tmpfs-size", "tmpfs-mode":
		default:
			raw.Why = "a --mount key the reader does not know (" + k + "): judged widened"
			return raw
		}
	}
	if typ == "volume" && (hostPathLike(src) || strings.Contains(src, "$")) {
		typ = "bind" // not a volume name: read as the host path it names
	}
	switch typ {
	case "tmpfs":
		return Grant{Kind: GIsolation, Key: "--mount " + o.val, Pos: o.pos, Why: "a private tmpfs"}
	case "bind":
		key, loud := judgePath(c, src)
		return Grant{Kind: GFS, Key: key, Write: write, Pos: o.pos, Loud: loud != "", Why: loud, Dest: dst}
	case "volume":
		return Grant{Kind: GFS, Key: "volume " + src, Write: write, Pos: o.pos, Why: "a named volume", Dest: dst}
	}
	raw.Why = "a mount type the reader does not know (judged widened)"
	return raw
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
