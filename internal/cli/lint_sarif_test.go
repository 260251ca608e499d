package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/razukc/capgate-action/internal/sariftest"
)

// capgate lint --format sarif is valid SARIF 2.1.0 (the schema vendored in
// internal/sariftest), with errors, warnings, notes and an unreadable path.
func TestLintSARIFValidates(t *testing.T) {
	t.Parallel()
	schema := sariftest.Schema(t)
	dir := t.TempDir()
	for name, body := range map[string]string{
		"warn.json": `{"name": "w", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:a.example:443abc", "exec:spawn:git"]}]}`,
		"bad.json":  `{"name": "b", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:a.example:70000"]}]}`,
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var out, errOut bytes.Buffer
	code := (&Command{Stdout: &out, Stderr: &errOut, Dir: dir}).Main([]string{"lint", "--format", "sarif", "warn.json", "bad.json", "missing.json"})
	if code != ExitRead {
		t.Fatalf("exit %d, want %d (a path cannot be read)\n%s", code, ExitRead, errOut.String())
	}
	for _, want := range []string{`"level": "note"`, `"level": "warning"`, `"level": "error"`} {
		if !bytes.Contains(out.Bytes(), []byte(want)) {
			t.Errorf("the log has no %s result", want)
		}
	}
	got, err := jsonschema.UnmarshalJSON(bytes.NewReader(out.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate(got); err != nil {
		t.Errorf("capgate lint's SARIF is not valid SARIF 2.1.0: %v", err)
	}
}

// capgate lint --format sarif escapes a manifest's brackets in every
// message (SARIF 2.1.0 §3.11.6 reads "[text](target)" as a link), and its
// backslashes, so an escape cannot be undone from input; a manifest that
// does not compile exits 2, as lint does.
func TestLintSARIFNoLinkFromInput(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	body := `{"name": "w", "version": "1", "tools": [{"name": "t", "capabilities": ["net:connect:[docs](https\\\\[x\\\\](1)://e.invalid):443"]}]}`
	if err := os.WriteFile(filepath.Join(dir, "m.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := (&Command{Stdout: &out, Stderr: &errOut, Dir: dir}).Main([]string{"lint", "--format", "sarif", "m.json"})
	if code != ExitUsage {
		t.Fatalf("exit %d, want %d\n%s%s", code, ExitUsage, errOut.String(), out.String())
	}
	var log struct {
		Runs []struct {
			Results []struct{ Message struct{ Text string } }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range log.Runs[0].Results {
		msg := r.Message.Text
		if strings.Contains(msg, "docs") {
			n++
		}
		for i := 0; i < len(msg); i++ {
			switch msg[i] {
			case '\\':
				i++
			case '[', ']':
				t.Errorf("message %q: unescaped bracket at %d", msg, i)
			}
		}
	}
	if n == 0 {
		t.Fatalf("no message names the capability: %s", out.String())
	}
}
