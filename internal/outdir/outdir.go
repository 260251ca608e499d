// Package outdir is the drift check's directory: compile --out-dir writes
// every manifest's artifacts as files (Write), verify and the action's
// verify-out-dir check that those files are what the manifests compile to
// (Verify).
package outdir

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/source"
)

// DriftState is how a file of an out dir differs from what the manifests
// compile to; its text is its name.
type DriftState string

// Drift states.
const (
	DriftMissing DriftState = "missing" // the manifests compile to it; the out dir lacks it
	DriftStale   DriftState = "stale"   // its bytes differ from what they compile to
	DriftExtra   DriftState = "extra"   // no manifest compiles to it
)

// Drift is one file of an out dir that does not match the manifests.
type Drift struct {
	// Path is slash-separated, relative to the out dir.
	Path string
	// State is DriftMissing, DriftStale or DriftExtra.
	State DriftState
}

// ArtifactPath is where the artifact of manifest (a slash-separated path)
// for target lives in an out dir: the manifest path without ".json", then
// ".<target>.json". servers/gh/capgate.json gives servers/gh/capgate.bwrap.json.
func ArtifactPath(manifest, target string) string {
	return strings.TrimSuffix(manifest, ".json") + "." + target + ".json"
}

// isArtifactName reports whether name is what ArtifactPath makes, so that
// other files in an out dir (a README) are left alone.
func isArtifactName(name string) bool {
	for _, t := range compiler.Targets() {
		if strings.HasSuffix(name, "."+t+".json") {
			return true
		}
	}
	return false
}

// File is the content of an artifact file: indented JSON, for
// reviewable diffs, and a newline.
func File(a *compiler.Artifact) []byte {
	return append(a.AppendJSON(nil, true), '\n')
}

// notArtifact stands for the content of a file that is not read; it
// equals no artifact, which always ends in a newline.
var notArtifact = []byte{}

// maxArtifactBytes bounds the files verify reads: an artifact is a few
// kilobytes per capability of a manifest of at most 1 MiB.
const maxArtifactBytes = 64 << 20

// Existing lists the artifact files under dir, by slash-separated path
// relative to it. A missing dir is empty.
func Existing(dir string) (map[string][]byte, error) {
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return nil, &fs.PathError{Op: "read", Path: dir, Err: errors.New("not a directory")}
	}
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if e.IsDir() || !isArtifactName(e.Name()) {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		// A symbolic link or other special file is never read (it could
		// point at /dev/zero or outside the tree): it is stale or extra.
		// So is a file far larger than any artifact.
		out[filepath.ToSlash(rel)] = notArtifact
		if !e.Type().IsRegular() {
			return nil
		}
		if st, err := e.Info(); err != nil || st.Size() > maxArtifactBytes {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	return out, err
}

// Compare lists, sorted by path, each file of want that is missing or
// different in have, and each file of have not in want.
func Compare(want, have map[string][]byte) []Drift {
	var out []Drift
	for p, b := range want {
		h, ok := have[p]
		switch {
		case !ok:
			out = append(out, Drift{p, DriftMissing})
		case !bytes.Equal(b, h):
			out = append(out, Drift{p, DriftStale})
		}
	}
	for p := range have {
		if _, ok := want[p]; !ok {
			out = append(out, Drift{p, DriftExtra})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Write makes dir hold exactly the artifact files of want: it writes
// the files that are missing or stale and removes the extra ones. Files
// whose names are not artifact names are left alone.
func Write(dir string, want map[string][]byte) error {
	have, err := Existing(dir)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	root, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return err
	}
	for _, d := range Compare(want, have) {
		p := filepath.Join(dir, filepath.FromSlash(d.Path))
		// Remove first, so that a symbolic link is replaced, never
		// written through.
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		if d.State == DriftExtra {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if real, err := filepath.EvalSymlinks(filepath.Dir(p)); err != nil || !strings.HasPrefix(real+string(filepath.Separator), root+string(filepath.Separator)) {
			return fmt.Errorf("%s: refusing to write through a symbolic link out of %s", d.Path, dir)
		}
		if err := os.WriteFile(p, want[d.Path], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Manifest is one manifest to compile into an out dir. Exactly one of
// Data and Err is set.
type Manifest struct {
	// Name is the manifest's path as the user wrote it (slash-separated,
	// relative to the working directory) or joined to the directory
	// searched.
	Name string
	Data []byte
	Err  error
}

// Failure is a manifest Expected could not turn into files.
type Failure struct {
	Manifest
	// Compile is set when the manifest was read but does not compile
	// (Err is then the *compiler.Error); otherwise it could not be read
	// or placed (outside the working directory, two manifests writing
	// one file).
	Compile bool
}

// Expected compiles every manifest to every target (the egress ones
// permissively, as --target all does) and returns the out dir's files by
// path, and what failed, in the order of ms.
func Expected(ms []Manifest) (map[string][]byte, []Failure) {
	files := map[string][]byte{}
	var failed []Failure
	for _, m := range ms {
		if m.Err != nil {
			failed = append(failed, Failure{Manifest: m})
			continue
		}
		name := path.Clean(filepath.ToSlash(m.Name))
		if m.Name == "<stdin>" || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			m.Err = errors.New("with --out-dir, manifests must be inside the working directory")
			failed = append(failed, Failure{Manifest: m})
			continue
		}
		r, err := compiler.Compile(m.Data)
		if err != nil {
			m.Err = err
			failed = append(failed, Failure{Manifest: m, Compile: true})
			continue
		}
		for _, t := range compiler.Targets() {
			p := ArtifactPath(name, t)
			if _, dup := files[p]; dup {
				m.Err = fmt.Errorf("two manifests compile to %s", p)
				failed = append(failed, Failure{Manifest: m})
				continue
			}
			files[p] = File(r.Artifacts.Get(t))
		}
	}
	return files, failed
}

// Find reads the manifests that patterns select under dir (see
// source.NewMatcher), named by their path joined to prefix.
func Find(dir, prefix string, patterns []string) ([]Manifest, error) {
	m, err := source.NewMatcher(patterns)
	if err != nil {
		return nil, err
	}
	files, err := (&source.Dir{Root: dir}).Read(context.Background(), m)
	if err != nil {
		return nil, err
	}
	ms := make([]Manifest, 0, len(files))
	for _, f := range files {
		ms = append(ms, Manifest{Name: path.Join(prefix, f.Path), Data: f.Data, Err: f.Err})
	}
	return ms, nil
}

// Verify compiles the manifests that patterns select under root and
// compares them with the artifact files in outDir (relative to root unless
// absolute). When a manifest fails, it returns the failures and no drift:
// the check then cannot judge.
func Verify(root, outDir string, patterns []string) ([]Drift, []Failure, error) {
	ms, err := Find(root, ".", patterns)
	if err != nil {
		return nil, nil, err
	}
	want, failed := Expected(ms)
	if len(failed) > 0 {
		return nil, failed, nil
	}
	dir := outDir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(root, dir)
	}
	have, err := Existing(dir)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, nil, fmt.Errorf("cannot read %s: %w", outDir, err)
	}
	return Compare(want, have), nil, nil
}
