package diff

import "fmt"

// Severity is how a change moves a manifest's boundary. Its text (JSON) is
// its name; decoding refuses any other.
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

// UnmarshalText implements encoding.TextUnmarshaler: only a known severity
// is read.
func (s *Severity) UnmarshalText(b []byte) error {
	if v := Severity(b); v.Valid() {
		*s = v
		return nil
	}
	return fmt.Errorf("severity: %q is not a severity", b)
}

// Status is what happened to a manifest between the sides. Its text (JSON)
// is its name; decoding refuses any other.
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

// UnmarshalText implements encoding.TextUnmarshaler: only a known status
// is read.
func (s *Status) UnmarshalText(b []byte) error {
	if v := Status(b); v.Valid() {
		*s = v
		return nil
	}
	return fmt.Errorf("status: %q is not a manifest status", b)
}

// Side is the side of a diff a change's position is in.
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

// UnmarshalText implements encoding.TextUnmarshaler: only head or base is
// read.
func (s *Side) UnmarshalText(b []byte) error {
	if v := Side(b); v.Valid() {
		*s = v
		return nil
	}
	return fmt.Errorf("side: %q is not head or base", b)
}
