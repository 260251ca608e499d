package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/razukc/capgate-action/internal/outdir"
)

// The drift check (package outdir): compile --out-dir writes every
// manifest's artifacts as files, verify checks that those files are what
// the manifests compile to.

// errCompile and errRead make expected's failures distinguishable.
var (
	errCompile = errors.New("a manifest does not compile")
	errRead    = errors.New("a manifest cannot be read")
)

// expected compiles every input to every target (outdir.Expected) and
// returns the out dir's files by path. Each failure is reported to
// c.Stderr, and the error wraps errCompile or errRead.
func (c *Command) expected(inputs []input) (map[string][]byte, error) {
	ms := make([]outdir.Manifest, len(inputs))
	for i, in := range inputs {
		ms[i] = outdir.Manifest{Name: in.name, Data: in.data, Err: in.err}
	}
	files, failures := outdir.Expected(ms)
	var failed error
	for _, f := range failures {
		if f.Compile {
			c.printCompileError(f.Name, f.Data, f.Err)
			failed = errors.Join(failed, errCompile)
			continue
		}
		fmt.Fprintf(c.Stderr, "capgate: %s: %v\n", sanitize(f.Name), sanitize(f.Err.Error()))
		failed = errors.Join(failed, errRead)
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
	if err := outdir.Write(c.path(dir), want); err != nil {
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
	have, err := outdir.Existing(c.path(*outDir))
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: cannot read %s: %v\n", sanitize(*outDir), unwrapPath(err))
		return ExitRead
	}
	drift := outdir.Compare(want, have)
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
