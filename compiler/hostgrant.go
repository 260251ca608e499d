package compiler

import (
	"strconv"
	"strings"
)

// What the host-format targets share about holding a declared rule: the
// unenforceable entries for rules held more widely than declared or not
// at all. The paths they mount are the policy's exposures (Mount.Host).

// globChars are the characters that make a declared fs path a pattern
// for capgate (Mount.Glob) and for srt (containsGlobChars, which adds '?',
// a character no capgate path holds).
const globChars = "*?[]"

var globSet = byteSet(globChars)

// fsGrantText is the capability an fs grant amounts to: the capability as
// written when one made it, else the actions capgate merged into it
// ("fs:read,write:/p"), a path holding ':' quoted.
func fsGrantText(g *FSGrant) string {
	if len(g.Srcs) == 1 {
		return written(g.Srcs[0])
	}
	var acts []string
	for _, a := range [...]struct {
		on   bool
		name string
	}{{g.Read, "read"}, {g.Write, "write"}, {g.Create, "create"}, {g.Delete, "delete"}} {
		if a.on {
			acts = append(acts, a.name)
		}
	}
	p := g.Path
	if strings.ContainsRune(p, ':') {
		p = strconv.Quote(p)
	}
	return "fs:" + strings.Join(acts, ",") + ":" + p
}

// written is capability c as written, without its refinements (from the
// first '?', as capgate splits them).
func written(c CapString) string {
	t, _, _ := strings.Cut(c.Text, "?")
	return t
}

// fsEntry is the unenforceable entry of fs grant g: its file holds it only
// as excess says (nil: not at all, the grant is left out).
func fsEntry(g *FSGrant, excess []string, why string) Unenforceable {
	return Unenforceable{Kind: KindFS, Grant: fsGrantText(g), Excess: excess, Reason: why, Srcs: g.Srcs}
}

// createExcess lists fs grant g when it creates without writing: host
// mounts the path read-write (a mount cannot allow new files only), so
// the server can also overwrite and delete the files already there, and
// read them when g does not read. (capgate's delete implies write, and
// write implies read, so only create stands alone.)
func createExcess(u []Unenforceable, g *FSGrant, host string) []Unenforceable {
	if !g.Create || g.Write {
		return u
	}
	excess := []string{"write", "delete"}
	if !g.Read {
		excess = []string{"read", "write", "delete"}
	}
	return append(u, fsEntry(g, excess, host+" mounts the path read-write (a mount cannot allow creating files only): the server can also overwrite, delete and read the files already there."))
}

// netEntry is the unenforceable entry of egress rule n.
func netEntry(n *NetGrant, excess []string, why string) Unenforceable {
	return Unenforceable{Kind: KindNet, Rule: n.rule(), Excess: excess, Reason: why, Srcs: n.Srcs}
}

// namedEntry is the unenforceable entry of an env, exec or ipc grant: its
// capability as written when one made it, else kind:action:name (a name
// holding ':' quoted).
func namedEntry(kind CapKind, action, name string, srcs []CapString, excess []string, why string) Unenforceable {
	grant := string(kind) + ":" + action + ":" + name
	switch {
	case len(srcs) == 1:
		grant = written(srcs[0])
	case strings.ContainsRune(name, ':'):
		grant = string(kind) + ":" + action + ":" + strconv.Quote(name)
	}
	return Unenforceable{Kind: kind, Grant: grant, Excess: excess, Reason: why, Srcs: srcs}
}

// ipcEntry is the unenforceable entry of ipc endpoint g.
func ipcEntry(g *NamedGrant, why string) Unenforceable {
	return namedEntry(KindIPC, "connect", g.Name, g.Srcs, nil, why)
}

// hostEntries lists what no host-format file can hold: an exec allow-list
// (every binary the sandbox can read runs, which execExcess names) and,
// when envExcess is set, an environment allow-list (the host passes in
// envExcess as well: srt passes the caller's whole environment). host
// names the consumer; envHow says how its variables are passed.
func hostEntries(p *Policy, host, envHow, envExcess, execExcess string) []Unenforceable {
	var out []Unenforceable
	for i := range p.Env {
		e := &p.Env[i]
		if envExcess == "" {
			continue
		}
		out = append(out, namedEntry(KindEnv, envAction(e), e.Name, e.Srcs, []string{envExcess},
			host+" cannot hold an environment allow-list: "+envHow+"."))
	}
	for i := range p.Exec {
		e := &p.Exec[i]
		out = append(out, namedEntry(KindExec, "spawn", e.Name, e.Srcs, []string{execExcess},
			host+" cannot restrict which binaries run; "+e.Name+" is resolved from PATH and must be present."))
	}
	return out
}

// envAction is the action an env grant holds ("inject", "read" or both).
func envAction(e *EnvGrant) string {
	switch {
	case e.Read && e.Inject:
		return "read,inject"
	case e.Read:
		return "read"
	}
	return "inject"
}

// assertNotes are the notes for the declared guarantees, which no file
// holds (they are for review).
func assertNotes(p *Policy, host string) []string {
	var notes []string
	for _, as := range p.Assert {
		notes = append(notes, "assert: "+as.ID+" — not enforced by "+host+" (a declared guarantee, for review)")
	}
	return notes
}
