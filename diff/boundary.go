package diff

import (
	"path"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// A boundary is what one target's artifact grants, read back from the
// artifact itself (argv, config text), not from the policy it was compiled
// from: a compiler change that emits a wider bind shows up even when the
// policy did not change.
//
// Each target's read-back is one reader, in its own readback_<target>.go.
type reader interface {
	// target is the compiler target name the reader reads.
	target() string
	// boundary lists the grants of a (never nil).
	boundary(a *compiler.Artifact) []item
}

// readers are the targets diff reads back, in report order.
var readers = [...]reader{bwrapReader{}, dockerReader{}, squidReader{}, nftablesReader{}}

// Item kinds. A grant of kind iso is isolation the sandbox applies: losing
// one is a widening, gaining one a narrowing.
const (
	kFS      = "fs"        // a host path bound in: key cleaned path, write
	kNet     = "net"       // an egress allow: rule
	kEnv     = "env"       // a variable passed in: key name
	kDev     = "dev"       // a fresh /dev (bwrap --dev)
	kDevice  = "device"    // a host device (docker --device)
	kNS      = "namespace" // a host namespace shared (docker --pid host)
	kProc    = "proc"      // a procfs mount
	kTmpfs   = "tmpfs"     // a private tmpfs (grants nothing of the host)
	kNetwork = "network"   // the network the sandbox joins: key name
	kCap     = "cap"       // an added capability or --privileged
	kSec     = "security-opt"
	kIso     = "isolation" // key: the flag that isolates
	kRaw     = "argv"      // anything the reader does not recognise
)

// item is one grant read back from an artifact.
type item struct {
	kind string
	key  string
	// raw is the text as emitted when it differs from key (an uncleaned
	// path, a config line).
	raw   string
	write bool
	rule  compiler.EgressRule
}

// cleanPath cleans an absolute host path the way the kernel resolves it
// lexically: "/srv/ws/../secret" is "/srv/secret". A relative path stays
// relative (cleaned) and is judged as written.
func cleanPath(p string) string {
	if p == "" {
		return p
	}
	return path.Clean(p)
}

// ancestors calls f with p and each directory above it, nearest first,
// ending with "/" for an absolute path; it stops when f returns true.
// It is O(len(p)): fs comparison looks mounts up by path this way rather
// than comparing every mount with every other.
func ancestors(p string, f func(string) bool) {
	for {
		if f(p) {
			return
		}
		if p == "/" || p == "" || p == "." {
			return
		}
		i := strings.LastIndexByte(p, '/')
		switch {
		case i < 0:
			return
		case i == 0:
			p = "/"
		default:
			p = p[:i]
		}
	}
}
