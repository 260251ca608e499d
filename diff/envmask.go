package diff

import (
	"github.com/razukc/capgate-action/compiler"
	"github.com/razukc/capgate-action/sandbox"
)

// noteMaskedEnv marks the injected variables that the bwrap argv also sets
// itself (PATH and HOME, after --clearenv). The bwrap read-back sees the
// name either way, so the injection would show under docker only, as a
// plain injection. Under bwrap the outcome depends on the launcher: a
// --setenv passed after the argv (as docs/enforcement.md describes)
// replaces the sandbox's own value with the host's, one passed before it is
// dropped by --clearenv (enforce/bwrap_order_test.go runs both). The change is listed for bwrap too, with a note
// saying so.
func noteMaskedEnv(cs []Change, base, head *compiler.Result) []Change {
	ba, ha := base.Artifacts.Get(compiler.TargetBwrap), head.Artifacts.Get(compiler.TargetBwrap)
	if ba == nil || ha == nil {
		return cs
	}
	var set map[string]string
	for i := range cs {
		if cs[i].Kind == kEnv && cs[i].Severity == Widened && set == nil {
			set = sandboxSets(sandbox.ReadBwrap(ha.Argv))
		}
		c := &cs[i]
		v, ok := set[c.After]
		if c.Kind != kEnv || c.Severity != Widened || !ok || !contains(ha.EnvInjections, c.After) || contains(ba.EnvInjections, c.After) {
			continue
		}
		if !c.Target.Has(compiler.TargetBwrap) {
			c.Target = compiler.TargetBwrap + "," + c.Target
		}
		c.Why += "; under bwrap the emitted argv sets " + c.After + "=" + v + " itself: the injected value reaches the process only when the launcher passes its --setenv after the argv, where it replaces " + v + ", and --clearenv drops it when passed before"
	}
	return cs
}

// sandboxSets maps each variable the sandbox sets itself (not passed from
// the host) to its value.
func sandboxSets(s *sandbox.Sandbox) map[string]string {
	m := map[string]string{}
	for _, e := range s.Env {
		if !e.Passed {
			m[e.Name] = e.Value
		}
	}
	return m
}
