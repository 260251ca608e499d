package sandbox

import (
	"fmt"
	"strings"
	"testing"
)

// TestReadDockerTable: the docker reader parses with the one table of
// every docker run and podman run option: every spelling lands in the
// model, an option the table does not know (or cut short) is Unknown, and
// an option the table knows but the model has no place for is Unknown too
// (fail closed).
func TestReadDockerTable(t *testing.T) {
	t.Parallel()
	summary := func(s *Sandbox) string {
		var u []string
		for _, x := range s.Unknown {
			u = append(u, x.Text)
		}
		var ms []string
		for _, m := range s.Mounts {
			ms = append(ms, fmt.Sprintf("%s %s>%s w=%v", m.Type, m.Source, m.Dest, m.Write))
		}
		return fmt.Sprintf("mounts=%v net=%s env=%v caps=%v priv=%v dev=%v ns=%v user=%s iso=%v sec=%v cmd=%v unknown=%q",
			ms, s.Network.Name, s.Env, s.Caps, s.Privileged, s.Devices, s.HostNamespaces, s.User, s.Isolation, s.Security, s.Command, u)
	}
	for _, tc := range []struct {
		argv []string
		want string // a part of the summary
	}{
		{[]string{"-v/srv:/srv:ro", "img"}, "mounts=[bind /srv>/srv w=false]"},
		{[]string{"-itv", "/srv:/srv", "img"}, "mounts=[bind /srv>/srv w=true]"},
		{[]string{"--mount=type=bind,src=/a,dst=/a,ro", "img"}, "mounts=[bind /a>/a w=false]"},
		{[]string{"--net=host", "img"}, "net=host"},
		{[]string{"-eTOKEN", "--env=A=1", "img"}, "env=[{TOKEN  true} {A 1 false}]"},
		{[]string{"--env-host", "img"}, "env=[{*  true}]"},
		{[]string{"--cap-add", "cap_sys_admin", "--privileged", "img"}, "caps=[SYS_ADMIN] priv=true"},
		{[]string{"--privileged", "--privileged=false", "img"}, "priv=false"},
		{[]string{"--read-only", "--read-only=false", "img"}, "iso=[]"},
		{[]string{"--device=/dev/kvm:/dev/kvm", "--gpus", "all", "img"}, "dev=[/dev/kvm --gpus all]"},
		{[]string{"--pid", "host", "--userns=host", "img"}, "ns=[pid=host userns=host]"},
		{[]string{"-u0", "img"}, "user=0"},
		{[]string{"--security-opt", "seccomp=unconfined", "--sysctl", "net.ipv4.ip_forward=1", "img"}, "sec=[seccomp=unconfined --sysctl net.ipv4.ip_forward=1]"},
		{[]string{"--memory", "1g", "-w", "/w", "--rm", "img", "a"}, `cmd=[img a] unknown=[]`},
		{[]string{"--frobnicate", "img"}, `unknown=["--frobnicate"]`},
		{[]string{"-Xv", "/a:/a", "img"}, `unknown=["-Xv"]`},
		{[]string{"-v"}, `unknown=["-v (no value)"]`},
		{[]string{"--rm=maybe", "img"}, `unknown=["--rm=maybe"]`},
		{[]string{"--use-api-socket", "img"}, `unknown=["--use-api-socket: the model has no place for what it grants (judged widened)"]`},
		{[]string{"-p", "80:80", "img"}, `unknown=["-p 80:80: the model has no place for what it grants (judged widened)"]`},
	} {
		if got := summary(ReadDocker(tc.argv)); !strings.Contains(got, tc.want) {
			t.Errorf("%q:\n got %s\nwant %s", tc.argv, got, tc.want)
		}
	}
}

// TestDockerFlagsSpellings: every option of the table is read, long ones
// in both --flag=value and --flag value spellings, as an option and not
// as the image.
func TestDockerFlagsSpellings(t *testing.T) {
	t.Parallel()
	for _, f := range DockerFlags() {
		n := dockerTable[f].n
		argvs := [][]string{{f, "img"}}
		if n == 1 {
			argvs = [][]string{{f, "v", "img"}}
			if strings.HasPrefix(f, "--") {
				argvs = append(argvs, []string{f + "=v", "img"})
			}
		}
		for _, argv := range argvs {
			opts, at := SplitDocker(argv)
			if len(opts) != 1 || opts[0].Flag != f || at != len(argv)-1 {
				t.Errorf("%q: %+v, image at %d", argv, opts, at)
			}
		}
	}
}

// TestReadBwrapTable: the bwrap reader parses with the one table of every
// bubblewrap option: options read from elsewhere at run time are Unknown
// (fail closed), modifiers add nothing, an option not in the table or cut
// short is Unknown, and positions are in the argv given.
func TestReadBwrapTable(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		argv    []string
		unknown []string
		args    []int
	}{
		{[]string{"--overlay", "/a", "/w", "/dst", "--", "node"}, []string{"--overlay /a /w /dst"}, []int{0}},
		{[]string{"bwrap", "--seccomp", "3", "node"}, []string{"--seccomp 3"}, []int{1}},
		{[]string{"--perms", "0700", "--tmpfs", "/t", "--argv0", "x", "node"}, nil, nil},
		{[]string{"bwrap", "--frob", "--bind", "/a"}, []string{"--frob --bind /a", "--bind /a"}, []int{1, 2}},
	} {
		s := ReadBwrap(tc.argv)
		var got []string
		var args []int
		for _, u := range s.Unknown {
			got, args = append(got, u.Text), append(args, u.Arg)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.unknown) || fmt.Sprint(args) != fmt.Sprint(tc.args) {
			t.Errorf("%q: unknown %q at %v, want %q at %v", tc.argv, got, args, tc.unknown, tc.args)
		}
	}
}
