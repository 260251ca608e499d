package diff

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
