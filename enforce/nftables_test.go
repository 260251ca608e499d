package enforce

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/razukc/capgate-action/compiler"
)

// Every nftables table the compiler emits, for the bundled manifests and
// 300 generated ones, passes nft -c in a fresh user and network namespace.
func TestNftablesCheck(t *testing.T) {
	requireTool(t, "nft", "unshare")
	tables := allEmitted(t, compiler.TargetNftables, 300)
	names := make([]string, 0, len(tables))
	for n := range tables {
		names = append(names, n)
	}
	sort.Strings(names)
	dir := t.TempDir()
	for i, n := range names {
		p := filepath.Join(dir, fmt.Sprintf("%03d.nft", i))
		if err := os.WriteFile(p, []byte(tables[n]+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("unshare", "-Urn", "nft", "-c", "-f", p).CombinedOutput()
		if err != nil {
			t.Errorf("%s: nft -c: %v\n%s\n%s", n, err, out, tables[n])
		}
	}
	t.Logf("nft -c accepted %d tables", len(names))
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// netPair creates two network namespaces joined by a veth pair, with a
// public-looking (TEST-NET-2) and a private address on each side, and
// removes them when the test ends.
func netPair(t *testing.T) (client, server string) {
	t.Helper()
	id := randHex(3)
	client, server = "cgc-"+id, "cgs-"+id
	run(t, "ip", "netns", "add", client)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", client).Run() })
	run(t, "ip", "netns", "add", server)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", server).Run() })
	run(t, "ip", "link", "add", "vc"+id, "netns", client, "type", "veth", "peer", "name", "vs"+id, "netns", server)
	for _, s := range []struct{ ns, dev, last string }{{client, "vc" + id, "1"}, {server, "vs" + id, "2"}} {
		run(t, "ip", "-n", s.ns, "addr", "add", "198.51.100."+s.last+"/24", "dev", s.dev)
		run(t, "ip", "-n", s.ns, "addr", "add", "10.99.0."+s.last+"/24", "dev", s.dev)
		run(t, "ip", "-n", s.ns, "link", "set", s.dev, "up")
		run(t, "ip", "-n", s.ns, "link", "set", "lo", "up")
	}
	return client, server
}

// inNetns starts this test binary as a helper inside a namespace.
func inNetns(ctx context.Context, ns string, env ...string) *exec.Cmd {
	self, _ := os.Executable()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", ns, self, "-test.run=^$")
	cmd.Env = append(os.Environ(), env...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	return cmd
}

func dialFrom(t *testing.T, ns, addr string) bool {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return inNetns(ctx, ns, "CAPGATE_HELPER=dial", "CAPGATE_ADDR="+addr).Run() == nil
}

// Live: the emitted table, loaded in the client namespace, lets the declared
// ip:port through, drops another port of the same address, and drops a
// private address. Before the table is loaded all three connect, so the
// drops are the table's doing.
func TestNftablesLive(t *testing.T) {
	requireRoot(t)
	requireTool(t, "nft", "ip")
	client, server := netPair(t)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := inNetns(ctx, server, "CAPGATE_HELPER=listen", "CAPGATE_ADDRS=0.0.0.0:8080,0.0.0.0:8081")
	var out bytes.Buffer
	pr, pw, _ := os.Pipe()
	srv.Stdout, srv.Stderr = pw, &out
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() {
		_ = syscall.Kill(-srv.Process.Pid, syscall.SIGKILL)
		_ = srv.Wait()
	})
	waitLine(t, pr, "ready", 10*time.Second)

	declared, otherPort, private := "198.51.100.2:8080", "198.51.100.2:8081", "10.99.0.2:8080"
	for _, a := range []string{declared, otherPort, private} {
		if !dialFrom(t, client, a) {
			t.Fatalf("before the table is loaded, %s should connect", a)
		}
	}

	// The manifest also declares the private address: capgate emits its
	// private-range drop before the accepts, so that drop alone is what must
	// stop it (with the drop removed, this test goes red).
	r := compileText(t, `{"name": "n", "version": "1", "tools": [{"name": "t", "capabilities": [
		"net:connect:198.51.100.2:8080", "net:connect:10.99.0.2:8080"]}]}`)
	if !strings.Contains(r.Artifacts.Get(compiler.TargetNftables).Config, "ip daddr 10.99.0.2 tcp dport 8080 accept") {
		t.Fatal("the table has no accept for the private address")
	}
	table := r.Artifacts.Get(compiler.TargetNftables).Config
	p := filepath.Join(t.TempDir(), "capgate.nft")
	if err := os.WriteFile(p, []byte(table+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "ip", "netns", "exec", client, "nft", "-f", p)

	if !dialFrom(t, client, declared) {
		t.Errorf("the declared %s is dropped", declared)
	}
	if dialFrom(t, client, otherPort) {
		t.Errorf("%s (another port of the declared address) connects", otherPort)
	}
	if dialFrom(t, client, private) {
		t.Errorf("%s (a private address) connects despite the private-range drop", private)
	}
}
