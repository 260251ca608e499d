package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/gitrun"
	"github.com/razukc/capgate-action/internal/source"
	"github.com/razukc/capgate-action/lock"
	"github.com/razukc/capgate-action/report"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

// diffArgs are the parsed flags of capgate diff.
type diffArgs struct {
	base, head, format, lock, label string
	failOn                          diff.FailOn
	targets                         []string
	patterns, launch                []string
	allowEmpty, noLaunch            bool
}

func (c *Command) diff(args []string) int {
	d, code, ok := c.diffFlags(args)
	if !ok {
		return code
	}
	// The lock is one file of the head: read with the sides, from the
	// same listing and git processes.
	in, lf, err := source.ReadSidesLock(context.Background(), source.Options{Dir: c.Dir, Base: d.base, Head: d.head, Patterns: d.patterns,
		Launch: d.launch, NoLaunch: d.noLaunch}, d.lock)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	in.AllowEmpty, in.Targets = d.allowEmpty, d.targets
	r, err := diff.Run(in)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	if lf != nil {
		lock.Apply(r, lf, c.now())
	}
	// The verdict and next steps are the action's: the same gate, with the
	// refs given here. The CLI cannot see labels or CODEOWNERS reviews, so
	// the lock counts as owned.
	g := report.Gate{FailOn: d.failOn, Base: d.base, Head: d.head, Lock: d.lock, LockOwned: true, Label: d.label}
	var out []byte
	switch d.format {
	case "markdown":
		out = report.Markdown(r, report.MarkdownOptions{Gate: &g})
	case "comment":
		out = []byte(report.Comment(r, report.CommentOptions{Gate: &g, HeadSHA: c.headCommit(d.head)}))
	case "json":
		// Streamed: the report is not held whole (JSONReport.WriteTo).
		_, err = report.NewJSON(r).WriteTo(c.Stdout)
	case "sarif":
		out = report.SARIF(r, Version)
	default:
		out = report.PlainText(r, g)
	}
	if out != nil {
		var n int
		if n, err = c.Stdout.Write(out); err == nil && n < len(out) {
			err = io.ErrShortWrite // a report cut short must not pass for one
		}
	}
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	if report.Judge(r, g).Fails {
		return ExitFail
	}
	return ExitOK
}

// headCommit is the commit a head revision names, for the comment's last
// line as the action writes it; "" for a directory or anything git does
// not resolve.
func (c *Command) headCommit(head string) string {
	if st, err := os.Stat(c.path(head)); err == nil && st.IsDir() {
		return ""
	}
	dir := c.Dir
	if dir == "" {
		dir = "."
	}
	out, err := gitrun.Repo{Dir: dir}.Output(context.Background(), nil, "rev-parse", "--verify", "--quiet", "--end-of-options", head+"^{commit}")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// diffFlags parses capgate diff's flags; when not ok, the command is done
// (help printed, or a usage error) with code.
func (c *Command) diffFlags(args []string) (diffArgs, int, bool) {
	var d diffArgs
	fs := c.newFlags("diff")
	base := fs.String("base", "", "base side: a directory or a git `revision`")
	head := fs.String("head", "", "head side: a directory or a git `revision`")
	format := fs.String("format", "text", "output `format`: markdown, comment (the action's PR comment), json, sarif or text")
	failOn := fs.String("fail-on", diff.DefaultFailOn, "`outcomes` that exit 1: loud (host control only), widened, unenforceable, error (comma-separated) or never")
	allowEmpty := fs.Bool("allow-empty", false, "succeed when no manifest matches on either side (otherwise exit 2)")
	targetList := fs.String("targets", strings.Join(compiler.Targets(), ","), "comma-separated `targets` to compare: any of "+strings.Join(compiler.AllTargets(), ", "))
	lockPath := fs.String("lock", lock.DefaultPath, "approval lock `file`, read from the head side when it is there (none: no lock); widening it approves does not fail")
	label := fs.String("allow-label", "capgate:approve-widening", "the action's approval `label`, named in the next steps (none: no label)")
	var patterns, launchPats multiFlag
	fs.Var(&patterns, "manifests", "doublestar `pattern` of manifest paths (repeatable; !pattern excludes)")
	fs.Var(&launchPats, "launch", "doublestar `pattern` of launch config paths (repeatable; !pattern excludes)")
	noLaunch := fs.Bool("no-launch", false, "read no launch configs (docs/launch/README.md)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return d, c.flagError(fs, err), false
	}
	if len(pos) > 0 || *base == "" || *head == "" {
		fmt.Fprintln(c.Stderr, "capgate: diff needs --base and --head, and no other arguments")
		return d, ExitUsage, false
	}
	d = diffArgs{base: *base, head: *head, format: *format, lock: *lockPath, label: *label, patterns: patterns, allowEmpty: *allowEmpty,
		launch: launchPats, noLaunch: *noLaunch}
	if d.lock == "none" {
		d.lock = ""
	}
	if d.label == "none" {
		d.label = ""
	}
	if d.failOn, err = diff.ParseFailOn(*failOn); err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return d, ExitUsage, false
	}
	if d.targets, err = c.diffTargets(*targetList); err != nil {
		fmt.Fprintf(c.Stderr, "capgate: --targets: %v\n", err)
		return d, ExitUsage, false
	}
	switch d.format {
	case "markdown", "comment", "json", "sarif", "text":
	default:
		fmt.Fprintf(c.Stderr, "capgate: unknown --format %q (want markdown, comment, json, sarif or text)\n", d.format)
		return d, ExitUsage, false
	}
	return d, ExitOK, true
}

// diffTargets parses --targets. An empty item ("," or "bwrap,,srt") is an
// error in ParseTargets; on the command line an empty value ("") is one
// too, where the action reads an unset input as the default.
func (c *Command) diffTargets(list string) ([]string, error) {
	for _, t := range strings.Split(list, ",") {
		if strings.TrimSpace(t) == "" {
			return nil, fmt.Errorf("empty target name in %q (want a comma-separated list of %s)", list, strings.Join(compiler.AllTargets(), ", "))
		}
	}
	return diff.ParseTargets(list)
}
