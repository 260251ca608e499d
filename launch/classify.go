package launch

import (
	"path"
	"sort"
	"strings"
)

func sortStrings(s []string) { sort.Strings(s) }

// program is the name a command runs as: its base name, without a
// Windows .exe or .cmd suffix.
func program(cmd string) string {
	b := path.Base(strings.ReplaceAll(cmd, `\`, "/"))
	for _, s := range []string{".exe", ".cmd", ".bat"} {
		b = strings.TrimSuffix(b, s)
	}
	return b
}

var shells = map[string]bool{"sh": true, "bash": true, "zsh": true, "dash": true, "ash": true, "ksh": true,
	"fish": true, "cmd": true, "powershell": true, "pwsh": true}

// srtPackages are the npm names of srt.
var srtPackages = map[string]bool{"@anthropic-ai/sandbox-runtime": true}

// classify reads argv (the command first) into e's kind, grants and what
// it runs. The variables an env in front sets are judged as the entry's
// own env is, for the launcher it runs: env DOCKER_HOST=tcp://… docker run
// points the CLI elsewhere as "env": {"DOCKER_HOST": …} does, and each is
// keyed with its value.
func classify(c Client, e *Entry, argv []arg) {
	var pre envVars
	classifyArgv(c, e, argv, &pre)
	engineVars(e, pre.names, pre.vals, pre.at)
}

// envVars are variables set in front of a command (env NAME=VALUE …), in
// order.
type envVars struct {
	names, vals []string
	at          []Pos
}

func classifyArgv(c Client, e *Entry, argv []arg, pre *envVars) {
	for hops := 0; len(argv) > 0 && hops < 8; hops++ {
		prog := program(argv[0].s)
		rest := argv[1:]
		if localProgram(argv[0].s) {
			localEntry(e, prog, argv)
			return
		}
		switch {
		case prog == "docker" || prog == "podman" || prog == "nerdctl":
			dockerEntry(c, e, prog, argv[0].pos, rest)
			return
		case prog == "srt":
			srtEntry(c, e, rest)
			return
		case prog == "bwrap":
			bwrapEntry(c, e, rest)
			return
		case shells[prog]:
			// The shell itself runs on the host, outside any sandbox,
			// whatever its string starts: as a bare command, host control.
			e.Kind = Shell
			e.Grants = append(e.Grants, Grant{Kind: GHost, Key: "no sandbox", Loud: true, Pos: argv[0].pos,
				Why: "runs the shell " + prog + " on the host: no sandbox, every file, variable and network right of the user who starts the client"})
			e.Unjudged = append(e.Unjudged, Note{Text: "runs through the shell " + prog + ": what the shell string starts cannot be judged (fail closed)", Pos: argv[0].pos})
			e.Runs = strings.Join(texts(argv), " ")
			return
		case prog == "env":
			// env [-i] [NAME=VALUE…] CMD: the command runs with those
			// variables; -i clears the rest.
			argv = skipEnv(e, rest, pre)
			continue
		case prog == "sudo" || prog == "doas":
			e.Grants = append(e.Grants, Grant{Kind: GHost, Key: prog, Loud: true, Pos: argv[0].pos, Why: "runs as root on the host"})
			argv = skipFlags(rest)
			continue
		case (prog == "npx" || prog == "bunx" || prog == "pnpm" || prog == "yarn") && srtPackage(rest):
			if cmd, ok := afterPackageFlag(rest); ok {
				// -p PKG CMD: CMD runs, with PKG installed.
				argv = cmd
				continue
			}
			srtEntry(c, e, afterPackage(rest))
			return
		}
		bareEntry(e, prog, argv, "runs bare ("+prog+")")
		return
	}
	if e.Kind == "" {
		e.Kind = Shell
		e.Unjudged = append(e.Unjudged, Note{Text: "the command could not be read (empty, or too many wrappers)", Pos: e.Pos})
		e.Grants = append(e.Grants, unreadCommand(e.Pos))
	}
}

// unreadCommand is the host control of a command the reader could not
// read: it starts on the host, and what it is (a sandbox launcher or the
// server itself) is not known. The row that says so was widened but not
// loud, so fail-on loud passed nine env wrappers around a docker run of /.
func unreadCommand(at Pos) Grant {
	return Grant{Kind: GHost, Key: "unread command", Loud: true, Pos: at,
		Why: "a command the reader could not read starts on the host: it may run the server with no sandbox (fail closed)"}
}

func texts(argv []arg) []string {
	out := make([]string, len(argv))
	for i, a := range argv {
		out[i] = a.s
	}
	return out
}

func skipEnv(e *Entry, argv []arg, pre *envVars) []arg {
	for len(argv) > 0 {
		s := argv[0].s
		switch {
		case s == "-i" || s == "--ignore-environment" || s == "-":
		case strings.HasPrefix(s, "-"):
			e.Unjudged = append(e.Unjudged, Note{Text: "env option " + s + " is not read (fail closed)", Pos: argv[0].pos})
		case strings.Contains(s, "="):
			name, val, _ := strings.Cut(s, "=")
			e.Grants = append(e.Grants, Grant{Kind: GEnv, Key: name, Pos: argv[0].pos, Why: "set by env"})
			if loaderVar(name) {
				e.Grants = append(e.Grants, loaderGrant(name, val, argv[0].pos))
			}
			pre.names, pre.vals, pre.at = append(pre.names, name), append(pre.vals, val), append(pre.at, argv[0].pos)
		default:
			return argv
		}
		argv = argv[1:]
	}
	return argv
}

func skipFlags(argv []arg) []arg {
	for len(argv) > 0 && strings.HasPrefix(argv[0].s, "-") {
		argv = argv[1:]
	}
	return argv
}

func srtPackage(argv []arg) bool {
	for _, a := range argv {
		if strings.HasPrefix(a.s, "-") || a.s == "exec" || a.s == "dlx" {
			continue
		}
		return srtPackages[packageName(a.s)]
	}
	return false
}

// afterPackageFlag returns the command npx (npm exec) runs when argv
// names its packages by -p or --package: the first word after the
// options, which runs with them installed (npx -p PKG bash runs bash, not
// PKG). ok is false without such an option.
func afterPackageFlag(argv []arg) (cmd []arg, ok bool) {
	for i := 0; i < len(argv); i++ {
		s := argv[i].s
		switch {
		case s == "-p" || s == "--package":
			ok = true
			i++
		case strings.HasPrefix(s, "--package="):
			ok = true
		case s == "exec" || s == "dlx" || strings.HasPrefix(s, "-"):
		default:
			return argv[i:], ok
		}
	}
	return nil, ok
}

func afterPackage(argv []arg) []arg {
	for i, a := range argv {
		if srtPackages[packageName(a.s)] {
			return argv[i+1:]
		}
	}
	return nil
}

// packageName strips a version from an npm or PyPI spec:
// "@scope/name@1.2" is "@scope/name", "pkg==1.0" is "pkg".
func packageName(s string) string {
	if strings.HasPrefix(s, "@") {
		if i := strings.IndexByte(s[1:], '@'); i >= 0 {
			return s[:i+1]
		}
		return s
	}
	for _, sep := range []string{"@", "==", ">=", "<=", "~=", "["} {
		if i := strings.Index(s, sep); i > 0 {
			s = s[:i]
		}
	}
	return s
}

// localProgram reports whether cmd names its program by a path of the
// repository or of the user's, not one the system's PATH finds nor an
// absolute one: relative with a directory (./tools/docker, bin/srt), or
// starting with a variable the client fills in or ~. What runs is that
// file, whatever its name says.
func localProgram(cmd string) bool {
	c := strings.ReplaceAll(cmd, `\`, "/")
	switch {
	case strings.HasPrefix(c, "$"), strings.HasPrefix(c, "~"), strings.HasPrefix(c, "%"):
		return true
	case strings.HasPrefix(c, "/"), windowsPath(c):
		return false
	}
	return strings.Contains(c, "/")
}

// localEntry is a command named by a path of the repository or the
// user's: bare, however the file is named (./tools/docker is no sandbox).
func localEntry(e *Entry, prog string, argv []arg) {
	bareEntry(e, prog, argv, "runs "+argv[0].s+", a file at a path of the repository or the user's, not a program the system provides, whatever its name")
}

// loaderVar reports whether the variable name, set for a sandbox launcher
// (docker's or podman's CLI, bwrap, srt), makes the launcher itself run
// other code on the host, outside the sandbox it starts: PATH picks which
// "docker" runs, LD_PRELOAD and its kin load a library into it,
// NODE_OPTIONS and NODE_PATH load a script into srt (a node program),
// BASH_ENV and ENV into a shell it starts.
func loaderVar(name string) bool {
	n := strings.ToUpper(name)
	switch n {
	case "PATH", "NODE_OPTIONS", "NODE_PATH", "BASH_ENV", "ENV":
		return true
	}
	return strings.HasPrefix(n, "LD_") || strings.HasPrefix(n, "DYLD_")
}

// loaderGrant is the host control of a loaderVar set to val.
func loaderGrant(name, val string, at Pos) Grant {
	return Grant{Kind: GHost, Key: "env " + name + "=" + val, Loud: true, Pos: at,
		Why: "sets " + name + " for the launcher, which runs on the host outside the sandbox it starts: it may run other code there (another program's docker, a preloaded library, a required script)"}
}

// bareEntry is a command with no sandbox: every right of the user who
// starts the client. why says what runs, for the no-sandbox grant.
func bareEntry(e *Entry, prog string, argv []arg, why string) {
	e.Kind = Bare
	e.Runs = runsOf(prog, argv[1:])
	if e.Runs == "" {
		e.Runs = argv[0].s
	}
	e.Grants = append(e.Grants, Grant{Kind: GHost, Key: "no sandbox", Loud: true, Pos: argv[0].pos,
		Why: why + ": no sandbox, every file, variable and network right of the user who starts the client"})
	if l := wrappedLauncher(argv[1:]); l != "" {
		// nice docker run …, timeout 10 bwrap …: the sandbox inside is
		// not read, so a change to it must not read as no change.
		e.Runs = strings.Join(texts(argv), " ")
		e.Unjudged = append(e.Unjudged, Note{Text: prog + " starts " + l + ", whose options the reader does not read through " + prog + " (fail closed)", Pos: argv[0].pos})
	}
}

// wrappedLauncher names the sandbox launcher (docker, podman, nerdctl,
// bwrap, srt, srt's npm package) among argv, or "".
func wrappedLauncher(argv []arg) string {
	for _, a := range argv {
		switch p := program(a.s); {
		case p == "docker" || p == "podman" || p == "nerdctl" || p == "bwrap" || p == "srt":
			return p
		case srtPackages[packageName(a.s)]:
			return packageName(a.s)
		}
	}
	return ""
}

// runsOf names the package a launcher runs: the first argument that is
// not an option (npx -y @org/server, uvx server, pipx run server).
func runsOf(prog string, argv []arg) string {
	switch prog {
	case "npx", "bunx", "uvx", "pipx", "pnpx", "pnpm", "yarn", "bun", "deno", "uv":
	default:
		return ""
	}
	for i := 0; i < len(argv); i++ {
		s := argv[i].s
		switch {
		case s == "run" || s == "exec" || s == "dlx" || s == "tool":
			continue
		case s == "--from" || s == "--package" || s == "-p" || s == "--with":
			if i+1 < len(argv) {
				return packageName(argv[i+1].s)
			}
		case strings.HasPrefix(s, "-"):
			continue
		}
		return packageName(strings.TrimPrefix(s, "npm:"))
	}
	return ""
}

// dockerEntry reads `docker run …` (or podman, nerdctl).
func dockerEntry(c Client, e *Entry, prog string, pos Pos, argv []arg) {
	e.Kind = Docker
	if prog == "podman" {
		e.Kind = Podman
	}
	argv = globalOptions(e, prog, argv)
	if len(argv) > 0 && argv[0].s == "container" {
		argv = argv[1:]
	}
	if len(argv) == 0 || argv[0].s != "run" {
		e.Kind = Shell
		sub := "(none)"
		if len(argv) > 0 {
			sub = argv[0].s
		}
		e.Unjudged = append(e.Unjudged, Note{Text: prog + " " + sub + " is not a run: what it reaches cannot be judged (fail closed)", Pos: pos})
		// The engine is root on the host, and what this has it do (a
		// compose file's services, an existing container's config) is
		// not in the argv: host control, as an unread plugin's servers
		// file is. The row was widened but not loud, so fail-on loud
		// passed a compose service that mounts / and the engine socket.
		e.Grants = append(e.Grants, Grant{Kind: GHost, Key: prog + " " + sub, Loud: true, Pos: pos,
			Why: prog + " " + sub + " has the container engine, root on the host, start or enter containers whose mounts, privileges and networks are set elsewhere (a compose file, an existing container): any of them may hold / or the engine's socket (fail closed)"})
		return
	}
	gs, image, _ := dockerGrants(c, argv[1:])
	unknownFirst(e, gs, unknownOption)
	e.Grants = append(e.Grants, gs...)
	e.Runs = image
	if image == "" {
		e.Unjudged = append(e.Unjudged, Note{Text: prog + " run names no image", Pos: pos})
	}
}

// Global options of the engines' CLIs (docker/cli cli/flags/options.go,
// podman cmd/podman/root.go, nerdctl's root flags): those that take a
// value, and the booleans. pflag gives a value option the next argument
// whatever it is spelt like.
var (
	globalValue = map[string]bool{
		"--config": true, "-c": true, "--context": true, "-H": true, "--host": true, "-l": true, "--log-level": true,
		"--tlscacert": true, "--tlscert": true, "--tlskey": true,
		"--cgroup-manager": true, "--cni-config-dir": true, "--conmon": true, "--connection": true, "--events-backend": true,
		"--hooks-dir": true, "--identity": true, "--imagestore": true, "--module": true, "--network-cmd-path": true,
		"--network-config-dir": true, "--network-backend": true, "--out": true, "--root": true, "--runroot": true,
		"--runtime": true, "--runtime-flag": true, "--ssh": true, "--storage-driver": true, "--storage-opt": true,
		"--tmpdir": true, "--url": true, "--volumepath": true, "--db-backend": true, "--cdi-spec-dir": true,
		"--namespace": true, "-n": true, "--address": true, "-a": true, "--snapshotter": true, "--cni-path": true,
		"--cni-netconfpath": true, "--data-root": true, "--hosts-dir": true, "--host-gateway-ip": true,
	}
	globalBool = map[string]bool{
		"-D": true, "--debug": true, "--tls": true, "--tlsverify": true, "-r": true, "--remote": true, "--syslog": true,
		"--transient-store": true, "--noout": true, "--insecure-registry": true, "--experimental": true, "--debug-full": true,
	}
)

// globalOptions reads the engine CLI's global options before the
// subcommand into raw grants (-H another engine, --context, --config point
// the CLI elsewhere), each keyed with its value, and returns the argv from
// the subcommand on. An option the tables do not know, followed by a word
// that may be the subcommand, may or may not take it as its value: the
// entry cannot be judged.
func globalOptions(e *Entry, prog string, argv []arg) []arg {
	for len(argv) > 0 && strings.HasPrefix(argv[0].s, "-") {
		a := argv[0]
		name, _, inline := strings.Cut(a.s, "=")
		key := a.s
		argv = argv[1:]
		switch {
		case inline || globalBool[name]:
		case globalValue[name] && len(argv) > 0:
			key, argv = a.s+" "+argv[0].s, argv[1:]
		case len(argv) > 0 && isSub(argv[0].s):
			e.Unjudged = append(e.Unjudged, Note{Text: "the global " + prog + " option " + a.s + " may take " + argv[0].s + " as its value or not: which subcommand runs cannot be told (fail closed)", Pos: a.pos})
		case len(argv) > 0:
			key, argv = a.s+" "+argv[0].s, argv[1:]
		}
		g := Grant{Kind: GRaw, Key: key, Pos: a.pos, Why: "a global " + prog + " option before the subcommand (judged widened)"}
		if hostPrograms[name] {
			g.Kind, g.Loud, g.Why = GHost, true, "a global "+prog+" option that names configuration or programs the engine's CLI runs on the host (plugins and their hooks, an OCI runtime, conmon, hooks): host control"
		}
		e.Grants = append(e.Grants, g)
	}
	return argv
}

// launcherHome says why the variable name, set for a launcher of kind k, is
// host control, or "": the launcher reads its configuration from HOME (and
// podman from XDG_CONFIG_HOME) on the host, docker's ~/.docker (CLI
// plugins and their hooks, as DOCKER_CONFIG), podman's containers.conf
// (its runtime, conmon, hooks, as CONTAINERS_CONF); srt, a node program,
// expands ~ in its rules with HOME (os.homedir), so a denyRead of ~/.ssh
// then denies another directory and the user's own is read.
func launcherHome(k Kind, name string) string {
	switch n := strings.ToUpper(name); {
	case (k == Docker || k == Podman) && (n == "HOME" || n == "XDG_CONFIG_HOME"):
		return "sets " + name + " for the engine's CLI, which reads its configuration from there on the host (docker's ~/.docker: CLI plugins, their hooks; podman's containers.conf: its runtime, conmon, hooks): host control"
	case (k == Srt || k == VSCodeSandbox) && n == "HOME":
		return "sets HOME for srt, which expands ~ in its rules with it: a denyRead of ~/.ssh then denies another directory and the user's own is readable, ~ paths allowed are elsewhere (host control)"
	}
	return ""
}

// hostPrograms are the global options and engineEnv variables that point
// the engine's CLI at configuration or programs it runs on the host as the
// user: docker's config directory (CLI plugins, their hooks run after every
// command, credential helpers), podman's runtime, conmon, OCI hooks,
// network command and containers.conf.
var hostPrograms = map[string]bool{
	"--config": true, "--conmon": true, "--hooks-dir": true, "--runtime": true, "--network-cmd-path": true,
	"--module": true, "--cni-path": true,
	"DOCKER_CONFIG": true, "CONTAINERS_CONF": true, "CONTAINERS_CONF_OVERRIDE": true, "CONTAINERS_STORAGE_CONF": true,
}

func isSub(s string) bool {
	switch s {
	case "run", "container", "exec", "start", "compose":
		return true
	}
	return false
}

// engineEnv adds a raw grant for each variable of the entry's own
// environment (names with their values, at their places) that configures
// the container engine's CLI of a docker or podman entry: DOCKER_HOST,
// DOCKER_CONTEXT, CONTAINER_HOST, CONTAINERS_CONF… point it at another
// engine or change its defaults, as -H and --context do. Each is keyed
// with its value, so pointing it at another engine is a change.
func engineEnv(e *Entry, names, vals []string, at []Pos) {
	switch e.Kind {
	case Docker, Podman, Bwrap, Srt, VSCodeSandbox:
		for i, n := range names {
			if loaderVar(n) {
				e.Grants = append(e.Grants, loaderGrant(n, vals[i], at[i]))
			}
		}
	}
	engineVars(e, names, vals, at)
}

// engineVars adds the grants of the variables that configure a docker or
// podman entry's CLI (engineEnv), and of HOME and XDG_CONFIG_HOME, where
// a launcher finds its configuration and what ~ is (launcherHome).
func engineVars(e *Entry, names, vals []string, at []Pos) {
	for i, n := range names {
		if why := launcherHome(e.Kind, n); why != "" {
			e.Grants = append(e.Grants, Grant{Kind: GHost, Key: "env " + n + "=" + vals[i], Loud: true, Pos: at[i], Why: why})
		}
	}
	if e.Kind != Docker && e.Kind != Podman {
		return
	}
	for i, n := range names {
		for _, p := range []string{"DOCKER_", "CONTAINER_", "CONTAINERS_", "CONTAINERD_", "NERDCTL_"} {
			if strings.HasPrefix(strings.ToUpper(n), p) {
				g := Grant{Kind: GRaw, Key: "env " + n + "=" + vals[i], Pos: at[i],
					Why: "sets " + n + " for the engine's CLI: it may point it at another engine or change its defaults (judged widened)"}
				if hostPrograms[strings.ToUpper(n)] {
					g.Kind, g.Loud, g.Why = GHost, true, "sets "+n+" for the engine's CLI: configuration or programs it runs on the host (plugins and their hooks, an OCI runtime, hooks): host control"
				}
				e.Grants = append(e.Grants, g)
				break
			}
		}
	}
}

// headersHelper is the command a remote entry's client runs on the host
// to make the request headers (Claude Code's headersHelper, Codex's
// http_headers_helper): a shell command outside any sandbox.
func headersHelper(field, cmd string, at Pos) Grant {
	return Grant{Kind: GHost, Key: field + ": " + cmd, Loud: true, Pos: at,
		Why: "the client runs this command on the host to make the headers: no sandbox, every right of the user who starts the client"}
}
