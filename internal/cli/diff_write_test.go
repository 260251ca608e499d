package cli

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// limitWriter takes the first n bytes and then fails: with err, or, when
// err is nil, by taking less than it is given and saying nothing (a
// writer that breaks io.Writer's contract).
type limitWriter struct {
	buf bytes.Buffer
	n   int
	err error
}

func (w *limitWriter) Write(p []byte) (int, error) {
	k := min(len(p), w.n-w.buf.Len())
	w.buf.Write(p[:k])
	if k < len(p) {
		return k, w.err
	}
	return k, nil
}

// TestDiffWriteFails: a report (of a widening, which fails the check) that cannot be written whole, in any
// format, exits ExitUsage with the error on stderr, and what was written
// is the start of the report; a writer that takes less than it is given
// without an error is a short write, not a report that looks whole.
func TestDiffWriteFails(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for side, caps := range map[string]string{"a": `"fs:read:/srv/a/**"`, "b": `"fs:read:/srv/a/**", "fs:read,write:/srv/b/", "net:connect:api.example.com:443"`} {
		p := filepath.Join(dir, side, "srv", "capgate.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		m := `{"name": "x", "version": "1.0.0", "tools": [{"name": "t", "description": "d", "capabilities": [` + caps + `]}]}`
		if err := os.WriteFile(p, []byte(m), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, format := range []string{"json", "markdown", "comment", "sarif", "text"} {
		args := []string{"diff", "--base", "a", "--head", "b", "--format", format}
		var whole, errb bytes.Buffer
		if code := (&Command{Dir: dir, Stdout: &whole, Stderr: &errb}).Main(args); code != ExitFail || whole.Len() < 200 {
			t.Fatalf("%s: exit %d, %d bytes\n%s", format, code, whole.Len(), errb.String())
		}
		for _, fail := range []error{errors.New("no space left on device"), nil} {
			for _, n := range []int{0, 1, whole.Len() / 2, whole.Len() - 1} {
				w := &limitWriter{n: n, err: fail}
				var errb bytes.Buffer
				code := (&Command{Dir: dir, Stdout: w, Stderr: &errb}).Main(args)
				if code != ExitUsage || !strings.HasPrefix(errb.String(), "capgate: ") ||
					(fail != nil && !strings.Contains(errb.String(), fail.Error())) {
					t.Errorf("%s, %v after %d bytes: exit %d, want %d; stderr %q", format, fail, n, code, ExitUsage, errb.String())
				}
				if !bytes.HasPrefix(whole.Bytes(), w.buf.Bytes()) {
					t.Errorf("%s, %v after %d bytes: wrote what is not the start of the report", format, fail, n)
				}
			}
		}
	}
}
