package launch

import "testing"

// TestNamespacePathsAreLoud: podman joins a namespace given by its path
// (--pid ns:/proc/1/ns/pid, --network ns:/proc/1/ns/net); the reader
// cannot tell whose it is, and /proc/1's is the host's: loud, as host is
// (fail closed).
func TestNamespacePathsAreLoud(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--pid", "ns:/proc/1/ns/pid"}, "namespace pid=ns:/proc/1/ns/pid loud"},
		{[]string{"--ipc=ns:/proc/1/ns/ipc"}, "namespace ipc=ns:/proc/1/ns/ipc loud"},
		{[]string{"--userns", "ns:/run/userns/x"}, "namespace userns=ns:/run/userns/x loud"},
		{[]string{"--network", "ns:/proc/1/ns/net"}, "network ns:/proc/1/ns/net loud"},
		{[]string{"--net=ns:/var/run/netns/x"}, "network ns:/var/run/netns/x loud"},
	} {
		if gs, _ := dockerSet(t, append(c.args, "img")...); !gs[c.want] {
			t.Errorf("%v: grants %v lack %q", c.args, gs, c.want)
		}
	}
}

// TestRootSpelledAsNumber: --user 00, 0000:0 and +0 are uid 0 to the
// runtime, which parses the number: root, not a protection.
func TestRootSpelledAsNumber(t *testing.T) {
	t.Parallel()
	for _, u := range []string{"00", "0000:1000", "000:000", "root:wheel"} {
		gs, _ := dockerSet(t, "--user", u, "img")
		if !gs["user root"] {
			t.Errorf("--user %s: grants %v, want root", u, gs)
		}
	}
	if gs, _ := dockerSet(t, "--user", "1000", "img"); gs["user root"] {
		t.Errorf("--user 1000 read as root: %v", gs)
	}
}

// TestLogPathIsAHostFile: podman's k8s-file log driver writes the
// container's output to --log-opt path=FILE on the host: a host file
// written, as --cidfile is. Other log options grant nothing.
func TestLogPathIsAHostFile(t *testing.T) {
	t.Parallel()
	gs, _ := dockerSet(t, "--log-opt", "path=/etc/cron.d/x", "img")
	if !gs["fs /etc/cron.d/x rw"] {
		t.Errorf("grants %v lack the log file written", gs)
	}
	gs, _ = dockerSet(t, "--log-opt=max-size=10m", "img")
	if len(gs) != 2 { // the network and the user
		t.Errorf("--log-opt max-size: grants %v", gs)
	}
}
