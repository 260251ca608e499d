package enforce

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/sandbox"
)

// TestNftablesPartialDropLive: capgate's table with its private-range
// drops narrowed to one port (`… } tcp dport 8081 drop`), loaded in a
// namespace, lets a private address through on another port; so
// sandbox.ReadNftables must not read its accepts as blocking private
// ranges (it did: the set was read, the port left out).
func TestNftablesPartialDropLive(t *testing.T) {
	requireRoot(t)
	requireTool(t, "nft", "ip")
	client, server := netPair(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv := inNetns(ctx, server, "CAPGATE_HELPER=listen", "CAPGATE_ADDRS=0.0.0.0:8080")
	pr, pw, _ := os.Pipe()
	srv.Stdout = pw
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	t.Cleanup(func() {
		_ = syscall.Kill(-srv.Process.Pid, syscall.SIGKILL)
		_ = srv.Wait()
	})
	waitLine(t, pr, "ready", 10*time.Second)

	r := compileText(t, `{"name": "n", "version": "1", "tools": [{"name": "t", "capabilities": [
		"net:connect:198.51.100.2:8080", "net:connect:10.99.0.2:8080"]}]}`)
	table := r.Artifacts.Get(compiler.TargetNftables).Config
	narrowed := strings.ReplaceAll(table, " } drop", " } tcp dport 8081 drop")
	if narrowed == table {
		t.Fatalf("the table has no set drop to narrow:\n%s", table)
	}
	p := filepath.Join(t.TempDir(), "capgate.nft")
	if err := os.WriteFile(p, []byte(narrowed+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, "ip", "netns", "exec", client, "nft", "-f", p)
	if !dialFrom(t, client, "10.99.0.2:8080") {
		t.Fatal("10.99.0.2:8080 is dropped: the narrowed drop still covers it, so this test shows nothing")
	}
	for _, a := range sandbox.ReadNftables([]byte(narrowed)).Network.Allow {
		if a.BlockPrivate {
			t.Errorf("%+v reads as blocking private ranges, and 10.99.0.2:8080 connects", a)
		}
	}
}
