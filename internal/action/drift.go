package action

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/internal/outdir"
	"github.com/razukc/capgate-action/report"
)

// maxDriftRows bounds the drift table in the comment; the rest is counted.
const maxDriftRows = 50

// verifyOutDir runs the drift check (capgate verify) on the checked-out
// tree in dir, sets r.drift to its Markdown and reports whether the
// directory is up to date (judgeDrift decides).
func (r *run) verifyOutDir(dir string) bool {
	out := r.cfg.VerifyOutDir
	d := driftRead{outside: filepath.IsAbs(out) || out == ".." || strings.HasPrefix(filepath.ToSlash(filepath.Clean(out)), "../")}
	if !d.outside {
		d.drift, d.failed, d.err = outdir.Verify(dir, out, r.cfg.Manifests)
	}
	md, ok, log := judgeDrift(out, d)
	r.drift = md
	if log != "" {
		r.a.Errorf("%s", log)
	}
	return ok
}

// driftRead is what the drift check read: whether verify-out-dir is
// outside working-directory (then nothing is read), the files that do not
// match, the manifests it could not compile or read, and why it could
// not run.
type driftRead struct {
	outside bool
	drift   []outdir.Drift
	failed  []outdir.Failure
	err     error
}

// judgeDrift decides the drift check from what it read of the out dir
// out: the Markdown for the summary and the comment, whether the out dir
// is up to date, and the error to log ("" for none). When the check
// cannot judge (a manifest does not compile, the directory cannot be
// read), it fails. It is pure.
func judgeDrift(out string, d driftRead) (md string, ok bool, log string) {
	if d.outside {
		return fmt.Sprintf("\n> [!CAUTION]\n> capgate: verify-out-dir %s must be inside working-directory.\n", report.Code(out)),
			false, "capgate: verify-out-dir must be a relative path inside working-directory"
	}
	var diag bytes.Buffer
	var kinds []error
	for _, f := range d.failed {
		fmt.Fprintf(&diag, "capgate: %s\n", failure(f))
		k := errors.New("a manifest cannot be read")
		if f.Compile {
			k = errors.New("a manifest does not compile")
		}
		if !slices.ContainsFunc(kinds, func(e error) bool { return e.Error() == k.Error() }) {
			kinds = append(kinds, k)
		}
	}
	err := d.err
	if err == nil && len(kinds) > 0 {
		err = errors.Join(kinds...)
	}
	if err != nil {
		return fmt.Sprintf("\n> [!CAUTION]\n> capgate could not check the compiled policies in %s: %s. Run %s locally.\n",
				report.Code(out), report.Text(err.Error()), report.Code("capgate verify --out-dir "+out)),
			false, fmt.Sprintf("capgate: cannot check verify-out-dir %s: %v\n%s", out, err, diag.String())
	}
	if len(d.drift) == 0 {
		return fmt.Sprintf("\n✅ The compiled policies in %s match the manifests.\n", report.Code(out)), true, ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n#### Compiled policies out of date (%d)\n\n| file | state |\n|---|---|\n", len(d.drift))
	for i, x := range d.drift {
		if i == maxDriftRows {
			fmt.Fprintf(&b, "| … and %d more | |\n", len(d.drift)-maxDriftRows)
			break
		}
		fmt.Fprintf(&b, "| %s | %s |\n", report.Code(filepath.ToSlash(filepath.Join(out, x.Path))), x.State)
	}
	fmt.Fprintf(&b, "\nRun %s and commit the result.\n", report.Code("capgate compile --out-dir "+out+" ."))
	return b.String(), false, fmt.Sprintf("capgate: %d file(s) in %s do not match the manifests; run capgate compile --out-dir %s .", len(d.drift), out, out)
}

// failure is one line for a manifest the drift check could not compile:
// "path:line:col: message [code]" for a compile error.
func failure(f outdir.Failure) string {
	var ce *compiler.Error
	if errors.As(f.Err, &ce) {
		return ce.Diag(f.Name).String()
	}
	return fmt.Sprintf("%s: %v", f.Name, f.Err)
}
