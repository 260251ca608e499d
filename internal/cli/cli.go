// Package cli is the capgate command line: compile, lint, diff, verify,
// version, completion and help. main packages wrap Command so that
// everything here runs in-process in tests.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/razukc/capgate-action/internal/version"
	"github.com/razukc/capgate-action/lint"
)

// Exit codes. They follow capgate's CLI: 3 when a manifest cannot be read or
// parsed, 4 for a compilation error; diff, lint and verify use 1 for "found
// what you asked to fail on", and lint 2 for a manifest that does not
// compile. Each command's help lists its own.
const (
	ExitOK      = 0
	ExitFail    = 1
	ExitUsage   = 2
	ExitRead    = 3
	ExitCompile = 4
)

// Version is the capgate version, as internal/version reports it. Stamp it
// with -ldflags "-X github.com/razukc/capgate-action/internal/version.version=v1.2.3".
var Version = version.String()

// Command is one invocation of the capgate CLI.
type Command struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Dir is the working directory; "" means the process's.
	Dir string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string

	flagSets map[string]*flag.FlagSet // by command, as made by newFlags
}

// Main runs the CLI with os.Args-style arguments (without the program name)
// and returns the exit code.
func (c *Command) Main(args []string) int {
	if c.Getenv == nil {
		c.Getenv = os.Getenv
	}
	if len(args) == 0 {
		c.usage(c.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "--version", "-version":
		return c.version(nil)
	case "-h", "-help", "--help":
		c.usage(c.Stdout)
		return ExitOK
	}
	if cmd := lookup(args[0]); cmd != nil {
		return c.run(cmd.name, args[1:])
	}
	fmt.Fprintf(c.Stderr, "capgate: unknown command %q\n", args[0])
	if s := lint.Suggest(args[0], commandNames()); s != "" {
		fmt.Fprintf(c.Stderr, "Did you mean %q?\n", s)
	}
	fmt.Fprintln(c.Stderr, "Run 'capgate help' for usage.")
	return ExitUsage
}

func commandNames() []string {
	var names []string
	for _, cmd := range commands {
		names = append(names, cmd.name)
	}
	return names
}

// version is `capgate version`.
func (c *Command) version(args []string) int {
	fs := c.newFlags("version")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return c.flagError(fs, err)
	}
	if len(pos) > 0 {
		fmt.Fprintln(c.Stderr, "capgate: version takes no arguments")
		return ExitUsage
	}
	fmt.Fprintf(c.Stdout, "capgate %s\ngrammar %s\nconformance %s\n", version.String(), version.Grammar, version.Conformance)
	return ExitOK
}

// parseInterspersed parses flags that may come before or after positional
// arguments, as capgate's CLI allows.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (c *Command) path(p string) string {
	if c.Dir == "" || p == "-" || strings.HasPrefix(p, "/") {
		return p
	}
	return c.Dir + "/" + p
}

// readManifest reads a manifest file (or stdin for "-"), refusing anything
// larger than the compiler accepts.
func (c *Command) readManifest(p string) ([]byte, error) {
	var r io.Reader
	if p == "-" {
		r = c.Stdin
	} else {
		f, err := os.Open(c.path(p))
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("cannot read %s: %w", p, pe.Err)
			}
			return nil, err
		}
		defer f.Close()
		st, err := f.Stat()
		if err == nil && !st.Mode().IsRegular() {
			return nil, fmt.Errorf("cannot read %s: not a regular file", p)
		}
		r = f
	}
	const limit = 1 << 20
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", p, err)
	}
	// Over the limit, the first limit+1 bytes go to the compiler, which
	// refuses them with MANIFEST_TOO_LARGE at 1:1 like any other error.
	return b, nil
}
