package compiler

// TargetDocker is the Docker target: `docker run` flags.
const TargetDocker = "docker"

var _ = register(target{name: TargetDocker, shape: ShapeSandbox, core: true, order: 20,
	lower: func(l *lowering, a *Artifact) { l.docker(a, l.mounts()) }})

func (l *lowering) docker(a *Artifact, ms []Mount) {
	p, ar := l.p, l.a
	l.sandbox(a, TargetDocker)
	var noteBuf [8]string
	notes := noteBuf[:0]
	ar.add("--rm", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--read-only")
	if !tmpCovered(ms) {
		ar.add("--tmpfs", "/tmp")
	}
	if len(p.Net) == 0 {
		ar.add("--network", "none")
	} else {
		notes = append(notes, netNote(dockerNetNotes[:], len(p.Net), ar, dockerNetNote))
	}
	// The volumes of declared grants, emitted parents first (see
	// parentFirst; the engine itself mounts shallower destinations first).
	var bindBuf [16]bind
	bs := bindBuf[:0]
	for i, m := range ms {
		bs = append(bs, grantBind(l.dockerVolume(m.Path, bindMode{rw: m.Writable}), bindMode{rw: m.Writable}, grantRef{m: &ms[i]}))
		if m.Glob {
			notes = append(notes, l.globNote(m, " lowered to volume mount ",
				" — Docker mounts directories, not globs. Fine-grained glob enforcement is the server's job."))
		}
		if m.Path == "/tmp" {
			notes = append(notes, "fs: mounting host /tmp exposes all user tmpfiles to the container; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	if p.Clock == "tzdata" {
		bs = append(bs, grantBind(mkBind("/usr/share/zoneinfo", "--volume", "/usr/share/zoneinfo:/usr/share/zoneinfo:ro"), bindMode{}, grantRef{name: "clock:tzdata"}),
			grantBind(mkBind("/etc/localtime", "--volume", "/etc/localtime:/etc/localtime:ro"), bindMode{}, grantRef{name: "clock:tzdata"}))
	}
	for _, e := range p.Exec {
		notes = append(notes, ar.str("exec: ", e.Name, " (must be present in the chosen image)"))
	}
	for i, g := range p.IPC {
		src, session := ipcSocket(g.Name)
		switch {
		case g.Name == "x11":
			bs = append(bs, grantBind(mkBind(src, "--volume", "/tmp/.X11-unix:/tmp/.X11-unix:ro"), bindMode{}, grantRef{ipc: &p.IPC[i]}))
		case src != "":
			bs = append(bs, grantBind(mkBind(src, "--volume", ar.str(src, ":", src)), bindMode{rw: true}, grantRef{ipc: &p.IPC[i]}))
		case session:
			notes = append(notes, "ipc: dbus:session declared — host must mount DBUS_SESSION_BUS_ADDRESS socket")
		default:
			notes = append(notes, l.unknownIPC(g.Name))
		}
	}
	// One volume per destination: the engine refuses two (see mergeBinds).
	bs = mergeBinds(bs, true, l.dockerVolume, func(ro, dst, rw string) { notes = append(notes, l.widerNote(ro, dst, rw)) })
	emitBinds(ar, bs)
	for _, e := range a.EnvInjections {
		ar.add("--env", e)
	}
	if p.NestedSandbox {
		notes = append(notes, "nestedSandbox: declared — Docker default seccomp + dropped capabilities may break inner sandboxes (e.g. Chromium). Host MUST decide between (a) granting SYS_ADMIN + a tailored seccomp profile, or (b) using a microVM adapter (Firecracker) instead. capgate refuses to choose for you.")
	}
	a.Argv = ar.list()
	ar.add(notes...)
	a.Notes = ar.list()
}

// dockerVolume is the volume that mounts host path p at p in mode m.
func (l *lowering) dockerVolume(p string, m bindMode) bind {
	mode := ":ro"
	if m.rw {
		mode = ":rw"
	}
	return mkBind(p, "--volume", l.a.str(p, ":", p, mode))
}
