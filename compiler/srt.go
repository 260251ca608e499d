package compiler

import (
	"strings"
)

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
	ex := l.exposures()
	for i, m := range ex.FS {
		r, w, u, note := srtPath(&p.FS[i], m)
		read, write = append(read, r...), append(write, w...)
		a.Unenforceable = append(a.Unenforceable, u...)
		if len(w) > 0 {
			a.Unenforceable = createExcess(a.Unenforceable, &p.FS[i], "srt")
		}
		if note != "" {
			notes = append(notes, note)
		}
		if m.Clean == "/tmp" {
			notes = append(notes, "fs: allowing host /tmp exposes all user tmpfiles to the sandbox; prefer a scoped subdirectory like /tmp/<server-name>.")
		}
	}
	read = append(read, ex.Clock...)
	var domains []string
	private, ports := false, false
	for i := range p.Net {
		n := &p.Net[i]
		if why := srtRefuses(n); why != "" {
			a.Unenforceable = append(a.Unenforceable, netEntry(n, nil, why))
			continue
		}
		domains = append(domains, hostPort(n))
		ports = ports || n.Port != 0
		if n.Host == "localhost" {
			// srt matches the destination as the client sends it:
			// one that sends the address needs the literal too
			// (docs/targets/srt.md).
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
	a.Notes = append(notes, srtNotes(p, ports, len(denyAddrs) > 0)...)
	for i := range p.IPC {
		a.Unenforceable = append(a.Unenforceable, ipcEntry(&p.IPC[i], "srt on Linux blocks creating Unix sockets and cannot allow one endpoint; it is unusable unless the host sets allowAllUnixSockets (every socket)."))
	}
	a.Unenforceable = append(a.Unenforceable, hostEntries(p, "srt", "it passes the caller's environment through, so start it with only the declared variables set (env -i NAME=… srt …)", "every variable of the caller's environment", "every binary readable in the sandbox")...)
}

// srtNotes are the notes of an srt settings file: the oldest srt that
// holds it first (ports: some allowedDomains entry holds a port; denied:
// deniedResolvedAddresses is set), then what the host must provide.
func srtNotes(p *Policy, ports, denied bool) []string {
	var notes []string
	switch {
	case denied:
		notes = append(notes, "srt: needs @anthropic-ai/sandbox-runtime 0.0.76 or newer — 0.0.68 to 0.0.75 drop deniedResolvedAddresses without a word, 0.0.67 and older refuse host:port entries.")
	case ports:
		notes = append(notes, "srt: needs @anthropic-ai/sandbox-runtime 0.0.68 or newer — 0.0.67 and older refuse a host:port entry, and with it the whole file.")
	default:
		notes = append(notes, "srt: checked with @anthropic-ai/sandbox-runtime 0.0.68 to 0.0.83; older releases are not known to hold it.")
	}
	if len(p.Net) == 0 {
		notes = append(notes, "net: no egress declared — all outbound denied (allowedDomains empty).")
	} else {
		notes = append(notes, "net: srt proxies TCP only (HTTP and SOCKS5 proxies); UDP has no path, and a client that ignores the proxy variables cannot connect.")
		notes = append(notes, "net: srt's proxy bridge sockets live in $TMPDIR (default /tmp), which denyRead \"/\" hides: start srt with TMPDIR set to a directory in allowRead, or every connection fails (empty reply).")
	}
	notes = append(notes,
		"fs: srt also makes its own scratch directory writable and write-denies shell rc files, .git/hooks, .git/config and editor settings inside allowWrite.",
		"fs: srt's own install must be readable inside the sandbox (its seccomp helper runs there); a global npm install under /usr is.")
	if p.NestedSandbox {
		notes = append(notes, "nestedSandbox: allowNestedUserNamespaces set — srt's denyWrite and mandatory write denies do not hold against a command that creates user namespaces.")
	}
	return append(notes, assertNotes(p, "srt")...)
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

// srtPath returns what srt's lists hold for fs grant g (mount m): the
// path itself, file or directory; a pattern as written in allowRead, which
// srt expands when it starts (to the paths that exist then) and binds
// match by match. allowWrite skips a pattern (bwrap needs real paths), so a
// writable pattern is listed unenforceable, and so is one whose first
// component holds a wildcard (srt starts no walk at the root) and one
// ending in "/*", whose matching directories srt binds whole.
func srtPath(g *FSGrant, m Mount) (read, write []string, u []Unenforceable, note string) {
	pat, dir := m.Clean, m.Host
	switch {
	case m.HostExact:
		read = []string{dir}
		if m.Writable {
			write = read
		}
		return read, write, nil, ""
	case dir == "/":
		return nil, nil, []Unenforceable{fsEntry(g, nil, "srt skips a pattern with a wildcard in its first component (it starts no walk at the root); the grant is left out (denied).")}, ""
	}
	read = []string{pat}
	note = "fs: " + jsQuote(pat) + " kept as pattern — srt expands it when it starts the sandbox, to the paths that exist then (one created later is not covered). capgate diff reads the entry back as literal text, not as the paths it matches."
	if strings.HasSuffix(pat, "/*") {
		u = append(u, fsEntry(g, []string{pat + "/**"}, "srt binds each path the pattern matches, and a matching directory whole, with everything under it."))
	}
	if m.Writable {
		u = append(u, fsEntry(g, nil, "srt's allowWrite skips a pattern on Linux (bubblewrap binds real paths only); the write is denied, the read kept as the pattern."))
	}
	return read, nil, u, note
}
