package compiler

// TargetDocker is the Docker target: `docker run` flags.
const TargetDocker = "docker"

var _ = register(target{name: TargetDocker, shape: ShapeSandbox, core: true, order: 20,
	lower: func(l *lowering, a *Artifact) { l.docker(a, l.exposures()) }})

// dockerHead is the fixed start of every docker argv.
var dockerHead = []string{"--rm", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--read-only"}

func (l *lowering) docker(a *Artifact, ex *Exposures) {
	p, ar, ms := l.p, l.a, ex.FS
	l.sandbox(a, TargetDocker)
	var noteBuf [8]string
	notes := noteBuf[:0]
	ar.add(dockerHead...)
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
	bs := l.binds[:0]
	for i, m := range ms {
		bs = append(bs, grantBind(l.dockerVolume(m.Path, bindMode{rw: m.Writable}), grantRef{m: &ms[i]}))
		if m.Glob {
			notes = append(notes, l.globNote(m, " lowered to volume mount ",
				" — Docker mounts directories, not globs. Fine-grained glob enforcement is the server's job."))
		}
		if m.Path == "/tmp" {
			notes = append(notes, "fs: mounting host /tmp exposes all user tmpfiles to the container; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	for _, f := range ex.Clock {
		bs = append(bs, l.fixedVolume(f))
	}
	for _, e := range p.Exec {
		notes = append(notes, ar.str("exec: ", e.Name, " (must be present in the chosen image)"))
	}
	for _, s := range ex.IPC {
		switch {
		case s.Path != "" && !s.Writable:
			bs = append(bs, grantBind(l.fixedVolume(s.Path), grantRef{ipc: s.Grant}))
		case s.Path != "":
			// No mode suffix: docker's default, read-write.
			bs = append(bs, bind{dst: s.Path, vol: ar.str(s.Path, ":", s.Path), mode: bindMode{rw: true}, by: grantRef{ipc: s.Grant}})
		case s.Session:
			notes = append(notes, "ipc: dbus:session declared — host must mount DBUS_SESSION_BUS_ADDRESS socket")
		default:
			notes = append(notes, l.unknownIPC(s.Grant.Name))
		}
	}
	l.keepBinds(bs)
	// One volume per destination: the engine refuses two (see mergeBinds).
	bs = mergeBinds(bs, l.dupDest(bs), true, l.dockerVolume, func(ro, dst, rw string) { notes = append(notes, l.widerNote(ro, dst, rw)) })
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
	return bind{dst: p, vol: l.a.str(p, ":", p, mode), mode: m}
}

// fixedVolume is the read-only volume of a fixed host path (the time zone
// files, x11's socket directory), its text a constant rather than built in
// the arena.
func (l *lowering) fixedVolume(p string) bind {
	switch p {
	case tzdataFiles[0]:
		return bind{dst: p, vol: "/usr/share/zoneinfo:/usr/share/zoneinfo:ro"}
	case tzdataFiles[1]:
		return bind{dst: p, vol: "/etc/localtime:/etc/localtime:ro"}
	case x11Socket:
		return bind{dst: p, vol: "/tmp/.X11-unix:/tmp/.X11-unix:ro"}
	}
	return l.dockerVolume(p, bindMode{})
}
