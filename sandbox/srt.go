package sandbox

import (
	"slices"

	"github.com/razukc/capgate-action/compiler"
)

type srtSettings struct {
	Filesystem struct {
		DenyRead   []string `json:"denyRead"`
		AllowRead  []string `json:"allowRead"`
		AllowWrite []string `json:"allowWrite"`
		DenyWrite  []string `json:"denyWrite"`
	} `json:"filesystem"`
	Network struct {
		AllowedDomains          []string `json:"allowedDomains"`
		DeniedDomains           []string `json:"deniedDomains"`
		DeniedResolvedAddresses []string `json:"deniedResolvedAddresses"`
		StrictAllowlist         bool     `json:"strictAllowlist"`
	} `json:"network"`
	AllowNestedUserNamespaces bool `json:"allowNestedUserNamespaces"`
}

// ReadSrt reads an srt settings file: what allowRead re-opens under
// denyRead "/" (read-only mounts), what allowWrite opens (writable ones,
// after every read so that a write always holds: srt's lists are unions,
// not layers), the allowed domains (blockPrivate when
// deniedResolvedAddresses covers every private range and the host is a
// name), and the isolation the file keeps: reads denied from "/", other
// denials, a strict allowlist, no nested user namespaces. A file that
// does not decode strictly is Unknown.
func ReadSrt(conf []byte) *Sandbox {
	s := &Sandbox{Kind: compiler.TargetSrt, Confined: true}
	var st srtSettings
	if !decodeStrict(s, conf, &st) {
		return s
	}
	fs, n := st.Filesystem, st.Network
	if slices.Contains(fs.DenyRead, "/") {
		s.Isolation = append(s.Isolation, "denyRead /")
	}
	for i, p := range fs.AllowRead {
		s.Mounts = append(s.Mounts, bindMount(p, p, i))
	}
	for i, p := range fs.AllowWrite {
		m := bindMount(p, p, i)
		m.Write = true
		s.Mounts = append(s.Mounts, m)
	}
	for _, p := range fs.DenyRead {
		if p != "/" {
			s.Isolation = append(s.Isolation, "denyRead "+p)
		}
	}
	for _, p := range fs.DenyWrite {
		s.Isolation = append(s.Isolation, "denyWrite "+p)
	}
	private := coversPrivate(n.DeniedResolvedAddresses)
	for i, d := range n.AllowedDomains {
		h, p, ok := splitHostPort(d)
		if !ok {
			s.unknown("allowedDomains "+d, i)
			continue
		}
		s.Network.Allow = append(s.Network.Allow, Rule{Host: h, Port: p, BlockPrivate: private && !isIPHost(h)})
	}
	for _, d := range n.DeniedDomains {
		s.Isolation = append(s.Isolation, "deniedDomains "+d)
	}
	if n.StrictAllowlist {
		s.Isolation = append(s.Isolation, "strictAllowlist")
	}
	if !st.AllowNestedUserNamespaces {
		s.Isolation = append(s.Isolation, "no nested user namespaces")
	}
	return s
}
