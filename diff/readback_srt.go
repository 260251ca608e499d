package diff

import "github.com/razukc/capgate-action/compiler"

// srtReader reads back an srt settings file: what allowRead re-opens under
// denyRead "/", what allowWrite opens, the allowed domains (blockPrivate
// when deniedResolvedAddresses covers every private range and the host is
// a name), and the isolation the file keeps: reads denied from "/",
// a strict allowlist, no nested user namespaces.
type srtReader struct{}

var _ = addReader(srtReader{})

func (srtReader) target() string { return compiler.TargetSrt }

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

func (srtReader) boundary(a *compiler.Artifact) []item {
	out := []item{}
	if a == nil {
		return out
	}
	var s srtSettings
	if bad := decodeStrict(a, &s); bad != nil {
		return bad
	}
	fs, n := s.Filesystem, s.Network
	if contains(fs.DenyRead, "/") {
		out = append(out, item{kind: kIso, key: "denyRead /"})
	}
	for _, p := range fs.AllowRead {
		out = append(out, fsItem(p, false))
	}
	for _, p := range fs.AllowWrite {
		out = append(out, fsItem(p, true))
	}
	for _, p := range fs.DenyRead {
		if p != "/" {
			out = append(out, item{kind: kIso, key: "denyRead " + p})
		}
	}
	for _, p := range fs.DenyWrite {
		out = append(out, item{kind: kIso, key: "denyWrite " + p})
	}
	private := coversPrivate(n.DeniedResolvedAddresses)
	for _, d := range n.AllowedDomains {
		h, p, ok := splitHostPort(d)
		if !ok {
			out = append(out, item{kind: kRaw, key: "allowedDomains " + d})
			continue
		}
		out = append(out, item{kind: kNet, rule: compiler.EgressRule{Host: h, Port: p, BlockPrivate: private && !isIPHost(h)}})
	}
	for _, d := range n.DeniedDomains {
		out = append(out, item{kind: kIso, key: "deniedDomains " + d})
	}
	if n.StrictAllowlist {
		out = append(out, item{kind: kIso, key: "strictAllowlist"})
	}
	if !s.AllowNestedUserNamespaces {
		out = append(out, item{kind: kIso, key: "no nested user namespaces"})
	}
	return out
}
