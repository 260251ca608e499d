package launch

import "testing"

// TestDockerWindowsPaths: Docker Desktop on Windows takes a drive path as
// a volume source (C:\Users\me\.ssh:/h), and its engine listens on the
// named pipe //./pipe/docker_engine. A drive letter is part of the path,
// never a named volume; the drive's root, a user's profile or dotfiles
// and the engine's pipe are loud, as their POSIX counterparts are.
func TestDockerWindowsPaths(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ val, want string }{
		{`C:\Users\me\.ssh:/h`, `fs C:\Users\me\.ssh rw loud`},
		{`c:/Users/me/.aws:/h:ro`, `fs c:/Users/me/.aws loud`},
		{`C:\:/h`, `fs C:\ rw loud`},
		{`D:/:/h`, `fs D:/ rw loud`},
		{`C:\Users\me:/h`, `fs C:\Users\me rw loud`},
		{`C:\\Users\\me\\.ssh:/h`, `fs C:\\Users\\me\\.ssh rw loud`},
		{`C:\data\app:/h`, `fs C:\data\app rw`},
		{`//./pipe/docker_engine://./pipe/docker_engine`, `fs //./pipe/docker_engine rw loud`},
		{`\\.\pipe\docker_engine:\\.\pipe\docker_engine`, `fs \\.\pipe\docker_engine rw loud`},
		{`data:/h`, `fs volume data rw`},
	} {
		gs, _ := dockerSet(t, "-v", c.val, "img")
		if !gs[c.want] {
			t.Errorf("-v %s: grants %v lack %q", c.val, gs, c.want)
		}
	}
}
