package diff

import (
	"path"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/sandbox"
)

// Change kinds (the sandbox aspects, and the kinds only the policy has).
// A change of kind isolation is isolation the sandbox applies: losing one
// is a widening, gaining one a narrowing.
const (
	kFS      = Kind(sandbox.AspectFS)
	kNet     = Kind(sandbox.AspectNet)
	kEnv     = Kind(sandbox.AspectEnv)
	kDev     = Kind(sandbox.AspectDev)
	kDevice  = Kind(sandbox.AspectDevice)
	kNS      = Kind(sandbox.AspectNamespace)
	kProc    = Kind(sandbox.AspectProc)
	kTmpfs   = Kind(sandbox.AspectTmpfs)
	kNetwork = Kind(sandbox.AspectNetwork)
	kCap     = Kind(sandbox.AspectCap)
	kSec     = Kind(sandbox.AspectSecurity)
	kIso     = Kind(sandbox.AspectIsolation)
	kRaw     = Kind(sandbox.AspectUnknown)
)

// item is a grant as loudItem judges it: its kind, key (a path, a
// capability, a device) and whether it writes.
type item struct {
	kind  Kind
	key   string
	write bool
}

// cleanPath cleans an absolute host path the way the kernel resolves it
// lexically: "/srv/ws/../secret" is "/srv/secret".
func cleanPath(p string) string {
	if p == "" {
		return p
	}
	return path.Clean(p)
}

var severities = map[sandbox.Severity]Severity{sandbox.Widened: Widened, sandbox.Narrowed: Narrowed, sandbox.Changed: Changed}

// change turns a delta between two sandboxes into a Change: the
// capability string behind it (bs for the base side, hs for the head),
// and, for a widening, whether it is loud.
func change(d sandbox.Delta, bs, hs *sources) Change {
	c := Change{Severity: severities[d.Severity], Kind: Kind(d.Aspect), Before: d.Before, After: d.After, Why: d.Why}
	side, s := SideHead, hs
	if d.Ref.Side == sandbox.Base {
		side, s = SideBase, bs
	}
	var srcs []compiler.CapString
	key := d.Ref.Key
	switch d.Aspect {
	case sandbox.AspectFS:
		srcs = fsChange(&c, d, s)
		if sh := d.Ref.Shadow; sh != "" && hs.fs(sh).srcs == nil && bs.fs(sh).srcs != nil {
			// The base's shadowing grant is gone from the head: that
			// removal is what the reviewer looks for.
			side, srcs = SideBase, bs.fs(sh).srcs
		}
	case sandbox.AspectNet:
		switch {
		case d.Ref.Key != "" && d.Ref.ProductPort:
			srcs = s.port(d.Ref.Key)
		case d.Ref.Key != "":
			srcs = s.host(sandbox.HostKey(d.Ref.Key))
		default:
			srcs = s.net(d.Ref.Rule.Host, d.Ref.Rule.Port)
			key = d.Ref.Rule.Host // judged by loudHost
		}
	case sandbox.AspectIsolation:
		srcs = hs.nested
	case sandbox.AspectNetwork:
		srcs = firstNet(hs)
	case sandbox.AspectDev, sandbox.AspectProc:
		if side == SideHead {
			srcs = hs.nested
		}
	default:
		if side == SideHead {
			srcs = hs.env(key)
		}
	}
	if c.Severity == Widened && d.Aspect != sandbox.AspectFS {
		if why := loudItem(item{kind: c.Kind, key: key}); why != "" {
			c.Loud, c.Why = true, "HOST CONTROL: "+why+" — "+c.Why
		}
	}
	return at(c, side, srcs)
}

// fsChange adds to a fs change how the mount behind it was emitted and
// declared, marks it loud when the declaration holds a socket the mount
// hands over, and returns the capability strings behind the mount.
func fsChange(c *Change, d sandbox.Delta, s *sources) []compiler.CapString {
	x := s.fs(d.Ref.Source)
	if c.Severity != Widened {
		return x.srcs
	}
	var extra []string
	if d.Ref.Raw != "" {
		extra = append(extra, "emitted as "+d.Ref.Raw)
	}
	if x.declared != "" {
		extra = append(extra, x.declared)
	}
	if len(extra) > 0 {
		c.Why += " (" + strings.Join(extra, "; ") + ")"
	}
	write := d.Ref.Access >= sandbox.Write
	why := loudItem(item{kind: kFS, key: d.Ref.Path, write: write})
	if why == "" && d.Ref.Source != d.Ref.Path {
		why = loudItem(item{kind: kFS, key: d.Ref.Source, write: write})
	}
	if why == "" && x.path != "" && under(x.path, d.Ref.Source) {
		// fs:read:/srv/s/docker.sock mounts /srv/s, socket and all.
		why = loudPath(x.path, write)
	}
	if why != "" {
		c.Loud, c.Why = true, "HOST CONTROL: "+why+" — "+c.Why
	}
	return x.srcs
}

// firstNet is the first net capability of the head, by position.
func firstNet(hs *sources) []compiler.CapString {
	var first []compiler.CapString
	hs.indexNet()
	for _, n := range hs.netm {
		if len(n) > 0 && (first == nil || n[0].Pos.Offset < first[0].Pos.Offset) {
			first = n
		}
	}
	return first
}

func at(c Change, side Side, srcs []compiler.CapString) Change {
	c.Side = side
	if len(srcs) > 0 {
		c.Line, c.Col = srcs[0].Pos.Line, srcs[0].Pos.Col
	}
	return c
}
