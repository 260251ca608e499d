package launch

import (
	"bytes"
	"strings"
	"unicode"
)

// resolveEnvFiles finds the tree path of each env file of e's grants that
// lies inside the repository (docker's and podman's --env-file, resolved
// against the working directory by rebaseCwd; a client's envFile) as the
// grant's File, so that the file's content is part of the grant and its
// variables can be judged (EnvFileGrants). A docker or podman env file
// outside the repository is a host file read into the sandbox's
// environment (/etc/shadow, a runner's secrets): loud.
func resolveEnvFiles(c Client, cfgPath string, e *Entry) {
	for i := range e.Grants {
		g := &e.Grants[i]
		if g.Kind != GEnvFile || g.Loud {
			continue
		}
		if p, ok := inTree(cfgPath, c, g.Key, ""); ok && p != "." && !windowsPath(g.Key) {
			g.File = p
			continue
		}
		switch {
		case !g.launcher && (e.Kind == Docker || e.Kind == Podman):
			g.Loud, g.Why = true, g.Why+"; a host file outside the repository ("+g.Key+"): whatever it holds on the host is read into the sandbox's environment"
		case g.launcher && e.Kind != Bare && e.Kind != Shell && e.Kind != Remote && e.Kind != Disabled:
			// The launcher's own environment: LD_PRELOAD, PATH,
			// NODE_OPTIONS… from a file the pull request does not hold,
			// one the sandboxed server may write included.
			g.Loud, g.Why = true, g.Why+"; a host file outside the repository ("+g.Key+"): whatever it holds sets the environment of the launcher, which runs on the host (LD_PRELOAD, PATH, NODE_OPTIONS there are host control), and the sandboxed server may be able to write it"
		}
	}
}

// envLine splits env file line l (trimmed: its leading space, or for a
// launcher both ends as JavaScript trims) into the
// name and the value it sets, has false for a bare name: as docker reads
// --env-file (NAME=VALUE as written), or, for a client's envFile
// (launcher), as VS Code's parser does: the line trimmed (a BOM too),
// "export " dropped, the first '=' or ':' the separator, name and value
// trimmed (PATH = ./bin and NODE_OPTIONS: … set PATH and NODE_OPTIONS).
func envLine(l string, launcher bool) (name, val string, has bool) {
	if !launcher {
		return strings.Cut(l, "=")
	}
	l = jsTrim(strings.TrimPrefix(l, "export "))
	i := strings.IndexAny(l, "=:")
	if i < 0 {
		return l, "", false
	}
	return jsTrim(l[:i]), jsTrim(l[i+1:]), true
}

// jsTrim trims s as JavaScript's String.prototype.trim does: white space
// and line ends, the byte order mark U+FEFF included.
func jsTrim(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return r == '\ufeff' || (unicode.IsSpace(r) && r != '\u0085') })
}

// EnvFileGrants reads the env file data that g, a grant of e with a File,
// names into the variables it sets, as the grants the same variables
// would be when written in the config: NAME=VALUE a literal value, a bare
// NAME the host's value copied in (docker's and podman's --env-file, read
// as docker reads it: one variable a line, # comments). A client's own
// envFile sets them for the client's process, the launcher: a loader
// variable (LD_PRELOAD, PATH…) is host control, an engine variable
// (DOCKER_HOST…) points a docker or podman entry's CLI elsewhere. Each
// grant is placed at g.
func (e *Entry) EnvFileGrants(g Grant, data []byte) []Grant {
	var out []Grant
	var names, vals []string
	var at []Pos
	if g.launcher {
		// VS Code ends a line at CR LF, LF or a lone CR.
		data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\r"), []byte("\n"))
	}
	for _, line := range bytes.Split(data, []byte("\n")) {
		l := strings.TrimLeftFunc(strings.TrimSuffix(string(line), "\r"), unicode.IsSpace)
		if g.launcher {
			l = jsTrim(l)
		}
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		name, val, has := envLine(l, g.launcher)
		v := Grant{Kind: GEnv, Key: name, Pos: g.Pos, Why: "the host's value of " + name + " is copied in (" + g.File + ")"}
		if has {
			v.Key, v.Why = name+"="+val, "set to a literal value ("+g.File+")"
			names, vals, at = append(names, name), append(vals, val), append(at, g.Pos)
		}
		out = append(out, v)
	}
	if g.launcher {
		host := Entry{Kind: e.Kind}
		engineEnv(&host, names, vals, at)
		out = append(out, host.Grants...)
	}
	return out
}
