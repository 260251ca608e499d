package launch

import "testing"

// TestDockerMountAsDockerReadsIt: docker reads a --mount value as one CSV
// record (docker/cli opts/mount.go: csv.NewReader), keys and the type in
// any case, readonly as strconv.ParseBool; so a quoted field or an upper
// case key names the same host path (which the diff then judges loud or
// not like any other).
func TestDockerMountAsDockerReadsIt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ val, want string }{
		{`type=bind,"source=/var/run/docker.sock",target=/s`, "fs /var/run/docker.sock rw"},
		{`"type=bind","src=/",dst=/h,readonly`, "fs /"},
		{`Type=Bind,Source=/etc,Target=/h`, "fs /etc rw"},
		{`TYPE=BIND,SRC=/srv,DST=/h,RO=TRUE`, "fs /srv"},
		{`type=bind,src=/srv,dst=/h,readonly=t`, "fs /srv"},
		{`type=bind,src=/srv,dst=/h,readonly=false`, "fs /srv rw"},
		{`type=bind,"src=/srv/a,b",dst=/h`, "fs /srv/a,b rw"},
		// Docker refuses a bare quote inside a field: unread, judged widened.
		{`type=bind,src="/srv/a,b",dst=/h`, `raw --mount type=bind,src="/srv/a,b",dst=/h`},
		{`type=bind,"src=/srv`, `raw --mount type=bind,"src=/srv`},
	} {
		gs, _ := dockerSet(t, "--mount", c.val, "img")
		if !gs[c.want] {
			t.Errorf("--mount %s: grants %v lack %q", c.val, gs, c.want)
		}
	}
}

// TestDockerMountWritableSubmounts: bind-recursive=writable leaves the
// submounts of a read-only bind read-write (docs.docker.com, bind mounts,
// "Recursive mounts"), so readonly,bind-recursive=writable of /srv writes
// through every mount under /srv on the host: read as writable, where it
// read as the read-only /srv unchanged. The other values keep it read-only.
func TestDockerMountWritableSubmounts(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ val, want string }{
		{`type=bind,src=/srv,dst=/h,readonly,bind-recursive=writable`, "fs /srv rw"},
		{`type=bind,src=/srv,dst=/h,bind-recursive=writable,ro=true`, "fs /srv rw"},
		{`type=bind,src=/srv,dst=/h,readonly,bind-recursive=readonly`, "fs /srv"},
		{`type=bind,src=/srv,dst=/h,readonly,bind-recursive=enabled`, "fs /srv"},
		{`type=bind,src=/srv,dst=/h,readonly,bind-recursive=disabled`, "fs /srv"},
	} {
		gs, _ := dockerSet(t, "--mount", c.val, "img")
		if !gs[c.want] || len(gs) != len(mustDockerSet(t))+1 {
			t.Errorf("--mount %s: grants %v lack %q", c.val, gs, c.want)
		}
	}
}

func mustDockerSet(t *testing.T) map[string]bool {
	t.Helper()
	gs, _ := dockerSet(t, "img")
	return gs
}
