package cli

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/razukc/capgate-action/diff"
	"github.com/razukc/capgate-action/internal/diag"
	"github.com/razukc/capgate-action/internal/gitrun"
	"github.com/razukc/capgate-action/internal/source"
	"github.com/razukc/capgate-action/lock"
)

// now is the current time, or SOURCE_DATE_EPOCH when set (reproducible
// lock files and tests).
func (c *Command) now() time.Time {
	if s := c.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return time.Unix(n, 0).UTC()
		}
	}
	return time.Now().UTC()
}

// approve writes or updates the lock for every widened manifest of the
// change from --base to --head.
func (c *Command) approve(args []string) int {
	fs := c.newFlags("approve")
	base := fs.String("base", "", "base side: a directory or a git `revision`")
	head := fs.String("head", "", "head side: a directory or a git `revision`")
	lockPath := fs.String("lock", lock.DefaultPath, "the lock `file`, relative to the repository (or the head directory)")
	reason := fs.String("reason", "", "why the widening is approved (recorded in the lock)")
	by := fs.String("by", "", "who approves; empty means git config user.name and user.email")
	expires := fs.String("expires", "", "`when` the approval lapses: an RFC 3339 time or a duration such as 720h")
	var patterns multiFlag
	fs.Var(&patterns, "manifests", "doublestar `pattern` of manifest paths (repeatable; !pattern excludes)")
	var launchPats multiFlag
	fs.Var(&launchPats, "launch", "doublestar `pattern` of launch config paths (repeatable; !pattern excludes)")
	noLaunch := fs.Bool("no-launch", false, "approve no launch configs (docs/launch/README.md)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return c.flagError(fs, err)
	}
	if len(pos) > 0 || *base == "" || *head == "" {
		fmt.Fprintln(c.Stderr, "capgate: approve needs --base and --head, and no other arguments")
		return ExitUsage
	}
	now := c.now()
	exp, err := expiry(now, *expires)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	dir := c.Dir
	if dir == "" {
		dir = "."
	}
	who := *by
	if who == "" {
		who = gitIdentity(dir)
	}
	if who == "" {
		fmt.Fprintln(c.Stderr, "capgate: approve needs --by (no git user.name or user.email is configured)")
		return ExitUsage
	}
	ctx := context.Background()
	in, err := source.ReadSides(ctx, source.Options{Dir: dir, Base: *base, Head: *head, Patterns: patterns,
		Launch: launchPats, NoLaunch: *noLaunch})
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	in.AllowEmpty = true
	r, err := diff.Run(in)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	// The lock written is the one in the working tree (or the head
	// directory): that is the file to commit.
	target := filepath.Join(dir, *lockPath)
	if st, err := os.Stat(filepath.Join(dir, *head)); err == nil && st.IsDir() {
		target = filepath.Join(dir, *head, *lockPath)
	}
	lf, err := readLockFile(target, *lockPath)
	if err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	code := ExitOK
	approvals, refused := planApprovals(r, lock.Approval{ApprovedBy: who, Reason: *reason, ApprovedAt: now.Format(time.RFC3339), Expires: exp})
	for _, d := range refused {
		fmt.Fprintln(c.Stderr, d)
		code = ExitFail
	}
	for _, a := range approvals {
		fmt.Fprintf(c.Stdout, "approved %s (%s)\n", a.Path, a.ManifestHash)
	}
	lf.SetAll(approvals)
	if len(approvals) == 0 {
		fmt.Fprintf(c.Stdout, "nothing widened from %s to %s; %s left as it was\n", *base, *head, *lockPath)
		return code
	}
	if err := os.WriteFile(target, lf.Encode(), 0o644); err != nil {
		fmt.Fprintf(c.Stderr, "capgate: %v\n", err)
		return ExitUsage
	}
	fmt.Fprintf(c.Stdout, "wrote %s: commit it with the change; each approval covers exactly that capability set\n", *lockPath)
	return code
}

// expiry is the lock's expires of --expires s at now: "" for none, an
// RFC 3339 time for a duration from now or a time.
func expiry(now time.Time, s string) (string, error) {
	if s == "" {
		return "", nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d).Format(time.RFC3339), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.RFC3339), nil
	}
	return "", fmt.Errorf("--expires %q is neither an RFC 3339 time nor a duration", s)
}

// readLockFile reads the lock at target (named name in errors), or a new
// one when there is none.
func readLockFile(target, name string) (*lock.File, error) {
	b, err := os.ReadFile(target)
	if errors.Is(err, iofs.ErrNotExist) {
		return lock.New(), nil
	}
	if err != nil {
		return nil, err
	}
	return lock.Parse(name, b)
}

// planApprovals decides what approve does with r: an approval (like a,
// with the manifest's path and hash) of every manifest that widens, in
// r's order, and a diagnostic for every manifest whose head cannot be
// approved because it does not compile.
func planApprovals(r *diff.Result, a lock.Approval) (approvals []lock.Approval, refused []diag.Diagnostic) {
	for _, m := range r.Manifests {
		switch {
		case m.Error != nil:
			d := *m.Error
			d.Path, d.Message = m.Path, "cannot approve: the head does not compile: "+d.Message
			refused = append(refused, d)
		case m.Widens():
			a.Path, a.ManifestHash = m.Path, m.Hash
			approvals = append(approvals, a)
		}
	}
	return approvals, refused
}

// gitIdentity is "Name <email>" from git's configuration, or "".
func gitIdentity(dir string) string {
	get := func(k string) string {
		out, _ := gitrun.Repo{Dir: dir}.Output(context.Background(), nil, "config", "--get", k)
		return strings.TrimSpace(string(out))
	}
	name, email := get("user.name"), get("user.email")
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">"
	case email != "":
		return email
	}
	return name
}
