package sandbox

// Severity says which way a Delta goes.
type Severity int

// Severities.
const (
	// Widened: the head lets the process do something the base did not.
	Widened Severity = iota + 1
	// Narrowed: the head no longer lets it do something.
	Narrowed
	// Changed: different, but neither wider nor narrower (a private
	// tmpfs added or removed).
	Changed
)

// String returns "widened", "narrowed" or "changed".
func (s Severity) String() string {
	switch s {
	case Widened:
		return "widened"
	case Narrowed:
		return "narrowed"
	case Changed:
		return "changed"
	}
	return "unknown"
}

// Aspect names what a Delta is about. The values are the change kinds
// package diff reports.
type Aspect string

// Aspects.
const (
	AspectFS        Aspect = "fs"           // a host path read or written
	AspectNet       Aspect = "net"          // an egress destination
	AspectEnv       Aspect = "env"          // a variable reaching the process
	AspectCap       Aspect = "cap"          // a capability, --privileged
	AspectDevice    Aspect = "device"       // a host device
	AspectNamespace Aspect = "namespace"    // a host namespace shared
	AspectSecurity  Aspect = "security-opt" // a weakened security option
	AspectDev       Aspect = "dev"          // a fresh /dev mounted
	AspectProc      Aspect = "proc"         // a procfs mounted
	AspectTmpfs     Aspect = "tmpfs"        // a private tmpfs
	AspectNetwork   Aspect = "network"      // the network joined
	AspectIsolation Aspect = "isolation"    // isolation applied
	AspectUser      Aspect = "user"         // the user the process runs as
	AspectUnknown   Aspect = "argv"         // a part no reader recognises
	AspectConfined  Aspect = "confined"     // no sandbox at all
)

// Side is the side of a comparison.
type Side int

// Sides.
const (
	Base Side = iota + 1
	Head
)

// String returns "base" or "head".
func (s Side) String() string {
	if s == Base {
		return "base"
	}
	return "head"
}

// Delta is one difference between two sandboxes.
type Delta struct {
	Severity Severity
	Aspect   Aspect
	// Before and After describe the side's state ("rw /srv/app",
	// "api.example.com:443"); either may be empty.
	Before, After string
	// Why is the reason a reviewer reads, e.g. "read-only
	// /srv/app/secret no longer shadows the writable /srv/app".
	Why string
	// Ref says what caused the delta, for the caller to attribute it to
	// a declaration.
	Ref Ref
}

// Ref points at what caused a Delta on one side.
type Ref struct {
	// Side is the sandbox whose part caused the delta: the head for a
	// widening, the base for a narrowing, as a rule.
	Side Side
	// Source is, for AspectFS, the host path of the mount on Side
	// responsible (the bind that now shows Path, or the one that no
	// longer does); Raw its text as written when that differs.
	Source, Raw string
	// Path is, for AspectFS, the host path at which the access changes.
	Path string
	// Access is, for AspectFS, the access at Path on Side.
	Access Access
	// Rule is, for AspectNet, the egress rule compared.
	Rule Rule
	// Key is the value compared for the other aspects: a variable's
	// name, a capability, a product host ("host") or port ("port")
	// with ProductPort telling which.
	Key string
	// ProductPort is set when Key is a port of a host × port product.
	ProductPort bool
	// Shadow is, for a widened AspectFS delta, the source of the base's
	// mount that no longer shadows Path (a read-only child dropped or
	// hidden), "" otherwise: the caller may attribute the delta to it.
	Shadow string
}
