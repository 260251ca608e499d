package compiler

import (
	"fmt"
	"strconv"
)

func lowerDocker(p *Policy, prov Provenance) *Artifact {
	a := sandboxBase(TargetDocker, p, prov)
	ms := Mounts(p)
	argv := make([]string, 0, 32)
	argv = append(argv, "--rm", "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--read-only")
	if !tmpCovered(ms) {
		argv = append(argv, "--tmpfs", "/tmp")
	}
	if len(p.Net) == 0 {
		argv = append(argv, "--network", "none")
	} else {
		a.Notes = append(a.Notes, "net: "+strconv.Itoa(len(p.Net))+" endpoint(s) declared — host MUST attach the container to a network whose egress honors egress[]; do NOT use --network host")
	}
	for _, m := range ms {
		mode := "ro"
		if m.Writable {
			mode = "rw"
		}
		argv = append(argv, "--volume", m.Path+":"+m.Path+":"+mode)
		if m.Glob {
			a.Notes = append(a.Notes, "fs: "+jsQuote(m.Declared)+" lowered to volume mount "+jsQuote(m.Path)+" — Docker mounts directories, not globs. Fine-grained glob enforcement is the server's job.")
		}
		if m.Path == "/tmp" {
			a.Notes = append(a.Notes, "fs: mounting host /tmp exposes all user tmpfiles to the container; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	if p.Clock == "tzdata" {
		argv = append(argv, "--volume", "/usr/share/zoneinfo:/usr/share/zoneinfo:ro",
			"--volume", "/etc/localtime:/etc/localtime:ro")
	}
	for _, e := range p.Exec {
		a.Notes = append(a.Notes, "exec: "+e.Name+" (must be present in the chosen image)")
	}
	for _, g := range p.IPC {
		src, session := ipcSocket(g.Name)
		switch {
		case g.Name == "x11":
			argv = append(argv, "--volume", src+":"+src+":ro")
		case src != "":
			argv = append(argv, "--volume", src+":"+src)
		case session != "":
			a.Notes = append(a.Notes, "ipc: "+session+" declared — host must mount DBUS_SESSION_BUS_ADDRESS socket")
		default:
			a.Notes = append(a.Notes, fmt.Sprintf("ipc: unrecognized endpoint %s — no mount emitted", jsQuote(g.Name)))
		}
	}
	for _, e := range a.EnvInjections {
		argv = append(argv, "--env", e)
	}
	if p.NestedSandbox {
		a.Notes = append(a.Notes, "nestedSandbox: declared — Docker default seccomp + dropped capabilities may break inner sandboxes (e.g. Chromium). Host MUST decide between (a) running the inner tool with its own sandbox disabled (insecure), (b) granting SYS_ADMIN + a tailored seccomp profile, or (c) using a microVM adapter (Firecracker) instead. capgate refuses to choose for you.")
	}
	a.Argv = argv
	return a
}
