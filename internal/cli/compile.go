package cli

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/lint"
)

func (c *Command) compile(args []string) int {
	fs := c.newFlags("compile")
	target := fs.String("target", "bwrap", "`target`: egress, all (capgate's four) or one of "+strings.Join(compiler.AllTargets(), ", "))
	egressTarget := fs.String("egress-target", "squid", "`target` of --target egress: squid or nftables")
	permissive := fs.Bool("permissive", false, "let --target egress compile a policy that holds non-net kinds")
	pretty := fs.Bool("pretty", false, "indent the JSON")
	image := fs.String("image", "", "image `reference` the server runs (required with --target mcp-gateway: the gateway loads no entry without one)")
	outDir := fs.String("out-dir", "", "write every manifest's artifacts, one file per manifest and target, to `directory` (see capgate verify)")
	var patterns multiFlag
	fs.Var(&patterns, "manifests", "with --out-dir: doublestar `pattern` of manifest paths searched for in directories (repeatable; !pattern excludes)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return c.flagError(fs, err)
	}
	if *outDir != "" {
		return c.compileOutDir(*outDir, pos, patterns)
	}
	if len(patterns) > 0 {
		fmt.Fprintln(c.Stderr, "capgate: --manifests works only with --out-dir")
		return ExitUsage
	}
	if len(pos) != 1 {
		fmt.Fprintln(c.Stderr, "capgate: compile takes exactly one manifest path (or - for stdin)")
		return ExitUsage
	}
	if _, ok := compiler.TargetShape(*target); !ok && *target != "egress" && *target != "all" {
		fmt.Fprintf(c.Stderr, "capgate: unknown --target %q (want egress, all or one of %s)\n", *target, strings.Join(compiler.AllTargets(), ", "))
		return ExitUsage
	}
	if *egressTarget != "squid" && *egressTarget != "nftables" {
		fmt.Fprintf(c.Stderr, "capgate: unknown --egress-target %q (want squid or nftables)\n", *egressTarget)
		return ExitUsage
	}
	if msg := imageUsage(*target, *image); msg != "" {
		fmt.Fprintln(c.Stderr, "capgate: "+msg)
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
		return c.printCompileError(name, src, err)
	}
	var out []byte
	switch *target {
	case "all":
		var arts compiler.ArtifactSet
		for _, t := range compiler.Targets() {
			a, err := compiler.Lower(r, t, compiler.Options{})
			if err != nil {
				return c.printCompileError(name, src, err)
			}
			arts.Set(a)
		}
		out = compiler.AppendAllJSON(nil, arts, *pretty)
	default:
		t := *target
		if t == "egress" {
			t = *egressTarget
		}
		a, err := compiler.Lower(r, t, compiler.Options{Strict: !*permissive, Image: *image})
		if err != nil {
			return c.printCompileError(name, src, err)
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

// imageUsage returns what is wrong with --image for target, or "": the
// mcp-gateway entry needs an image reference, and no other target takes one.
func imageUsage(target, image string) string {
	switch {
	case target == compiler.TargetMCPGateway && image == "":
		return "--target mcp-gateway needs --image REF: the gateway loads no server entry without the image it runs"
	case target != compiler.TargetMCPGateway && image != "":
		return "--image works only with --target mcp-gateway"
	case image != "" && !compiler.ValidImage(image):
		return fmt.Sprintf("--image %s is not an image reference (name[:tag][@sha256:digest], lower case)", sanitize(strconv.Quote(image)))
	}
	return ""
}

// printCompileError prints err as capgate does ("capgate: CODE: message"),
// then, when it has a place, "path:line:col: message [CODE]", then a hint
// line when explain has one. Control characters in the message are escaped,
// so that manifest text cannot span lines or drive the terminal. It returns
// the exit code: ExitRead for PARSE, else ExitCompile.
func (c *Command) printCompileError(name string, src []byte, err error) int {
	var ce *compiler.Error
	if !errors.As(err, &ce) {
		fmt.Fprintf(c.Stderr, "capgate: %s\n", sanitize(err.Error()))
		return ExitCompile
	}
	capText := ""
	if m, err := compiler.ParseManifest(src); err == nil {
		capText = lint.CapAt(m, ce.Pos())
	}
	pos, hint := explain(src, ce, capText)
	fmt.Fprintf(c.Stderr, "capgate: %s: %s\n", ce.Code, sanitize(ce.Message))
	if pos.Line > 0 {
		d := ce.Diag(sanitize(name))
		d.Place(pos)
		d.Message = sanitize(d.Message)
		fmt.Fprintln(c.Stderr, d)
	}
	if hint != "" {
		fmt.Fprintf(c.Stderr, "    hint: %s\n", sanitize(hint))
	}
	if ce.Code == compiler.CodeParse || ce.Code == compiler.CodeTooLarge {
		return ExitRead
	}
	return ExitCompile
}
