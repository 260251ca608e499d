package diff

import (
	"encoding/json"
	"path"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// A boundary is what one target's artifact grants, read back from the
// artifact itself (argv, config text), not from the policy it was compiled
// from: a compiler change that emits a wider bind shows up even when the
// policy did not change.
//
// Each target's read-back is one reader, in its own readback_<target>.go,
// which registers it with addReader; TestEveryTargetHasReader checks that
// every compiler target has one.
type reader interface {
	// target is the compiler target name the reader reads.
	target() string
	// boundary lists the grants of a (never nil).
	boundary(a *compiler.Artifact) []item
}

// readers maps a target name to its reader; complete once the package is
// initialised.
var readers = map[string]reader{}

// addReader registers r; each readback file calls it in a package-level
// variable declaration.
func addReader(r reader) reader {
	readers[r.target()] = r
	return r
}

// readerFor returns the reader of target, or rawReader, which judges the
// whole artifact as one grant, when there is none: a target diff cannot
// read back still shows every change, loudly.
func readerFor(target string) reader {
	if r, ok := readers[target]; ok {
		return r
	}
	return rawReader{t: target}
}

// rawReader reads an artifact diff has no reader for as one raw grant.
type rawReader struct{ t string }

func (r rawReader) target() string { return r.t }

func (rawReader) boundary(a *compiler.Artifact) []item {
	if a == nil {
		return []item{}
	}
	// Every field, whatever the shape: AppendJSON would write only the
	// fields of a known shape. Provenance changes with every edit.
	c := *a
	c.Provenance = compiler.Provenance{}
	b, _ := json.Marshal(c) // a struct of strings, ints and bools: cannot fail
	return []item{{kind: kRaw, key: string(b)}}
}

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
