package cli

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// TestBashCompletion runs the bash script: it completes subcommands, the
// flags of the subcommand typed, and the arguments of help.
func TestBashCompletion(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	var script bytes.Buffer
	if rc := (&Command{Stdout: &script, Stderr: &script}).Main([]string{"completion", "bash"}); rc != ExitOK {
		t.Fatalf("completion bash exits %d: %s", rc, script.String())
	}
	for _, tc := range []struct{ words, want string }{
		{"capgate li", "lint"},
		{"capgate v", "verify version"},
		{"capgate lint --f", "--format"},
		{"capgate diff --fa", "--fail-on"},
		{"capgate compile --out", "--out-dir"},
		{"capgate help com", "compile completion"},
		{"capgate completion z", "zsh"},
	} {
		words := strings.Fields(tc.words)
		prog := script.String() + "\nCOMP_WORDS=(" + strings.Join(words, " ") + ")\nCOMP_CWORD=" +
			string(rune('0'+len(words)-1)) + "\n_capgate\necho \"${COMPREPLY[*]}\"\n"
		out, err := exec.Command("bash", "--norc", "--noprofile", "-c", prog).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.words, err, out)
		}
		if got := strings.TrimSpace(string(out)); got != tc.want {
			t.Errorf("%q completes to %q, want %q", tc.words, got, tc.want)
		}
	}
}
