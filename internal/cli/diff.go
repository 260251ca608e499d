package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/source"
	"github.com/razukc/capgate-action/lock"
	"github.com/razukc/capgate-action/report"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// FailOn is the set of outcomes that make diff exit 1.
type FailOn struct{ Widened, Unenforceable, Error bool }

// ParseFailOn reads "widened,unenforceable,error" or "never".
func ParseFailOn(s string) (FailOn, error) {
	var f FailOn
	for _, p := range strings.Split(s, ",") {
		switch strings.TrimSpace(p) {
		case "widened":
			f.Widened = true
		case "unenforceable":
			f.Unenforceable = true
		case "error":
			f.Error = true
		case "never", "":
		default:
			return f, fmt.Errorf("unknown --fail-on value %q (want widened, unenforceable, error or never)", p)
		}
	}
	return f, nil
}

// Fails reports whether r holds an outcome listed in f. Widening of a
// manifest an approval lock approves does not count.
func (f FailOn) Fails(r *diff.Result) bool {
	return (f.Widened && r.UnapprovedWidened() > 0) ||
		(f.Unenforceable && r.Counts.UnenforceableAdded > 0) ||
		(f.Error && r.Counts.Errors > 0)
}

// RunDiff opens both sides in dir and compares them.
func RunDiff(ctx context.Context, dir, base, head string, patterns []string) (*diff.Result, error) {
	m, err := source.NewMatcher(patterns)
	if err != nil {
		return nil, err
	}
	bs, err := source.Open(ctx, dir, base)
	if err != nil {
		return nil, fmt.Errorf("--base: %w", err)
	}
	hs, err := source.Open(ctx, dir, head)
	if err != nil {
		return nil, fmt.Errorf("--head: %w", err)
	}
	var opts diff.Options
	bg, ok1 := bs.(*source.Git)
	hg, ok2 := hs.(*source.Git)
	if ok1 && ok2 {
		if opts.Renames, err = source.Renames(ctx, dir, bg.Rev, hg.Rev); err != nil {
			return nil, err
		}
	}
	return diff.Run(ctx, bs, hs, m, opts)
}

func (c *Command) diff(args []string) int {
	fs := c.newFlags("diff")
	base := fs.String("base", "", "base side: a directory or a git `revision`")
	head := fs.String("head", "", "head side: a directory or a git `revision`")
	format := fs.String("format", "text", "output `format`: markdown, json, sarif or text")
	failOn := fs.String("fail-on", "error", "`outcomes` that exit 1: widened, unenforceable, error (comma-separated) or never")
	lockPath := fs.String("lock", "", "approval lock `file` (e.g. capgate.lock), read from the head side; widening it approves does not fail")
	var patterns multiFlag
	fs.Var(&patterns, "manifests", "doublestar `pattern` of manifest paths (repeatable; !pattern excludes)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return c.flagError(fs, err)
	}
	if len(pos) > 0 || *base == "" || *head == "" {
		fmt.Fprintln(c.Stderr, "capgate: diff needs --base and --head, and no other arguments")
		return ExitUsage
	}
	fo, err := ParseFailOn(*failOn)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	switch *format {
	case "markdown", "json", "sarif", "text":
	default:
		fmt.Fprintf(c.Stderr, "capgate: unknown --format %q (want markdown, json, sarif or text)\n", *format)
		return ExitUsage
	}
	dir := c.Dir
	if dir == "" {
		dir = "."
	}
	r, err := RunDiff(context.Background(), dir, *base, *head, patterns)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	if *lockPath != "" {
		lf, err := ReadLock(context.Background(), dir, *head, *lockPath)
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
