package cli

import (
	"fmt"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/lint"
)

func (c *Command) lint(args []string) int {
	fs := c.newFlags("lint")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) == 0 {
		fmt.Fprintln(c.Stderr, "capgate: lint takes one or more manifest paths")
		return ExitUsage
	}
	code := ExitOK
	for _, name := range pos {
		src, err := c.readManifest(name)
		if err != nil {
			fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
			code = max(code, ExitRead)
			continue
		}
		m, err := compiler.ParseManifest(src)
		if err != nil {
			ce := err.(*compiler.Error)
			fmt.Fprintln(c.Stdout, ce.Positioned(name))
			code = max(code, ExitRead)
			continue
		}
		for _, f := range lint.Manifest(m) {
			fmt.Fprintln(c.Stdout, f.Format(name))
			code = max(code, ExitFail)
		}
	}
	return code
}
