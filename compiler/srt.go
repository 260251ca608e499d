package compiler

import "strings"

// TargetSrt is Anthropic's sandbox runtime (npm @anthropic-ai/sandbox-runtime,
// the srt command): a settings file for srt --settings. See docs/targets/srt.md.
const TargetSrt = "srt"

// SrtFilename is the file name of the srt settings file.
const SrtFilename = "capgate-srt-settings.json"

var _ = register(target{name: TargetSrt, shape: ShapeConfig, order: 70, lower: (*lowering).srt})

// srt lowers the policy to a settings file. Reads are open by default in
// srt, so read confinement is denyRead "/" with allowRead re-opening what
// bwrap would bind (allowRead wins over denyRead); writes are closed by
// default and allowWrite opens the writable mounts.
func (l *lowering) srt(a *Artifact) {
	p := l.p
	a.Target, a.Filename, a.Provenance = TargetSrt, SrtFilename, l.prov
	a.Unenforceable = []Unenforceable{}
	var notes []string
	read := append([]string(nil), bwrapSystemDirs...)
	var write []string
	for _, m := range l.mounts() {
		read = append(read, m.Path)
		if m.Writable {
			write = append(write, m.Path)
		}
		if m.Glob {
			notes = append(notes, srtGlobNote(m))
		}
		if m.Path == "/tmp" {
			notes = append(notes, "fs: allowing host /tmp exposes all user tmpfiles to the sandbox; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	if p.Clock == "tzdata" {
		read = append(read, "/usr/share/zoneinfo", "/etc/localtime")
	}
	var domains []string
	private := false
	for i := range p.Net {
		n := &p.Net[i]
		if why := srtRefuses(n); why != "" {
			a.Unenforceable = append(a.Unenforceable, Unenforceable{Rule: n.rule(), Reason: why})
			continue
		}
		domains = append(domains, hostPort(n))
		if n.Host == "localhost" {
			// srt checks the address a name resolves to and drops
			// loopback: only the literal reaches the host's loopback.
			domains = append(domains, hostPort(&NetGrant{Host: "127.0.0.1", Port: n.Port, lit: litV4}))
		}
		if strings.HasPrefix(n.Host, "*.") {
			notes = append(notes, "net: srt's "+n.Host+" matches subdomains only, not "+n.Host[2:]+" itself.")
		}
		if _, ip := n.literal(); n.BlockPrivate && !ip {
			private = true
		}
	}
	var denyAddrs []string
	if private {
		denyAddrs = append(append(denyAddrs, privateV4[:]...), privateV6[:]...)
	}
	a.Config = jsonFile(func(w *jsonw) {
		w.open('{')
		w.key("filesystem")
		w.open('{')
		w.key("denyRead")
		w.strs([]string{"/"})
		w.key("allowRead")
		w.strs(read)
		w.key("allowWrite")
		w.strs(write)
		w.key("denyWrite")
		w.strs(nil)
		w.close('}')
		w.key("network")
		w.open('{')
		w.key("allowedDomains")
		w.strs(domains)
		w.key("deniedDomains")
		w.strs(nil)
		w.key("deniedResolvedAddresses")
		w.strs(denyAddrs)
		w.key("strictAllowlist")
		w.boolean(true)
		w.close('}')
		w.key("allowNestedUserNamespaces")
		w.boolean(p.NestedSandbox)
		w.close('}')
	})
	if len(p.Net) == 0 {
		notes = append(notes, "net: no egress declared — all outbound denied (allowedDomains empty).")
	} else {
		notes = append(notes, "net: srt proxies TCP only (HTTP and SOCKS5 proxies); UDP has no path, and a client that ignores the proxy variables cannot connect.")
		notes = append(notes, "net: srt's proxy bridge sockets live in $TMPDIR (default /tmp), which denyRead \"/\" hides: start srt with TMPDIR set to a directory in allowRead, or every connection fails (empty reply).")
	}
	notes = append(notes,
		"fs: srt also makes its own scratch directory writable and write-denies shell rc files, .git/hooks, .git/config and editor settings inside allowWrite.",
		"fs: srt's own install must be readable inside the sandbox (its seccomp helper runs there); a global npm install under /usr is.")
	for _, g := range p.IPC {
		notes = append(notes, "ipc: "+g.Name+" — srt on Linux blocks creating Unix sockets and cannot allow one endpoint; the endpoint is unusable unless the host sets allowAllUnixSockets (every socket).")
	}
	if p.NestedSandbox {
		notes = append(notes, "nestedSandbox: allowNestedUserNamespaces set — srt's denyWrite and mandatory write denies do not hold against a command that creates user namespaces.")
	}
	notes = append(notes, hostNotes(p, envNames(p), "srt", "srt passes the caller's environment through, so start it with only these set (env -i NAME=… srt …)", "resolved from PATH; srt does not restrict exec beyond read access")...)
	a.Notes = notes
}

// srtRefuses returns why srt's settings schema refuses the rule's host, or
// "". srt rejects the whole file for one bad entry, so such a rule is
// left out (denied) and listed unenforceable.
func srtRefuses(n *NetGrant) string {
	h := n.Host
	if _, ip := n.literal(); ip {
		return ""
	}
	switch {
	case h == "*":
		return `srt refuses "*" in allowedDomains (too broad); the rule is left out, so the destination is denied.`
	case h == "localhost":
		// srt takes the single-label name only as written: "LOCALHOST"
		// makes it refuse the whole file (checked with srt 0.0.83).
		return ""
	}
	name := strings.TrimPrefix(h, "*.")
	labels := strings.Split(name, ".")
	ok := len(labels) >= 2
	for _, lb := range labels {
		if lb == "" {
			ok = false
		}
		for i := 0; i < len(lb); i++ {
			c := lb[i]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				ok = false
			}
		}
	}
	if !ok {
		return "srt accepts only dotted domain names, *.<domain>.<tld>, localhost and IP literals in allowedDomains; " + jsQuote(h) + " would make srt refuse the whole file, so the rule is left out (denied)."
	}
	return ""
}

// srtGlobNote says what srt makes of a glob mount: a trailing /** is
// lowered to its directory, which srt allows whole; a glob left in the path
// is a pattern srt expands in allowRead at wrap time (to what exists then)
// and skips in allowWrite. The diff reads such an entry back as its text.
func srtGlobNote(m Mount) string {
	if !strings.ContainsAny(m.Path, "*?[]") {
		return globNotePlain(m, " lowered to path ", " — srt allows the whole directory. Fine-grained glob enforcement is the server's job.")
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(m.Path, "/"), "/")
	why := " — srt expands an allowRead glob when it starts the sandbox, to the paths that exist then (one created later is not covered)"
	if strings.ContainsAny(first, "*?[]") {
		why = " — srt skips a glob whose first component holds a wildcard, so this entry allows nothing"
	}
	if m.Writable {
		why += "; allowWrite skips a glob, so no write is granted there"
	}
	return globNotePlain(m, " kept as pattern ", why+". capgate diff reads the entry back as literal text, not as the paths it matches.")
}
