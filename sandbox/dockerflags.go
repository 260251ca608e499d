package sandbox

import (
	"maps"
	"slices"
	"strings"
)

// DockerFamily is what a docker run or podman run option does to the
// container's reach; the one table of options (DockerFlags) gives each
// option its family.
type DockerFamily uint8

// Families of docker run options.
const (
	DockerNeutral     DockerFamily = iota // metadata, resources, lifecycle: reaches nothing more
	DockerVolume                          // -v SRC:DST[:MODE]
	DockerMount                           // --mount type=…,source=…
	DockerVolumesFrom                     // --volumes-from: another container's mounts
	DockerRootfs                          // podman --rootfs: the image is a host directory
	DockerSocket                          // --use-api-socket: the engine's socket
	DockerDevice                          // --device, --gpus, --device-cgroup-rule
	DockerPrivileged                      // --privileged
	DockerCapAdd                          // --cap-add
	DockerCapDrop                         // --cap-drop
	DockerSecurityOpt                     // --security-opt
	DockerLoosen                          // a flag whose value loosens confinement when set (runtime, sysctl, annotation…)
	DockerNamespace                       // --pid/--ipc/--uts/--userns/--cgroupns
	DockerNetwork                         // --network/--net
	DockerPublish                         // -p, -P, --expose, --link: new network paths
	DockerDNS                             // --add-host, --dns*: name resolution
	DockerEnv                             // -e/--env
	DockerEnvFile                         // --env-file: a host file read
	DockerEnvHost                         // podman --env-host: every host variable
	DockerUser                            // -u/--user
	DockerGroup                           // --group-add
	DockerReadOnly                        // --read-only
	DockerHostFile                        // --cidfile, --pidfile: a host file written
	DockerTmpfs                           // --tmpfs: private, nothing of the host
	DockerExec                            // --entrypoint: what runs
)

// dockerFlag is one option of docker run / podman run: how many values it
// takes (0 for a boolean) and its family.
type dockerFlag struct {
	n   int
	fam DockerFamily
}

// dockerTable lists every option of `docker run` (docker/cli
// cli/command/container/opts.go addFlags, run.go, create.go) and the
// podman run options that change reach. An option not listed is a raw
// change, judged widened.
var dockerTable = map[string]dockerFlag{
	// Mounts and filesystem.
	"--volume": {1, DockerVolume}, "-v": {1, DockerVolume}, "--mount": {1, DockerMount}, "--volumes-from": {1, DockerVolumesFrom},
	"--tmpfs": {1, DockerTmpfs}, "--volume-driver": {1, DockerLoosen}, "--storage-opt": {1, DockerNeutral},
	"--read-only": {0, DockerReadOnly}, "--workdir": {1, DockerNeutral}, "-w": {1, DockerNeutral},
	"--rootfs": {0, DockerRootfs}, "--image-volume": {1, DockerNeutral}, "--read-only-tmpfs": {0, DockerNeutral},
	// The engine's socket.
	"--use-api-socket": {0, DockerSocket},
	// Devices.
	"--device": {1, DockerDevice}, "--device-cgroup-rule": {1, DockerDevice}, "--gpus": {1, DockerDevice},
	// Privilege and security.
	"--privileged": {0, DockerPrivileged}, "--cap-add": {1, DockerCapAdd}, "--cap-drop": {1, DockerCapDrop},
	"--security-opt": {1, DockerSecurityOpt}, "--runtime": {1, DockerLoosen}, "--isolation": {1, DockerLoosen},
	"--cgroup-parent": {1, DockerLoosen}, "--annotation": {1, DockerLoosen}, "--sysctl": {1, DockerLoosen},
	"--seccomp-policy": {1, DockerLoosen}, "--unmask": {1, DockerLoosen}, "--mask": {1, DockerNeutral},
	"--uidmap": {1, DockerLoosen}, "--gidmap": {1, DockerLoosen}, "--subuidname": {1, DockerLoosen}, "--subgidname": {1, DockerLoosen},
	"--preserve-fds": {1, DockerLoosen}, "--preserve-fd": {1, DockerLoosen}, "--secret": {1, DockerLoosen},
	"--personality": {1, DockerLoosen}, "--chrootdirs": {1, DockerNeutral}, "--systemd": {1, DockerNeutral},
	"--cgroups": {1, DockerNeutral}, "--cgroup-conf": {1, DockerLoosen}, "--pod": {1, DockerLoosen},
	// Namespaces.
	"--pid": {1, DockerNamespace}, "--ipc": {1, DockerNamespace}, "--uts": {1, DockerNamespace}, "--userns": {1, DockerNamespace}, "--cgroupns": {1, DockerNamespace},
	// Network.
	"--network": {1, DockerNetwork}, "--net": {1, DockerNetwork},
	"--publish": {1, DockerPublish}, "-p": {1, DockerPublish}, "--publish-all": {0, DockerPublish}, "-P": {0, DockerPublish},
	"--expose": {1, DockerPublish}, "--link": {1, DockerPublish},
	"--add-host": {1, DockerDNS}, "--dns": {1, DockerDNS}, "--dns-option": {1, DockerDNS}, "--dns-opt": {1, DockerDNS}, "--dns-search": {1, DockerDNS},
	"--ip": {1, DockerNeutral}, "--ip6": {1, DockerNeutral}, "--link-local-ip": {1, DockerNeutral}, "--mac-address": {1, DockerNeutral},
	"--network-alias": {1, DockerNeutral}, "--net-alias": {1, DockerNeutral}, "--hostname": {1, DockerNeutral}, "-h": {1, DockerNeutral},
	"--domainname": {1, DockerNeutral}, "--http-proxy": {0, DockerLoosen}, "--hosts-file": {1, DockerHostFile},
	// Environment and identity.
	"--env": {1, DockerEnv}, "-e": {1, DockerEnv}, "--env-file": {1, DockerEnvFile}, "--env-host": {0, DockerEnvHost},
	"--unsetenv": {1, DockerNeutral}, "--unsetenv-all": {0, DockerNeutral}, "--env-merge": {1, DockerEnv},
	"--user": {1, DockerUser}, "-u": {1, DockerUser}, "--group-add": {1, DockerGroup},
	"--passwd-entry": {1, DockerNeutral}, "--group-entry": {1, DockerNeutral}, "--umask": {1, DockerNeutral},
	"--tz": {1, DockerNeutral}, "--timezone": {1, DockerNeutral},
	// Kernel and resource limits.
	"--ulimit": {1, DockerNeutral}, "--shm-size": {1, DockerNeutral}, "--shm-size-systemd": {1, DockerNeutral},
	"--oom-kill-disable": {0, DockerNeutral}, "--oom-score-adj": {1, DockerNeutral}, "--pids-limit": {1, DockerNeutral},
	"--memory": {1, DockerNeutral}, "-m": {1, DockerNeutral}, "--memory-reservation": {1, DockerNeutral}, "--memory-swap": {1, DockerNeutral},
	"--memory-swappiness": {1, DockerNeutral}, "--kernel-memory": {1, DockerNeutral}, "--cpus": {1, DockerNeutral},
	"--cpu-shares": {1, DockerNeutral}, "-c": {1, DockerNeutral}, "--cpu-period": {1, DockerNeutral}, "--cpu-quota": {1, DockerNeutral},
	"--cpu-rt-period": {1, DockerNeutral}, "--cpu-rt-runtime": {1, DockerNeutral}, "--cpuset-cpus": {1, DockerNeutral},
	"--cpuset-mems": {1, DockerNeutral}, "--cpu-count": {1, DockerNeutral}, "--cpu-percent": {1, DockerNeutral},
	"--blkio-weight": {1, DockerNeutral}, "--blkio-weight-device": {1, DockerNeutral}, "--device-read-bps": {1, DockerNeutral},
	"--device-read-iops": {1, DockerNeutral}, "--device-write-bps": {1, DockerNeutral}, "--device-write-iops": {1, DockerNeutral},
	"--io-maxbandwidth": {1, DockerNeutral}, "--io-maxiops": {1, DockerNeutral},
	// Lifecycle, metadata, stdio.
	"--entrypoint": {1, DockerExec}, "--init": {0, DockerNeutral}, "--init-path": {1, DockerLoosen},
	"--cidfile": {1, DockerHostFile}, "--pidfile": {1, DockerHostFile}, "--conmon-pidfile": {1, DockerHostFile},
	"--log-driver": {1, DockerNeutral}, "--log-opt": {1, DockerNeutral}, "--detach": {0, DockerNeutral}, "-d": {0, DockerNeutral},
	"--interactive": {0, DockerNeutral}, "-i": {0, DockerNeutral}, "--tty": {0, DockerNeutral}, "-t": {0, DockerNeutral},
	"--attach": {1, DockerNeutral}, "-a": {1, DockerNeutral}, "--rm": {0, DockerNeutral}, "--platform": {1, DockerNeutral},
	"--pull": {1, DockerNeutral}, "--name": {1, DockerNeutral}, "--label": {1, DockerNeutral}, "-l": {1, DockerNeutral},
	"--label-file": {1, DockerNeutral}, "--restart": {1, DockerNeutral}, "--stop-signal": {1, DockerNeutral},
	"--stop-timeout": {1, DockerNeutral}, "--health-cmd": {1, DockerNeutral}, "--health-interval": {1, DockerNeutral},
	"--health-retries": {1, DockerNeutral}, "--health-start-period": {1, DockerNeutral}, "--health-start-interval": {1, DockerNeutral},
	"--health-timeout": {1, DockerNeutral}, "--no-healthcheck": {0, DockerNeutral}, "--detach-keys": {1, DockerNeutral},
	"--sig-proxy": {0, DockerNeutral}, "--disable-content-trust": {0, DockerNeutral}, "--quiet": {0, DockerNeutral}, "-q": {0, DockerNeutral},
	"--replace": {0, DockerNeutral}, "--requires": {1, DockerNeutral}, "--sdnotify": {1, DockerNeutral}, "--arch": {1, DockerNeutral},
	"--os": {1, DockerNeutral}, "--variant": {1, DockerNeutral}, "--authfile": {1, DockerNeutral}, "--tls-verify": {0, DockerNeutral},
	"--retry": {1, DockerNeutral}, "--retry-delay": {1, DockerNeutral}, "--decryption-key": {1, DockerNeutral},
	"--creds": {1, DockerNeutral}, "--cert-dir": {1, DockerNeutral},
	// podman run options of 4.3 (podman run --help) and 5.x (docs.podman.io,
	// podman commit e40738b: the health log's destination is a host
	// directory, or local or events_logger).
	"--timeout": {1, DockerNeutral}, "--rmi": {0, DockerNeutral}, "--passwd": {0, DockerNeutral}, "--no-hosts": {0, DockerNeutral},
	"--hostuser": {1, DockerNeutral}, "--pod-id-file": {1, DockerLoosen}, "--health-on-failure": {1, DockerNeutral},
	"--health-log-destination": {1, DockerHostFile}, "--health-max-log-count": {1, DockerNeutral}, "--health-max-log-size": {1, DockerNeutral},
	"--health-startup-cmd": {1, DockerNeutral}, "--health-startup-interval": {1, DockerNeutral}, "--health-startup-retries": {1, DockerNeutral},
	"--health-startup-success": {1, DockerNeutral}, "--health-startup-timeout": {1, DockerNeutral}, "--rdt-class": {1, DockerNeutral},
}

// DockerFlags lists the options of docker run and podman run the one
// docker reader knows, sorted; for docs and tests.
func DockerFlags() []string {
	return slices.Sorted(maps.Keys(dockerTable))
}

// DockerOption is one option of a docker run or podman run argv as
// SplitDocker reads it.
type DockerOption struct {
	// Flag is the option's name ("--volume", "-v"), "" for one the
	// table does not know or one whose value is missing.
	Flag   string
	Family DockerFamily
	// Bool is set for an option that takes no value.
	Bool bool
	// Value is the option's value; HasValue is set when one was given
	// (a value option's, or a boolean's "=false").
	Value    string
	HasValue bool
	// Raw is the option as written ("-v /a:/b", "--rm=false").
	Raw string
	// Arg is the index in argv of the argument the option starts at.
	Arg int
}

// On reads a boolean option's value: on unless written =false; ok is
// false for a value that is not a boolean.
func (o DockerOption) On() (on, ok bool) {
	if !o.HasValue {
		return true, true
	}
	switch strings.ToLower(o.Value) {
	case "true", "1", "t":
		return true, true
	case "false", "0", "f":
		return false, true
	}
	return false, false
}

// SplitDocker reads docker run options (the argv after "run") the way
// pflag does: --flag=value and --flag value, short flags clustered (-it)
// and with attached values (-v/a:/b, -eX=1), with the table of every
// docker run and podman run option. It returns the options, those the
// table does not know (or cut short) with Flag "", and the index of the
// image (len(argv) when there is none).
func SplitDocker(argv []string) (opts []DockerOption, image int) {
	return splitDocker(argv, true)
}

// splitDocker is SplitDocker; without raw, a known option's Raw is left
// empty for a value given as the next argument (ParseDocker shows the Raw
// of unknown options only, whose Raw is always set).
func splitDocker(argv []string, raw bool) (opts []DockerOption, image int) {
	opts = make([]DockerOption, 0, len(argv)/2+1)
	image = splitDockerEach(argv, raw, func(o DockerOption) { opts = append(opts, o) })
	return opts, image
}

// splitDockerEach is splitDocker handing each option to each as it is
// read, instead of listing them.
func splitDockerEach(argv []string, raw bool, each func(DockerOption)) (image int) {
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--":
			return i + 1
		case strings.HasPrefix(a, "--"):
			each(splitLong(argv, &i, raw))
		case len(a) > 1 && a[0] == '-':
			splitShort(argv, &i, raw, each)
		default:
			return i
		}
	}
	return len(argv)
}

// splitLong reads the long option at argv[*i]; raw says whether to build
// the Raw of a known option whose value is the next argument.
func splitLong(argv []string, i *int, raw bool) DockerOption {
	a, at := argv[*i], *i
	name, val, inline := strings.Cut(a, "=")
	f, ok := dockerTable[name]
	if !ok {
		return DockerOption{Raw: a, Arg: at}
	}
	o := DockerOption{Flag: name, Family: f.fam, Bool: f.n == 0, Value: val, HasValue: inline, Raw: a, Arg: at}
	if f.n == 1 && !inline {
		if *i+1 >= len(argv) {
			return DockerOption{Raw: a + " (no value)", Arg: at}
		}
		*i++
		o.Value, o.HasValue, o.Raw = argv[*i], true, ""
		if raw {
			o.Raw = a + " " + argv[*i]
		}
	}
	return o
}

// splitShort reads the cluster of short flags at argv[*i] (raw as for
// splitLong), handing each to each.
func splitShort(argv []string, i *int, raw bool, each func(DockerOption)) {
	a, at := argv[*i], *i
	s := a[1:]
	for j := 0; j < len(s); j++ {
		name := "-" + s[j:j+1]
		f, ok := dockerTable[name]
		if !ok {
			each(DockerOption{Raw: a, Arg: at})
			return
		}
		o := DockerOption{Flag: name, Family: f.fam, Bool: f.n == 0, Raw: name, Arg: at}
		if f.n == 0 {
			each(o)
			continue
		}
		if j+1 < len(s) {
			o.Value, o.HasValue, o.Raw = strings.TrimPrefix(s[j+1:], "="), true, a
			each(o)
			return
		}
		if *i+1 >= len(argv) {
			each(DockerOption{Raw: a + " (no value)", Arg: at})
			return
		}
		*i++
		o.Value, o.HasValue, o.Raw = argv[*i], true, ""
		if raw {
			o.Raw = a + " " + argv[*i]
		}
		each(o)
		return
	}
}
