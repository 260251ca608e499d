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
// directory is up to date. When the check cannot run (a manifest does not
// compile, the directory cannot be read), it fails: it cannot judge.
func (r *run) verifyOutDir(dir string) bool {
	out := r.cfg.VerifyOutDir
	if filepath.IsAbs(out) || out == ".." || strings.HasPrefix(filepath.ToSlash(filepath.Clean(out)), "../") {
		r.drift = fmt.Sprintf("\n> [!CAUTION]\n> capgate: verify-out-dir %s must be inside working-directory.\n", report.Code(out))
		r.a.Errorf("capgate: verify-out-dir must be a relative path inside working-directory")
		return false
	}
	var diag bytes.Buffer
	drift, failed, err := outdir.Verify(dir, out, r.cfg.Manifests)
	var kinds []error
	for _, f := range failed {
		fmt.Fprintf(&diag, "capgate: %s\n", failure(f))
		k := errors.New("a manifest cannot be read")
		if f.Compile {
			k = errors.New("a manifest does not compile")
		}
		if !slices.ContainsFunc(kinds, func(e error) bool { return e.Error() == k.Error() }) {
			kinds = append(kinds, k)
		}
	}
	if err == nil && len(kinds) > 0 {
		err = errors.Join(kinds...)
	}
	if err != nil {
		r.drift = fmt.Sprintf("\n> [!CAUTION]\n> capgate could not check the compiled policies in %s: %s. Run %s locally.\n",
			report.Code(out), report.Text(err.Error()), report.Code("capgate verify --out-dir "+out))
		r.a.Errorf("capgate: cannot check verify-out-dir %s: %v\n%s", out, err, diag.String())
		return false
	}
	if len(drift) == 0 {
		r.drift = fmt.Sprintf("\n✅ The compiled policies in %s match the manifests.\n", report.Code(out))
		return true
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n#### Compiled policies out of date (%d)\n\n| file | state |\n|---|---|\n", len(drift))
	for i, d := range drift {
		if i == maxDriftRows {
			fmt.Fprintf(&b, "| … and %d more | |\n", len(drift)-maxDriftRows)
			break
		}
		fmt.Fprintf(&b, "| %s | %s |\n", report.Code(filepath.ToSlash(filepath.Join(out, d.Path))), d.State)
	}
	fmt.Fprintf(&b, "\nRun %s and commit the result.\n", report.Code("capgate compile --out-dir "+out+" ."))
	r.drift = b.String()
	r.a.Errorf("capgate: %d file(s) in %s do not match the manifests; run capgate compile --out-dir %s .", len(drift), out, out)
	return false
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
