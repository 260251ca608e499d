// Package lock reads and writes capgate.lock, the approval lock: a committed
// file that approves, per manifest path, one exact capability set by its
// capgate manifestHash. A description edit leaves the hash (and so the
// approval) alone; any edit of a capability, a tool, the name or the version
// changes it and voids the approval. The schema is documented in
// docs/lock.md.
package lock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/diag"
)

// Schema identifies version 1 of the lock file.
const Schema = "https://github.com/razukc/capgate-action/docs/lock.md#v1"

// DefaultPath is the lock's path when none is given.
const DefaultPath = "capgate.lock"

// MaxSize is the largest lock file Parse reads. The action and the CLI read
// the lock like a manifest, so their 1 MiB file limit refuses a larger one
// first.
const MaxSize = 4 << 20

// File is a lock file.
type File struct {
	Schema    string     `json:"schema"`
	Approvals []Approval `json:"approvals"`
}

// Approval approves one capability set of one manifest.
type Approval struct {
	// Path is the manifest's path, relative to the repository root (as
	// capgate diff reports it).
	Path string `json:"path"`
	// ManifestHash is the approved head's compiler.ManifestHash,
	// "sha256:<64 hex>".
	ManifestHash string `json:"manifestHash"`
	// ApprovedBy names who approved (a login or "Name <email>").
	ApprovedBy string `json:"approvedBy"`
	// Reason says why.
	Reason string `json:"reason"`
	// ApprovedAt is when, RFC 3339 in UTC.
	ApprovedAt string `json:"approvedAt"`
	// Expires, when set, is the RFC 3339 time after which the approval no
	// longer counts.
	Expires string `json:"expires,omitempty"`
}

// Code is the code of every lock file error.
const Code = "lock"

// Error is a problem in a lock file, with its position: the module's one
// diagnostic, of Code "lock".
type Error struct {
	diag.Diagnostic
}

// Error formats the problem as path:line:col: message [lock].
func (e *Error) Error() string { return e.String() }

var hashRE = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

// Parse reads a lock file; name is used in errors. Unknown fields, a wrong
// schema, a malformed hash or time, and two approvals of one path are
// errors. It decodes the file, then checks what it holds.
func Parse(name string, b []byte) (*File, error) {
	errAt := func(off int64, format string, args ...any) error {
		return &Error{diag.At(name, b, int(off), Code, fmt.Sprintf(format, args...))}
	}
	if len(b) > MaxSize {
		return nil, errAt(0, "larger than %d bytes", MaxSize)
	}
	f, err := decode(b, errAt)
	if err != nil {
		return nil, err
	}
	if f.Schema != Schema {
		return nil, errAt(0, "schema %q, want %q", f.Schema, Schema)
	}
	seen := make(map[string]bool, len(f.Approvals))
	for i, a := range f.Approvals {
		if field, value, msg := approvalProblem(a, seen); msg != "" {
			// Only now search the text, once, for the offending value
			// (after the i-th occurrence of its path): a valid lock costs
			// no searching.
			return nil, errAt(locate(b, value, i), "approvals[%d].%s: %q %s", i, field, value, msg)
		}
		seen[a.Path] = true
	}
	return f, nil
}

// errAtFunc makes the positioned error of a lock file at a byte offset.
type errAtFunc func(off int64, format string, args ...any) error

// decode reads b as one JSON value of the lock's shape, with no field it
// does not know.
func decode(b []byte, errAt errAtFunc) (*File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, decodeError(b, err, dec.InputOffset(), errAt)
	}
	if dec.More() {
		return nil, errAt(dec.InputOffset(), "more than one JSON value")
	}
	if err := checkKeys(b, errAt); err != nil {
		return nil, err
	}
	return &f, nil
}

// The lock's keys, as JSON spells them.
var (
	fileKeys     = []string{"schema", "approvals"}
	approvalKeys = []string{"path", "manifestHash", "approvedBy", "reason", "approvedAt", "expires"}
)

// checkKeys walks b, one JSON value that decoded as a File, for a key that
// is not one of the lock's as spelt or that repeats in its object:
// encoding/json matches fields in any case and keeps the last of a
// repeated key, so "PATH" beside "path" approved a path the text a code
// owner reviews does not name.
func checkKeys(b []byte, errAt errAtFunc) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	return eachKey(dec, b, "", fileKeys, errAt, func(key string) error {
		if key != "approvals" {
			return skipValue(dec)
		}
		if t, err := dec.Token(); err != nil || t != json.Delim('[') {
			return err // null
		}
		for i := 0; dec.More(); i++ {
			where := fmt.Sprintf("approvals[%d]: ", i)
			if err := eachKey(dec, b, where, approvalKeys, errAt, func(string) error { return skipValue(dec) }); err != nil {
				return err
			}
		}
		_, err := dec.Token() // ]
		return err
	})
}

// eachKey reads the object dec is at (nothing when it is null), calling
// value for each key after checking it is one of keys and new in the
// object; where prefixes the message of the error that says otherwise.
func eachKey(dec *json.Decoder, b []byte, where string, keys []string, errAt errAtFunc, value func(string) error) error {
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return err
	}
	seen := make(map[string]bool, len(keys))
	for dec.More() {
		off := int(dec.InputOffset())
		for off < len(b) && b[off] != '"' {
			off++ // the white space and comma before the key
		}
		t, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := t.(string)
		quoted, _ := json.Marshal(key)
		switch {
		case !slices.Contains(keys, key):
			return errAt(int64(off), "%sunknown field %s", where, quoted)
		case seen[key]:
			return errAt(int64(off), "%s%s given twice", where, quoted)
		}
		seen[key] = true
		if err := value(key); err != nil {
			return err
		}
	}
	_, err := dec.Token() // }
	return err
}

// skipValue reads the value dec is at, whatever its depth.
func skipValue(dec *json.Decoder) error {
	depth := 0
	for {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		switch t {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
		if depth == 0 {
			return nil
		}
	}
}

// decodeError places err, an error of decoding b that stopped at offset
// at.
func decodeError(b []byte, err error, at int64, errAt errAtFunc) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return errAt(se.Offset-1, "%v", se) // Offset is just past the bad byte
	case errors.As(err, &te):
		return errAt(te.Offset, "%s: want %s", te.Field, te.Type)
	}
	if k, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		// The decoder reports no offset for an unknown field: find the
		// key itself, so the position points at it, not at the end.
		if name, uerr := strconv.Unquote(k); uerr == nil {
			key, _ := json.Marshal(name)
			if loc := regexp.MustCompile(regexp.QuoteMeta(string(key)) + `\s*:`).FindIndex(b); loc != nil {
				return errAt(int64(loc[0]), "unknown field %s", key)
			}
		}
		return errAt(0, "unknown field %s", k)
	}
	return errAt(at, "%v", strings.TrimPrefix(err.Error(), "json: "))
}

// approvalProblem is what is wrong with a, given the paths approved
// before it: the field, its value and what is wrong with it; msg is ""
// when nothing is.
func approvalProblem(a Approval, seen map[string]bool) (field, value, msg string) {
	switch {
	case a.Path == "" || strings.HasPrefix(a.Path, "/") || strings.Contains(a.Path, "\\"):
		return "path", a.Path, "is not a relative slash path"
	case path.Clean(a.Path) != a.Path || a.Path == ".." || strings.HasPrefix(a.Path, "../"):
		// "./s/capgate.json", "s//capgate.json", "s/./capgate.json":
		// capgate never reports a path so, and it would approve nothing.
		return "path", a.Path, "is not clean: write the path relative and clean, as capgate reports it (for example \"servers/gh/capgate.json\")"
	case seen[a.Path]:
		return "path", a.Path, "is approved twice"
	case !hashRE.MatchString(a.ManifestHash):
		return "manifestHash", a.ManifestHash, "is not sha256:<64 lowercase hex>"
	case a.ApprovedAt != "" && !validTime(a.ApprovedAt):
		return "approvedAt", a.ApprovedAt, "is not an RFC 3339 time"
	case a.Expires != "" && !validTime(a.Expires):
		return "expires", a.Expires, "is not an RFC 3339 time"
	}
	return "", "", ""
}

// locate finds value in b after the "path" key of the n-th approval (a best
// effort: a value written with JSON escapes is not found, and the error
// then points at the path or the start).
func locate(b []byte, value string, n int) int64 {
	off := 0
	if i := bytes.Index(b, []byte(`"approvals"`)); i >= 0 {
		off = i
	}
	for k := 0; k <= n; k++ {
		j := bytes.Index(b[off:], []byte(`"path"`))
		if j < 0 {
			break
		}
		off += j + 1
	}
	off = max(off-1, 0)
	if j := bytes.Index(b[off:], []byte(`"`+value+`"`)); j >= 0 {
		return int64(off + j)
	}
	return int64(off)
}

func validTime(s string) bool {
	_, err := time.Parse(time.RFC3339, s)
	return err == nil
}

// New returns an empty lock.
func New() *File { return &File{Schema: Schema, Approvals: []Approval{}} }

// Encode renders the lock as indented JSON, approvals sorted by path, with a
// trailing newline: the same lock always gives the same bytes.
func (f *File) Encode() []byte {
	out := File{Schema: Schema, Approvals: append([]Approval{}, f.Approvals...)}
	sort.Slice(out.Approvals, func(i, j int) bool { return out.Approvals[i].Path < out.Approvals[j].Path })
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	_ = enc.Encode(out) // plain structs: cannot fail
	return b.Bytes()
}

// Set adds a, replacing an earlier approval of the same path.
func (f *File) Set(a Approval) { f.SetAll([]Approval{a}) }

// SetAll adds every approval of as, each replacing an earlier approval of
// the same path (later ones in as win), in time linear in both lists.
func (f *File) SetAll(as []Approval) {
	at := make(map[string]int, len(f.Approvals))
	for i, a := range f.Approvals {
		at[a.Path] = i
	}
	for _, a := range as {
		if i, ok := at[a.Path]; ok {
			f.Approvals[i] = a
			continue
		}
		at[a.Path] = len(f.Approvals)
		f.Approvals = append(f.Approvals, a)
	}
}

// Approves returns the approval of path's manifest with hash, if one holds
// at now (expired approvals do not). It looks at every approval: to check
// many manifests, use Apply, which indexes the lock once.
func (f *File) Approves(path, hash string, now time.Time) (*Approval, bool) {
	if f == nil || hash == "" {
		return nil, false
	}
	for i := range f.Approvals {
		a := &f.Approvals[i]
		if a.Path == path && a.ManifestHash == hash {
			if !a.holds(now) {
				return nil, false
			}
			return a, true
		}
	}
	return nil, false
}

// holds reports whether a is unexpired at now.
func (a *Approval) holds(now time.Time) bool {
	if a.Expires == "" {
		return true
	}
	exp, err := time.Parse(time.RFC3339, a.Expires)
	return err == nil && now.Before(exp)
}

// Apply marks the widened manifests of r whose head the lock approves and
// returns how many it marked. It indexes the approvals by path and hash
// once, so the work is linear in manifests plus approvals, not their
// product (BenchmarkApply; TestApplyMatchesApproves guards that it agrees
// with Approves).
func Apply(r *diff.Result, f *File, now time.Time) int {
	if f == nil {
		return 0
	}
	type key struct{ path, hash string }
	idx := make(map[key]*Approval, len(f.Approvals))
	for i := range f.Approvals {
		a := &f.Approvals[i]
		k := key{a.Path, a.ManifestHash}
		if _, dup := idx[k]; !dup { // the first wins, as in Approves
			idx[k] = a
		}
	}
	n := 0
	for i := range r.Manifests {
		m := &r.Manifests[i]
		if m.Error != nil || !m.Widens() || m.Hash == "" {
			continue
		}
		if a, ok := idx[key{m.Path, m.Hash}]; ok && a.holds(now) {
			m.Approved = true
			n++
		}
	}
	return n
}
