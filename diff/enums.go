package diff

import (
	"slices"
	"strings"
)

// Severity is how a change moves a manifest's boundary. Its text (JSON) is
// its name. A decoded report may hold any text: Valid tells (Tally and the
// action's post mode refuse an unknown one, saying where it is).
type Severity string

// Severities of a change, most important first.
const (
	Widened            Severity = "widened"
	UnenforceableAdded Severity = "unenforceable_added"
	Narrowed           Severity = "narrowed"
	Changed            Severity = "changed"
)

// Valid reports whether s is one of the severities.
func (s Severity) Valid() bool {
	switch s {
	case Widened, UnenforceableAdded, Narrowed, Changed:
		return true
	}
	return false
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s), nil }

// Status is what happened to a manifest between the sides. Its text (JSON)
// is its name; Valid tells a known one.
type Status string

// Manifest statuses.
const (
	StatusAdded     Status = "added"
	StatusRemoved   Status = "removed"
	StatusModified  Status = "modified"
	StatusUnchanged Status = "unchanged"
	StatusError     Status = "error"
)

// Valid reports whether s is one of the statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusAdded, StatusRemoved, StatusModified, StatusUnchanged, StatusError:
		return true
	}
	return false
}

// MarshalText implements encoding.TextMarshaler.
func (s Status) MarshalText() ([]byte, error) { return []byte(s), nil }

// Kind is what a change is of: a sandbox aspect (fs, net, env, cap, …),
// or a kind only the policy has (exec, ipc, clock, nestedSandbox,
// assert), or KindLaunch. Its text (JSON) is its name; Kinds lists every
// one a manifest's rows may have, and Valid tells one of them or
// KindLaunch.
type Kind string

// KindLaunch is the kind of a launch config's row about what an entry
// runs (added, removed, or run differently); its Target is the entry's
// launch kind. A launch config's other rows have the kinds of Kinds.
const KindLaunch Kind = "launch"

// Valid reports whether k is KindLaunch or one of Kinds.
func (k Kind) Valid() bool { return k == KindLaunch || slices.Contains(Kinds(), k) }

// MarshalText implements encoding.TextMarshaler.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k), nil }

// Side is the side of a diff a change's position is in; Valid tells a
// known one.
type Side string

// The sides.
const (
	SideBase Side = "base"
	SideHead Side = "head"
)

// Valid reports whether s is SideBase or SideHead.
func (s Side) Valid() bool { return s == SideBase || s == SideHead }

// MarshalText implements encoding.TextMarshaler.
func (s Side) MarshalText() ([]byte, error) { return []byte(s), nil }

// Targets is the list of targets a change shows in, as its text (JSON)
// writes it: names joined by commas ("bwrap,docker"), or "all" for every
// target compared. List and Has read it, so no consumer splits it again.
type Targets string

// AllTargets is the target list of a change every compared target shows.
const AllTargets Targets = "all"

// JoinTargets is the target list of names, in their order.
func JoinTargets(names ...string) Targets { return Targets(strings.Join(names, ",")) }

// List returns the target names of t (nil for "" and for AllTargets,
// which names none).
func (t Targets) List() []string {
	if t == "" || t == AllTargets {
		return nil
	}
	return strings.Split(string(t), ",")
}

// Has reports whether t shows target name (AllTargets shows every one).
func (t Targets) Has(name string) bool {
	return t == AllTargets || slices.Contains(t.List(), name)
}

// MarshalText implements encoding.TextMarshaler.
func (t Targets) MarshalText() ([]byte, error) { return []byte(t), nil }
