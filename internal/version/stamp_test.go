package version

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLdflagsStamp builds cmd/capgate with the -ldflags -X stamp a release
// (and the container image) uses, and checks that capgate version prints it:
// it guards the variable's import path and name.
func TestLdflagsStamp(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a binary")
	}
	bin := filepath.Join(t.TempDir(), "capgate")
	build := exec.Command("go", "build", "-o", bin,
		"-ldflags", "-X github.com/razukc/capgate-action/internal/version.version=v9.8.7",
		"../../cmd/capgate")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(out); !strings.HasPrefix(got, "capgate v9.8.7\ngrammar 0.0\nconformance capgate 0.0.4\n") {
		t.Errorf("capgate version printed %q", got)
	}
}
