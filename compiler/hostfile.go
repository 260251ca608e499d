package compiler

import (
	"strconv"
)

// What the host-format targets (toolhive, mcp-gateway, srt) share: each
// writes one JSON policy file with jsonw and notes what the file cannot
// say. None is one of capgate's four, so none is on Compile's path: they
// build their strings plainly, not in the arena.

func (w *jsonw) boolean(v bool) { w.b = strconv.AppendBool(w.b, v) }

func (w *jsonw) integer(n int) { w.b = strconv.AppendInt(w.b, int64(n), 10) }

// jsonFile returns the text f writes, indented by two spaces.
func jsonFile(f func(w *jsonw)) string {
	w := &jsonw{indent: "  "}
	f(w)
	return string(w.b)
}

// envNames are the variables a sandbox passes in: every env grant, and
// DISPLAY for x11, as bwrap and docker list them (once here).
func envNames(p *Policy) []string {
	var out []string
	for _, e := range p.Env {
		out = append(out, e.Name)
	}
	if p.hasIPC("x11") && !containsString(out, "DISPLAY") {
		out = append(out, "DISPLAY")
	}
	return out
}

func containsString(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// rule returns the egress rule of grant n.
func (n *NetGrant) rule() EgressRule {
	return EgressRule{Host: n.Host, Port: n.Port, BlockPrivate: n.BlockPrivate}
}

// hostPort writes host and port as "host:port", bracketing an IPv6
// literal; port 0 gives the host alone.
func hostPort(n *NetGrant) string {
	h := n.Host
	if v6, ok := n.literal(); ok && v6 {
		h = "[" + h + "]"
	}
	if n.Port == 0 {
		return h
	}
	return h + ":" + strconv.Itoa(n.Port)
}
