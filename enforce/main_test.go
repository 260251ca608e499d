package enforce

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/razukc/capgate-action/compiler"
)

// TestMain doubles as a helper program: run with CAPGATE_HELPER set, the
// test binary listens or dials inside a network namespace and exits.
func TestMain(m *testing.M) {
	switch os.Getenv("CAPGATE_HELPER") {
	case "listen":
		os.Exit(helperListen(strings.Split(os.Getenv("CAPGATE_ADDRS"), ",")))
	case "dial":
		os.Exit(helperDial(os.Getenv("CAPGATE_ADDR")))
	}
	os.Exit(m.Run())
}

// helperListen accepts on every address and echoes what it reads. It prints
// "ready" once listening and runs until killed (or two minutes pass).
func helperListen(addrs []string) int {
	for _, a := range addrs {
		l, err := net.Listen("tcp", a)
		if err != nil {
			fmt.Println("listen:", err)
			return 1
		}
		go serveEcho(l)
	}
	fmt.Println("ready")
	time.Sleep(2 * time.Minute)
	return 0
}

func serveEcho(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(10 * time.Second))
			_, _ = io.Copy(c, c)
		}()
	}
}

// helperDial exits 0 when a TCP connection to addr opens within a second.
func helperDial(addr string) int {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	c.Close()
	return 0
}

// requireTool skips a test when a tool is missing, unless
// CAPGATE_REQUIRE_ENFORCERS is set (as .ci/run does), when it fails instead:
// CI can never skip these tests.
func requireTool(t *testing.T, names ...string) {
	t.Helper()
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			unavailable(t, fmt.Sprintf("%s not installed", n))
		}
	}
}

func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		unavailable(t, "needs root (network namespaces)")
	}
}

func unavailable(t *testing.T, why string) {
	t.Helper()
	if os.Getenv("CAPGATE_REQUIRE_ENFORCERS") != "" {
		t.Fatalf("%s, and CAPGATE_REQUIRE_ENFORCERS is set", why)
	}
	t.Skip(why)
}

// compileText compiles manifest JSON and fails the test on error.
func compileText(t *testing.T, src string) *compiler.Result {
	t.Helper()
	r, err := compiler.Compile([]byte(src))
	if err != nil {
		t.Fatalf("compile: %v\n%s", err, src)
	}
	return r
}

func compileFile(t *testing.T, path string) *compiler.Result {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return compileText(t, string(b))
}

// conformanceManifest is the path of a bundled conformance manifest.
func conformanceManifest(name string) string {
	return filepath.Join("..", "testdata", "conformance", "capgate-0.0.4", "manifests", name+".json")
}

// waitLine waits for a line from r that contains want.
func waitLine(t *testing.T, r io.Reader, want string, d time.Duration) {
	t.Helper()
	ch := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			if strings.Contains(sc.Text(), want) {
				ch <- ""
				return
			}
		}
		ch <- "ended without " + want
	}()
	select {
	case msg := <-ch:
		if msg != "" {
			t.Fatal(msg)
		}
	case <-time.After(d):
		t.Fatalf("timed out waiting for %q", want)
	}
}
