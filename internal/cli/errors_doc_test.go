package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestErrorsDoc keeps docs/errors.md true: it documents every error code
// the compiler declares and no other, each example fails with its code and
// prints what the doc shows, and each fix compiles.
func TestErrorsDoc(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile("../../docs/errors.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../compiler/errors.go")
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, m := range regexp.MustCompile(`(?m)^\s+Code\w+\s+=\s+"([A-Z_]+)"`).FindAllSubmatch(src, -1) {
		declared = append(declared, string(m[1]))
	}
	if len(declared) < 10 {
		t.Fatalf("found only %d codes in compiler/errors.go; has its layout changed?", len(declared))
	}
	sections := regexp.MustCompile("(?m)^## `([A-Z_]+)`\n").Split(string(doc), -1)[1:]
	names := regexp.MustCompile("(?m)^## `([A-Z_]+)`\n").FindAllStringSubmatch(string(doc), -1)
	var documented []string
	for i, n := range names {
		code := n[1]
		documented = append(documented, code)
		t.Run(code, func(t *testing.T) { checkErrorSection(t, code, sections[i]) })
	}
	sort.Strings(declared)
	sort.Strings(documented)
	if !slices.Equal(declared, documented) {
		t.Errorf("docs/errors.md documents %v;\ncompiler/errors.go declares %v", documented, declared)
	}
}

var (
	exampleCapRE = regexp.MustCompile("(?m)^Example: `([^`]+)`$")
	exampleManRE = regexp.MustCompile("(?s)Example manifest:\n\n```json\n(.*?)\n```")
	fixCapRE     = regexp.MustCompile("(?m)^Fix: `([^`]+)`$")
	fixManRE     = regexp.MustCompile("(?s)Fix manifest:\n\n```json\n(.*?)\n```")
	oversizeRE   = regexp.MustCompile(`(?m)^Example: any manifest of more than [0-9,]+ bytes \(the test pads one to ([0-9,]+)\)\.$`)
	consoleRE    = regexp.MustCompile("(?s)```console\n\\$ (capgate [^\n]*)\n(.*?)\n```")
)

func checkErrorSection(t *testing.T, code, sec string) {
	example := docManifest(exampleCapRE, exampleManRE, sec)
	if m := oversizeRE.FindStringSubmatch(sec); m != nil {
		// A manifest too large to show: padded to the size the doc names.
		n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
		head := `{"name": "doc", "version": "1", "tools": [], "description": "`
		example = head + strings.Repeat("a", max(0, n-len(head)-2)) + `"}`
	}
	fix := docManifest(fixCapRE, fixManRE, sec)
	if example == "" {
		if !strings.Contains(sec, "Reserved") {
			t.Fatal("no example, and not marked Reserved")
		}
		return
	}
	if fix == "" {
		t.Fatal("an example but no fix")
	}
	con := consoleRE.FindStringSubmatch(sec)
	if con == nil {
		t.Fatal("no console block with the example's output")
	}
	args := strings.Fields(con[1])[1:]
	run := func(manifest string) (int, string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "capgate.json"), []byte(manifest), 0o644); err != nil {
			t.Fatal(err)
		}
		var stdout, stderr bytes.Buffer
		c := &Command{Stdin: strings.NewReader(""), Stdout: &stdout, Stderr: &stderr, Dir: dir}
		rc := c.Main(args)
		return rc, stdout.String() + stderr.String()
	}
	rc, out := run(example)
	if rc == ExitOK {
		t.Errorf("example: %s exits 0", con[1])
	}
	if !strings.Contains(out, "["+code+"]") {
		t.Errorf("example: output has no [%s]:\n%s", code, out)
	}
	if got, want := strings.TrimRight(out, "\n"), con[2]; got != want {
		t.Errorf("example: %s prints\n%s\ndocs/errors.md shows\n%s", con[1], got, want)
	}
	// The fix compiles: exit 0, or for lint 1 (warnings, such as
	// exec-no-dev for exec:spawn:git, are not compile errors).
	rc, out = run(fix)
	if (rc != ExitOK && !(args[0] == "lint" && rc == ExitFail)) || strings.Contains(out, "["+code+"]") {
		t.Errorf("fix: %s exits %d:\n%s", con[1], rc, out)
	}
}

// docManifest returns the manifest of a section: a capability string wrapped
// in the one-line manifest the doc's positions assume, or a whole manifest.
func docManifest(capRE, manRE *regexp.Regexp, sec string) string {
	if m := capRE.FindStringSubmatch(sec); m != nil {
		q, _ := json.Marshal(m[1])
		return `{"name": "doc", "version": "1", "tools": [{"name": "t", "capabilities": [` + string(q) + "]}]}\n"
	}
	if m := manRE.FindStringSubmatch(sec); m != nil {
		return m[1] + "\n"
	}
	return ""
}
