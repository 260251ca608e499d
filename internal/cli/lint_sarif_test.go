package cli

import (
	"bytes"
	"os"
	"path/filepath"
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
