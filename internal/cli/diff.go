package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/lock"
	"github.com/razukc/capgate-action/report"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func (c *Command) diff(args []string) int {
	fs := c.newFlags("diff")
	base := fs.String("base", "", "base side: a directory or a git `revision`")
	head := fs.String("head", "", "head side: a directory or a git `revision`")
	format := fs.String("format", "text", "output `format`: markdown, json, sarif or text")
	failOn := fs.String("fail-on", diff.DefaultFailOn, "`outcomes` that exit 1: widened, unenforceable, error (comma-separated) or never")
	allowEmpty := fs.Bool("allow-empty", false, "succeed when no manifest matches on either side (otherwise exit 2)")
	targetList := fs.String("targets", strings.Join(compiler.Targets(), ","), "comma-separated `targets` to compare: any of "+strings.Join(compiler.AllTargets(), ", "))
	lockPath := fs.String("lock", "", "approval lock `file` (e.g. capgate.lock), read from the head side; widening it approves does not fail")
	var patterns, launchPats multiFlag
	fs.Var(&patterns, "manifests", "doublestar `pattern` of manifest paths (repeatable; !pattern excludes)")
	fs.Var(&launchPats, "launch", "doublestar `pattern` of launch config paths (repeatable; !pattern excludes; default .mcp.json, .vscode/mcp.json, .cursor/mcp.json, .gemini/settings.json, .codex/config.toml at any depth)")
	noLaunch := fs.Bool("no-launch", false, "read no launch configs (docs/launch/README.md)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return c.flagError(fs, err)
	}
	if len(pos) > 0 || *base == "" || *head == "" {
		fmt.Fprintln(c.Stderr, "capgate: diff needs --base and --head, and no other arguments")
		return ExitUsage
	}
	fo, err := diff.ParseFailOn(*failOn)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	// An empty item ("," or "bwrap,,srt") is an error in ParseTargets; on
	// the command line an empty value ("") is one too, where the action
	// reads an unset input as the default.
	for _, t := range strings.Split(*targetList, ",") {
		if strings.TrimSpace(t) == "" {
			fmt.Fprintf(c.Stderr, "capgate: --targets: empty target name in %q (want a comma-separated list of %s)\n", *targetList, strings.Join(compiler.AllTargets(), ", "))
			return ExitUsage
		}
	}
	targets, err := diff.ParseTargets(*targetList)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: --targets: %v\n", err)
		return ExitUsage
	}
	switch *format {
	case "markdown", "json", "sarif", "text":
	default:
		fmt.Fprintf(c.Stderr, "capgate: unknown --format %q (want markdown, json, sarif or text)\n", *format)
		return ExitUsage
	}
	r, err := diff.Run(context.Background(), diff.Options{Dir: c.Dir, Base: *base, Head: *head, Patterns: patterns, AllowEmpty: *allowEmpty, Targets: targets,
		Launch: launchPats, NoLaunch: *noLaunch})
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	if *lockPath != "" {
		dir := c.Dir
		if dir == "" {
			dir = "."
		}
		lf, err := ReadLock(context.Background(), dir, *head, *lockPath, false)
		if err != nil {
			fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
			return ExitUsage
		}
		lock.Apply(r, lf, c.now())
	}
	var out []byte
	switch *format {
	case "markdown":
		out = report.Markdown(r, report.MarkdownOptions{})
	case "json":
		out = report.JSON(r)
	case "sarif":
		out = report.SARIF(r, Version)
	default:
		out = report.PlainText(r)
	}
	if _, err := c.Stdout.Write(out); err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	if fo.Fails(r) {
		return ExitFail
	}
	return ExitOK
}
