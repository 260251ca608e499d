package diff

import "testing"

// TestLaunchEnginePointerChangeIsARow: pointing a docker entry's CLI at
// another engine, with -H or the entry's own DOCKER_HOST, changes what the
// container reaches (another host's engine, its volumes, its network): a
// widened row, never "no change".
func TestLaunchEnginePointerChangeIsARow(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ name, base, head string }{
		{"-H", `"s": {"command": "docker", "args": ["-H", "unix:///run/user/1000/docker.sock", "run", "img"]}`,
			`"s": {"command": "docker", "args": ["-H", "ssh://root@prod", "run", "img"]}`},
		{"DOCKER_HOST", `"s": {"command": "docker", "env": {"DOCKER_HOST": "unix:///run/user/1000/docker.sock"}, "args": ["run", "img"]}`,
			`"s": {"command": "docker", "env": {"DOCKER_HOST": "ssh://root@prod"}, "args": ["run", "img"]}`},
	} {
		md := launchDiff(t, mcp(c.base), mcp(c.head))
		widened := 0
		for _, ch := range md.Changes {
			if ch.Severity == Widened {
				widened++
			}
		}
		if widened == 0 {
			t.Errorf("%s: rows %q, want a widened row", c.name, summary(md))
		}
	}
}

// TestLaunchAfterUnknownOptionIsARow: an option the reader does not know,
// on both sides, may take the next argument or not; --privileged added
// after it is a row either way (the entry cannot be judged), never "no
// change".
func TestLaunchAfterUnknownOptionIsARow(t *testing.T) {
	t.Parallel()
	md := launchDiff(t, mcp(`"s": {"command": "docker", "args": ["run", "--frob", "x", "img"]}`),
		mcp(`"s": {"command": "docker", "args": ["run", "--frob", "x", "--privileged", "img"]}`))
	if md.Status == StatusUnchanged || len(md.Changes) == 0 || md.Changes[0].Severity != Widened {
		t.Errorf("status %s, rows %q: want a widened row", md.Status, summary(md))
	}
}
