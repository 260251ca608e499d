package launch

import (
	"path"
	"strings"
)

// Variables are kept symbolic: a config is judged for every value they
// may take. Each client expands its own syntaxes (docs/launch/*.md):
//
//   - Claude Code: ${VAR} and ${VAR:-default}; a bare $VAR stays literal.
//     In a plugin's manifest ${CLAUDE_PLUGIN_ROOT} is the plugin's
//     directory and ${CLAUDE_PROJECT_DIR} the user's project, any path.
//   - VS Code and Cursor: ${workspaceFolder}, ${userHome}, ${env:NAME},
//     ${input:id}, ${config:…}, ${command:…} and the other predefined
//     variables; $VAR and ${VAR} without a prefix stay literal.
//   - Gemini CLI: $VAR, ${VAR} and ${VAR:-default}.
//   - Codex: nothing.
//
// A leading ~ is read as the home directory for every client (whether the
// client expands it is unverified, and reading it as home fails closed).

// varRef is one variable reference found in a string.
type varRef struct {
	start, end int    // byte range in the string
	name       string // HOME, env:HOME, workspaceFolder, input:x
	def        string // the ${VAR:-default} default
}

// expands reports whether client c substitutes the reference written
// with braces (brace) and named name.
func expands(c Client, name string, brace bool) bool {
	switch c {
	case ClaudeCode, ClaudePlugin:
		return brace
	case VSCode, Cursor:
		if !brace {
			return false
		}
		if i := strings.IndexByte(name, ':'); i > 0 {
			switch name[:i] {
			case "env", "input", "config", "command",
				// ${workspaceFolder:NAME}: the folder of that name in a
				// multi-root workspace, which may be anywhere.
				"workspaceFolder", "workspaceFolderBasename", "workspaceRoot":
				return true
			}
			return false
		}
		switch name {
		case "workspaceFolder", "workspaceFolderBasename", "userHome", "pathSeparator", "/",
			"workspaceRoot", "file", "cwd", "execPath", "fileWorkspaceFolder":
			return true
		}
		return false
	case Gemini:
		return true
	}
	return false
}

// refs lists the variable references in s that client c expands.
func refs(c Client, s string) []varRef {
	var out []varRef
	for i := 0; i < len(s); i++ {
		if s[i] != '$' || i+1 >= len(s) {
			continue
		}
		if s[i+1] == '{' {
			j := strings.IndexByte(s[i+2:], '}')
			if j < 0 {
				break // no brace closes this one, nor any later one
			}
			body := s[i+2 : i+2+j]
			name, def, _ := strings.Cut(body, ":-")
			if c == VSCode || c == Cursor {
				name, def = body, ""
			}
			if name != "" && expands(c, name, true) {
				out = append(out, varRef{start: i, end: i + 3 + j, name: name, def: def})
			}
			i += 2 + j
			continue
		}
		j := i + 1
		for j < len(s) && (s[j] == '_' || isAlnum(s[j])) {
			j++
		}
		if j > i+1 && !isDigit(s[i+1]) && expands(c, s[i+1:j], false) {
			out = append(out, varRef{start: i, end: j, name: s[i+1 : j]})
			i = j - 1
		}
	}
	return out
}

func isAlnum(b byte) bool { return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || isDigit(b) }
func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// homeVar reports whether a variable named name stands for the home
// directory.
func homeVar(name string) bool {
	switch name {
	case "HOME", "env:HOME", "userHome", "USERPROFILE", "env:USERPROFILE":
		return true
	}
	return false
}

// workspaceVar reports whether a variable named name stands for the
// project the config of client c belongs to: in a Claude Code plugin's
// manifest the plugin's directory (CLAUDE_PLUGIN_ROOT), not the project
// the user runs it in.
func workspaceVar(c Client, name, def string) bool {
	switch name {
	case "workspaceFolder", "workspaceRoot", "fileWorkspaceFolder":
		return true
	case "CLAUDE_PROJECT_DIR":
		return c == ClaudeCode && (def == "" || def == ".")
	case "CLAUDE_PLUGIN_ROOT":
		return c == ClaudePlugin && def == ""
	}
	return false
}

// Symbolic is a value with its variables read: Text has home references
// rewritten to "~" and project references to "${workspaceFolder}"; Unknown
// lists the other variables the client expands, which may be anything.
type Symbolic struct {
	Text    string
	Unknown []string
}

// symbolic reads s as client c expands it.
func symbolic(c Client, s string) Symbolic {
	rs := refs(c, s)
	var b strings.Builder
	var out Symbolic
	last := 0
	for _, r := range rs {
		b.WriteString(s[last:r.start])
		switch {
		case homeVar(r.name):
			b.WriteString("~")
		case workspaceVar(c, r.name, r.def):
			b.WriteString("${workspaceFolder}")
		default:
			b.WriteString(s[r.start:r.end])
			out.Unknown = append(out.Unknown, s[r.start:r.end])
		}
		last = r.end
	}
	b.WriteString(s[last:])
	out.Text = b.String()
	return out
}

// judgePath reads a host path p (a mount source, a settings file) as
// client c expands it: the path kept symbolic, and why it is loud when it
// is a home directory or holds a variable that may be any path.
func judgePath(c Client, p string) (key, loud string) {
	s := symbolic(c, p)
	key = s.Text
	key, climbs := cleanSymbolic(key)
	switch {
	case climbs:
		return key, "climbs with \"..\" above where it starts: any directory above it, the home directory included (fail closed)"
	case len(s.Unknown) > 0:
		return key, "holds " + strings.Join(s.Unknown, ", ") + ", which the client fills in at launch: any path (fail closed)"
	case homeLoud(key):
		return key, "the home directory or a dot-directory in it (" + key + "): the user's credentials, ssh keys and shell start-up files"
	}
	if w := windowsLoud(s.Text); w != "" {
		return s.Text, w // as written: cleaning would read //./pipe as /pipe
	}
	return key, ""
}

// driveLetter reports whether s is a Windows drive letter ("C").
func driveLetter(s string) bool {
	return len(s) == 1 && (s[0]|0x20 >= 'a' && s[0]|0x20 <= 'z')
}

// windowsPath reports whether p is a Windows path: a drive (C:\x, c:/x)
// or a UNC or device path (\\.\pipe\x, //./pipe/x).
func windowsPath(p string) bool {
	q := strings.ReplaceAll(p, `\`, "/")
	return (len(q) >= 2 && driveLetter(q[:1]) && q[1] == ':') || strings.HasPrefix(q, "//")
}

// hostPath reports whether rel, a path a config names, is a place of the
// host rather than of the repository's tree: absolute (/, a Windows drive
// or UNC path), at ~, or holding a variable.
func hostPath(rel string) bool {
	return strings.HasPrefix(rel, "/") || strings.HasPrefix(rel, "~") || strings.Contains(rel, "$") || windowsPath(rel)
}

// aboveRoot reports whether full, a cleaned slash path relative to the
// tree's root, leads above that root.
func aboveRoot(full string) bool { return full == ".." || strings.HasPrefix(full, "../") }

// driveLoud says why a Windows drive path is loud (Docker Desktop on
// Windows binds drive paths, and its engine listens on a named pipe), or
// "": the engine's pipe, a whole drive, a user profile or its dotfiles.
// windowsLoud asks it after its own spellings.
func driveLoud(p string) string {
	q := strings.ReplaceAll(p, `\`, "/")
	if strings.HasPrefix(strings.ToLower(q), "//./pipe/docker") {
		return "the Docker engine's named pipe (" + p + "): control of the host's container engine"
	}
	if len(q) < 2 || !driveLetter(q[:1]) || q[1] != ':' {
		return ""
	}
	segs := strings.Split(strings.Trim(path.Clean("/"+q[2:]), "/"), "/")
	switch {
	case segs[0] == "":
		return "a whole Windows drive (" + p + "): every file of the host"
	case strings.EqualFold(segs[0], "Users") && (len(segs) <= 2 || strings.HasPrefix(segs[2], ".")):
		return "a Windows user profile or its dotfiles (" + p + "): the user's credentials, ssh keys and tokens"
	}
	return ""
}

// homeLoud reports whether the symbolic path p is the home directory, or
// at or under a dot-file or dot-directory of it (.ssh, .aws, .bashrc,
// .config, …), other than the package caches .npm and .cache.
func homeLoud(p string) bool {
	if p == "~" || p == "~/" || p == "~/." {
		return true
	}
	rest, ok := strings.CutPrefix(p, "~/")
	if !ok {
		return false
	}
	first, _, _ := strings.Cut(rest, "/")
	switch first {
	case ".npm", ".cache":
		return false
	case "..", "":
		return true
	}
	return strings.HasPrefix(first, ".")
}

// cleanSymbolic resolves the . and .. segments of a symbolic path
// lexically, as the kernel resolves them once the variables are filled
// in: an absolute path as path.Clean does; any other path below its first
// segment (~, ${workspaceFolder}, ${input:x}, .), which is kept. A ..
// that climbs above that first segment leaves p as written, with climbs
// set: it may be any path.
func cleanSymbolic(p string) (clean string, climbs bool) {
	if strings.HasPrefix(p, "/") {
		return path.Clean(p), false
	}
	segs := strings.Split(p, "/")
	if segs[0] == ".." {
		return p, true
	}
	out := segs[:1]
	dirty := false
	for _, s := range segs[1:] {
		switch s {
		case "", ".":
			dirty = true
		case "..":
			if len(out) == 1 {
				return p, true
			}
			out, dirty = out[:len(out)-1], true
		default:
			out = append(out, s)
		}
	}
	if !dirty {
		return p, false
	}
	return strings.Join(out, "/"), false
}

// windowsSpelled judges a host path in a Windows spelling (C:\Users\me,
// C:/Users/me, /c/Users/me of Git Bash, /mnt/c/Users/me of WSL,
// /host_mnt/c/… of Docker Desktop, \\.\pipe\NAME): a user profile, a
// dot-directory or AppData in it, and any named pipe (the engine's is
// docker_engine) are loud; "" for anything else.
func windowsSpelled(p string) string {
	s := strings.ToLower(strings.ReplaceAll(p, `\`, "/"))
	if strings.HasPrefix(s, "//./pipe/") || strings.HasPrefix(s, "//?/pipe/") {
		return "a Windows named pipe (" + p + "): a host service's endpoint; //./pipe/docker_engine is the container engine, which is root on the host"
	}
	for _, pre := range []string{"/mnt/", "/host_mnt/", "//", "/"} {
		if rest, ok := strings.CutPrefix(s, pre); ok && len(rest) >= 2 && rest[1] == '/' && rest[0] >= 'a' && rest[0] <= 'z' {
			s = rest[1:]
			break
		}
	}
	if len(s) >= 3 && s[1] == ':' && s[2] == '/' {
		s = s[2:]
	}
	rest, ok := strings.CutPrefix(s, "/users/")
	if !ok || rest == "" {
		return ""
	}
	_, sub, _ := strings.Cut(rest, "/")
	first, _, _ := strings.Cut(sub, "/")
	if sub == "" || homeLoud("~/"+sub) || first == "appdata" {
		return "a Windows user profile, or a dot-directory or AppData in it (" + p + "): the user's credentials, ssh keys and tokens"
	}
	return ""
}

// windowsLoud says why a host path in a Windows spelling is loud, or "":
// the spellings of windowsSpelled first, then a whole drive (driveLoud).
func windowsLoud(p string) string {
	if w := windowsSpelled(p); w != "" {
		return w
	}
	return driveLoud(p)
}
