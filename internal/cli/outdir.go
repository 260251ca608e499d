package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// The drift check: compile --out-dir writes every manifest's artifacts as
// files, verify checks that those files are what the manifests compile to.

// Drift states.
const (
	DriftMissing = "missing"
	DriftStale   = "stale"
	DriftExtra   = "extra"
)

// Drift is one file of an out dir that does not match the manifests.
type Drift struct {
	// Path is slash-separated, relative to the out dir.
	Path string
	// State is DriftMissing, DriftStale or DriftExtra.
	State string
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

// artifactFile is the content of an artifact file: indented JSON, for
// reviewable diffs, and a newline.
func artifactFile(a *compiler.Artifact) []byte {
	return append(a.AppendJSON(nil, true), '\n')
}

// errCompile and errRead make expected's failures distinguishable.
var (
	errCompile = errors.New("a manifest does not compile")
	errRead    = errors.New("a manifest cannot be read")
)

// expected compiles every input to every target (the egress ones
// permissively, as --target all does) and returns the out dir's files by
// path. Each failure is reported to c.Stderr, and the error wraps errCompile
// or errRead.
func (c *Command) expected(inputs []input) (map[string][]byte, error) {
	files := map[string][]byte{}
	var failed error
	for _, in := range inputs {
		if in.err != nil {
			fmt.Fprintf(c.Stderr, "capgate: %s: %v\n", sanitize(in.name), in.err)
			failed = errors.Join(failed, errRead)
			continue
		}
		name := path.Clean(filepath.ToSlash(in.name))
		if in.name == "<stdin>" || path.IsAbs(name) || name == ".." || strings.HasPrefix(name, "../") {
			fmt.Fprintf(c.Stderr, "capgate: %s: with --out-dir, manifests must be inside the working directory\n", sanitize(in.name))
			failed = errors.Join(failed, errRead)
			continue
		}
		r, err := compiler.Compile(in.data)
		if err != nil {
			c.printCompileError(in.name, in.data, err)
			failed = errors.Join(failed, errCompile)
			continue
		}
		for _, t := range compiler.Targets() {
			p := ArtifactPath(name, t)
			if _, dup := files[p]; dup {
				fmt.Fprintf(c.Stderr, "capgate: %s: two manifests compile to %s\n", sanitize(in.name), sanitize(p))
				failed = errors.Join(failed, errRead)
				continue
			}
			files[p] = artifactFile(r.Artifacts.Get(t))
		}
	}
	return files, failed
}

// exitFor is the exit code of an error from expected.
func exitFor(err error) int {
	switch {
	case errors.Is(err, errRead):
		return ExitRead
	case errors.Is(err, errCompile):
		return ExitCompile
	}
	return ExitOK
}

// notArtifact stands for the content of a file that is not read; it
// equals no artifact, which always ends in a newline.
var notArtifact = []byte{}

// maxArtifactBytes bounds the files verify reads: an artifact is a few
// kilobytes per capability of a manifest of at most 1 MiB.
const maxArtifactBytes = 64 << 20

// existing lists the artifact files under dir, by slash-separated path
// relative to it. A missing dir is empty.
func existing(dir string) (map[string][]byte, error) {
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

// compare lists, sorted by path, each file of want that is missing or
// different in have, and each file of have not in want.
func compare(want, have map[string][]byte) []Drift {
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

// writeOutDir makes dir hold exactly the artifact files of want: it writes
// the files that are missing or stale and removes the extra ones. Files
// whose names are not artifact names are left alone.
func writeOutDir(dir string, want map[string][]byte) error {
	have, err := existing(dir)
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
	for _, d := range compare(want, have) {
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

// VerifyOutDir compiles the manifests that patterns select under root and
// compares them with the artifact files in outDir (relative to root unless
// absolute). Diagnostics of manifests that fail go to stderr; any failure
// is an error, since the check then cannot judge.
func VerifyOutDir(root, outDir string, patterns []string, stderr io.Writer) ([]Drift, error) {
	c := &Command{Stderr: stderr, Dir: root}
	inputs, err := c.discover([]string{"."}, patterns)
	if err != nil {
		return nil, err
	}
	want, err := c.expected(inputs)
	if err != nil {
		return nil, err
	}
	have, err := existing(c.path(outDir))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", outDir, unwrapPath(err))
	}
	return compare(want, have), nil
}

// wanted finds the manifests under paths ("." when none) and compiles
// them to the artifact files an out dir should hold; it returns how many
// manifests it found, and an exit code other than ExitOK (said on stderr)
// when discovery or a compilation failed.
func (c *Command) wanted(paths, patterns []string) (map[string][]byte, int, int) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	inputs, err := c.discover(paths, patterns)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return nil, 0, ExitUsage
	}
	want, err := c.expected(inputs)
	if err != nil {
		return nil, 0, exitFor(err)
	}
	return want, len(inputs), ExitOK
}

// compileOutDir is compile --out-dir.
func (c *Command) compileOutDir(dir string, paths, patterns []string) int {
	want, n, code := c.wanted(paths, patterns)
	if code != ExitOK {
		// Nothing is written when a manifest fails: a half-updated out
		// dir would pass for a complete one.
		return code
	}
	if n == 0 {
		fmt.Fprintln(c.Stderr, "capgate: no manifests found")
	}
	if err := writeOutDir(c.path(dir), want); err != nil {
		fmt.Fprintf(c.Stderr, "capgate: writing %s: %v\n", sanitize(dir), err)
		return ExitRead
	}
	return ExitOK
}

func (c *Command) verify(args []string) int {
	flags := c.newFlags("verify")
	outDir := flags.String("out-dir", "", "`directory` of compiled policies, as capgate compile --out-dir writes it")
	var patterns multiFlag
	flags.Var(&patterns, "manifests", "doublestar `pattern` of manifest paths searched for in directories (repeatable; !pattern excludes)")
	paths, err := parseInterspersed(flags, args)
	if err != nil {
		return c.flagError(flags, err)
	}
	if *outDir == "" {
		fmt.Fprintln(c.Stderr, "capgate: verify needs --out-dir")
		return ExitUsage
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	want, _, code := c.wanted(paths, patterns)
	if code != ExitOK {
		return code
	}
	if _, err := os.Stat(c.path(*outDir)); errors.Is(err, fs.ErrNotExist) {
		// Not an error: nothing was compiled yet, so every file is missing.
		fmt.Fprintf(c.Stderr, "capgate: %s does not exist: every compiled policy is missing\n", sanitize(*outDir))
	}
	have, err := existing(c.path(*outDir))
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: cannot read %s: %v\n", sanitize(*outDir), unwrapPath(err))
		return ExitRead
	}
	drift := compare(want, have)
	for _, d := range drift {
		fmt.Fprintf(c.Stdout, "%s: %s\n", d.State, sanitize(path.Join(filepath.ToSlash(*outDir), d.Path)))
	}
	if len(drift) > 0 {
		fmt.Fprintf(c.Stderr, "capgate: %d file(s) in %s do not match the manifests; run capgate compile --out-dir %s %s\n",
			len(drift), sanitize(*outDir), sanitize(*outDir), sanitize(strings.Join(paths, " ")))
		return ExitFail
	}
	return ExitOK
}
