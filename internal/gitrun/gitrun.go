// Package gitrun runs git. Every git process capgate starts goes through
// it, so that each gets the same environment: no terminal prompt, no
// optional locks, and only the variables git needs from capgate's own
// environment (no GIT_DIR, GIT_INDEX_FILE or GIT_CONFIG_PARAMETERS
// inherited from a caller to redirect what is read, no tokens).
package gitrun

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// kept are the variables passed on to git from the environment: where to
// find programs and configuration, temporary files, proxies and
// certificates for a fetch, an SSH agent, and GIT_CONFIG_NOSYSTEM, which
// only ever removes configuration.
var kept = map[string]bool{
	"PATH": true, "HOME": true, "XDG_CONFIG_HOME": true, "TMPDIR": true, "SYSTEMROOT": true,
	"HTTP_PROXY": true, "HTTPS_PROXY": true, "NO_PROXY": true, "ALL_PROXY": true,
	"http_proxy": true, "https_proxy": true, "no_proxy": true, "all_proxy": true,
	"SSL_CERT_FILE": true, "SSL_CERT_DIR": true, "GIT_SSL_CAINFO": true, "GIT_SSL_CAPATH": true,
	"SSH_AUTH_SOCK": true, "GIT_CONFIG_NOSYSTEM": true,
}

// Env is the environment of every git process: the kept variables of
// environ (os.Environ's form), then GIT_TERMINAL_PROMPT=0,
// GIT_OPTIONAL_LOCKS=0 and LC_ALL=C (git's messages, which errors quote,
// in one language).
func Env(environ []string) []string {
	var env []string
	for _, kv := range environ {
		if k, _, ok := strings.Cut(kv, "="); ok && kept[k] {
			env = append(env, kv)
		}
	}
	return append(env, "GIT_TERMINAL_PROMPT=0", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C")
}

// Repo runs git in one repository.
type Repo struct {
	// Dir is the repository's work tree or git directory; "" means the
	// working directory.
	Dir string
	// Setup, when not nil, adjusts each command before it starts (the
	// action runs git as the owner of a workspace it does not own, and
	// bounds how long a killed command may hold its pipes).
	Setup func(*exec.Cmd)
}

// Command returns git with args, not started, in r.Dir with Env.
func (r Repo) Command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = r.Dir
	cmd.Env = Env(os.Environ())
	if r.Setup != nil {
		r.Setup(cmd)
	}
	return cmd
}

// Output runs git with args, stdin (nil for none) as its input, and
// returns its standard output. A failure is an error that names the git
// command and quotes what git wrote on its standard error.
func (r Repo) Output(ctx context.Context, stdin io.Reader, args ...string) ([]byte, error) {
	return r.Start(ctx, stdin, args...).Wait()
}

// Running is a git command started by Start, whose output Wait returns.
type Running struct {
	cmd         *exec.Cmd
	args        []string
	out, stderr bytes.Buffer
	err         error // starting it
}

// Start starts git with args and stdin (nil for none) as Output runs it;
// Wait returns what Output would. A caller starts several commands before
// waiting for the first (the order of their starts is then its own).
func (r Repo) Start(ctx context.Context, stdin io.Reader, args ...string) *Running {
	p := &Running{cmd: r.Command(ctx, args...), args: args}
	p.cmd.Stdin = stdin
	p.cmd.Stdout = &p.out
	p.cmd.Stderr = &p.stderr
	p.err = p.cmd.Start()
	return p
}

// Wait waits for p to end and returns its standard output, or an error
// that names the git command and quotes its standard error.
func (p *Running) Wait() ([]byte, error) {
	err := p.err
	if err == nil {
		err = p.cmd.Wait()
	}
	if err != nil {
		return p.out.Bytes(), fmt.Errorf("git %s: %w: %s", p.args[0], err, strings.TrimSpace(p.stderr.String()))
	}
	return p.out.Bytes(), nil
}

// CombinedOutput runs git with args and returns what it wrote on both
// outputs, for a command whose messages are the report (git fetch).
func (r Repo) CombinedOutput(ctx context.Context, args ...string) ([]byte, error) {
	return r.Command(ctx, args...).CombinedOutput()
}
