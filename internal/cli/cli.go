// Package cli is the capgate command line: compile, lint and diff. main
// packages wrap Command so that everything here runs in-process in tests.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit codes. They follow capgate's CLI: 3 when a manifest cannot be read or
// parsed, 4 for a compilation error; diff and lint use 1 for "found what
// you asked to fail on".
const (
	ExitOK      = 0
	ExitFail    = 1
	ExitUsage   = 2
	ExitRead    = 3
	ExitCompile = 4
)

// Version is set at build time with -ldflags "-X .../internal/cli.Version=...".
var Version = "dev"

// Command is one invocation of the capgate CLI.
type Command struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Dir is the working directory; "" means the process's.
	Dir string
	// Getenv reads the environment; nil means os.Getenv.
	Getenv func(string) string
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
	case "compile":
		return c.compile(args[1:])
	case "lint":
		return c.lint(args[1:])
	case "diff":
		return c.diff(args[1:])
	case "approve":
		return c.approve(args[1:])
	case "version", "--version":
		fmt.Fprintf(c.Stdout, "capgate %s (capgate grammar 0.0, conformance 0.0.4)\n", Version)
		return ExitOK
	case "help", "-h", "--help":
		c.usage(c.Stdout)
		return ExitOK
	}
	fmt.Fprintf(c.Stderr, "capgate: unknown command %q\n", args[0])
	c.usage(c.Stderr)
	return ExitUsage
}

func (c *Command) usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  capgate compile <manifest.json|-> [--target bwrap|docker|egress|all] [--egress-target squid|nftables] [--permissive] [--pretty]
  capgate lint <manifest.json>...
  capgate diff --base B --head H [--manifests PATTERN]... [--format markdown|json|sarif|text] [--fail-on widened,unenforceable,error|never] [--lock FILE]
  capgate approve --base B --head H [--lock FILE] [--reason TEXT] [--by NAME] [--expires WHEN]
  capgate version
`)
}

// newFlags makes a flag set that reports to stderr and accepts flags after
// positional arguments too.
func (c *Command) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	return fs
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
	if len(b) > limit {
		return nil, fmt.Errorf("cannot read %s: larger than %d bytes", p, limit)
	}
	return b, nil
}
