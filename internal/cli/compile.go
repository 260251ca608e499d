package cli

import (
	"errors"
	"fmt"

	"github.com/razukc/capgate-action/compiler"
)

func (c *Command) compile(args []string) int {
	fs := c.newFlags("compile")
	target := fs.String("target", "bwrap", "bwrap, docker, egress or all")
	egressTarget := fs.String("egress-target", "squid", "squid or nftables (with --target egress)")
	permissive := fs.Bool("permissive", false, "let --target egress compile a policy that holds non-net kinds")
	pretty := fs.Bool("pretty", false, "indent the JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return ExitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintln(c.Stderr, "capgate: compile takes exactly one manifest path (or - for stdin)")
		return ExitUsage
	}
	switch *target {
	case "bwrap", "docker", "egress", "all":
	default:
		fmt.Fprintf(c.Stderr, "capgate: unknown --target %q (want bwrap, docker, egress or all)\n", *target)
		return ExitUsage
	}
	if *egressTarget != "squid" && *egressTarget != "nftables" {
		fmt.Fprintf(c.Stderr, "capgate: unknown --egress-target %q (want squid or nftables)\n", *egressTarget)
		return ExitUsage
	}
	name := pos[0]
	src, err := c.readManifest(name)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitRead
	}
	if name == "-" {
		name = "<stdin>"
	}
	r, err := compiler.Prepare(src)
	if err != nil {
		return c.compileError(name, err)
	}
	var out []byte
	switch *target {
	case "all":
		var arts compiler.ArtifactSet
		for _, t := range compiler.Targets() {
			a, err := compiler.Lower(r, t, compiler.Options{})
			if err != nil {
				return c.compileError(name, err)
			}
			arts.Set(a)
		}
		out = compiler.AppendAllJSON(nil, arts, *pretty)
	default:
		t := *target
		if t == "egress" {
			t = *egressTarget
		}
		a, err := compiler.Lower(r, t, compiler.Options{Strict: !*permissive})
		if err != nil {
			return c.compileError(name, err)
		}
		out = a.AppendJSON(nil, *pretty)
	}
	out = append(out, '\n')
	if _, err := c.Stdout.Write(out); err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitRead
	}
	return ExitOK
}

// compileError prints err as capgate does ("capgate: CODE: message") and,
// when it has a place, a second line "path:line:col: message [CODE]".
func (c *Command) compileError(name string, err error) int {
	var ce *compiler.Error
	if !errors.As(err, &ce) {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitCompile
	}
	fmt.Fprintf(c.Stderr, "capgate: %s: %s\n", ce.Code, ce.Detail())
	if ce.Pos.Line > 0 {
		fmt.Fprintln(c.Stderr, ce.Positioned(name))
	}
	if ce.Code == compiler.CodeParse {
		return ExitRead
	}
	return ExitCompile
}
