package cli

import (
	"errors"
	"flag"
	"fmt"
	"github.com/razukc/capgate-action/internal/source"
	"github.com/razukc/capgate-action/launch"
	"io"
	"strconv"
	"strings"

	"github.com/razukc/capgate-action/compiler"
)

// exitCode is one documented exit status of a command.
type exitCode struct {
	code    int
	meaning string
}

// command is the documentation of one subcommand: what `capgate help NAME`
// and `NAME --help` print, with the flags read from the command's own flag
// set so that a flag cannot be missing from its help.
type command struct {
	name     string
	synopsis string // the usage line, without "capgate "
	summary  string // one line for the command list
	about    string // paragraphs
	examples []string
	exits    []exitCode
}

// commands lists every subcommand in the order `capgate help` shows them.
var commands = []command{
	{
		name:     "compile",
		synopsis: "compile [--target " + targetChoices() + "] [--egress-target squid|nftables] [--permissive] [--image REF] [--pretty] <manifest.json|->\n  capgate compile --out-dir DIR [--manifests PATTERN]... [PATH...]",
		summary:  "compile a manifest to a sandbox policy, or every manifest to files",
		about: `With one manifest (or - for stdin), print its policy for one target as JSON,
compatible with capgate's own CLI. --target egress is strict: a manifest with
any kind but net and assert fails with ADAPTER_UNSUPPORTED unless --permissive.
--target mcp-gateway needs --image REF, the image the gateway runs.

With --out-dir, compile every manifest found under the PATHs (files or
directories, default .) and write one file per manifest and target to DIR,
byte-stable, so the compiled policies can be committed and reviewed:
servers/gh/capgate.json gives DIR/servers/gh/capgate.bwrap.json, .docker.json,
.squid.json and .nftables.json. Stale artifact files are removed; nothing is
written when a manifest does not compile. capgate verify checks DIR.`,
		examples: []string{
			"capgate compile servers/github/capgate.json --pretty",
			"capgate compile --target egress --egress-target nftables net.capgate.json",
			"capgate compile --target mcp-gateway --image mcp/fetch:1.0 servers/fetch/capgate.json",
			"capgate compile --out-dir policies .",
		},
		exits: []exitCode{
			{ExitOK, "compiled"},
			{ExitUsage, "usage error"},
			{ExitRead, "a manifest could not be read, is over 1 MiB (MANIFEST_TOO_LARGE) or is not one JSON value (PARSE)"},
			{ExitCompile, "a compilation error (MANIFEST_SHAPE, GRAMMAR_VERSION_MISMATCH, CAP_*, ADAPTER_UNSUPPORTED)"},
		},
	},
	{
		name:     "lint",
		synopsis: "lint [--format text|json|sarif] [--manifests PATTERN]... [--ignore RULE]... [--launch PATTERN]... [--no-launch] PATH...",
		summary:  "report every compile error and lint warning in manifests",
		about: `Each PATH is a manifest file (- for stdin) or a directory, searched for
manifests with the --manifests patterns (default **/capgate.json and
**/*.capgate.json). Every capability that does not compile is an error
finding, with the compiler's code as its rule and a hint how to fix it; every
lint rule (docs/lint.md) is a warning that says what to change, but
exec-no-dev, a note that does not change the exit code. --ignore RULE
(repeatable) leaves a rule out; compile errors cannot be left out. Text
findings read path:line:col: message [rule]. Error codes are listed in
docs/errors.md.`,
		examples: []string{
			"capgate lint .",
			"capgate lint servers/github/capgate.json",
			"capgate lint --format sarif . > lint.sarif",
		},
		exits: []exitCode{
			{ExitOK, "no findings, or notes only"},
			{ExitFail, "warnings (and notes) only"},
			{ExitUsage, "a manifest does not compile, or usage error"},
			{ExitRead, "a path could not be read"},
		},
	},
	{
		name:     "diff",
		synopsis: "diff --base B --head H [--manifests PATTERN]... [--format markdown|comment|json|sarif|text] [--fail-on loud,widened,unenforceable,error|never] [--allow-empty] [--lock FILE|none] [--allow-label LABEL|none] [--targets T,T...] [--launch PATTERN]... [--no-launch]",
		summary:  "compare what two versions of the manifests grant",
		about: `--base and --head are each a directory or a git revision of the repository
in the working directory. Manifests are found with --manifests patterns
(default **/capgate.json and **/*.capgate.json) and matched across sides by
path, following git's renames. --fail-on has the action's default
(widened,error), so a local run fails where CI fails. When no manifest
matches on either side, diff exits 2 unless --allow-empty. --lock reads an
approval lock (docs/lock.md) from the head side, capgate.lock by default as
in the action (none: no lock): widening it approves is marked approved and
does not fail. Every format but json starts with the verdict and the next
step; --format comment prints the pull request comment the action posts.`,
		examples: []string{
			"capgate diff --base origin/main --head HEAD",
			"capgate diff --base examples/base --head examples/head --format comment",
			"capgate diff --base main --head HEAD --fail-on never --format json",
		},
		exits: []exitCode{
			{ExitOK, "nothing listed in --fail-on happened"},
			{ExitFail, "something listed in --fail-on happened"},
			{ExitUsage, "usage error, a side could not be opened, no manifests matched, or the lock could not be read"},
		},
	},
	{
		name:     "approve",
		synopsis: "approve --base B --head H [--lock FILE] [--reason TEXT] [--by NAME] [--expires WHEN] [--manifests PATTERN]... [--launch PATTERN]... [--no-launch]",
		summary:  "approve the widening of a change in capgate.lock",
		about: `Write or update the approval lock (default capgate.lock, docs/lock.md) with an
approval of every widened manifest from --base to --head: its path and the
head's manifestHash, who (--by, default git's user.name <user.email>), why
(--reason), when (SOURCE_DATE_EPOCH when set) and an optional --expires (an
RFC 3339 time or a duration). The lock is written in the working directory,
or inside --head when that is a directory; commit it with the change. A
description edit keeps an approval; any capability edit voids it.`,
		examples: []string{
			"capgate approve --base origin/main --head HEAD --reason 'uploads need the token'",
			"capgate approve --base main --head HEAD --expires 720h",
		},
		exits: []exitCode{
			{ExitOK, "the lock approves every widened manifest (or nothing widened)"},
			{ExitFail, "a head manifest does not compile and cannot be approved"},
			{ExitUsage, "usage error, a side could not be opened, or the lock could not be read or written"},
		},
	},
	{
		name:     "verify",
		synopsis: "verify --out-dir DIR [--manifests PATTERN]... [PATH...]",
		summary:  "check that committed compiled policies match their manifests",
		about: `Compile every manifest found under the PATHs (default .) as compile --out-dir
would, and compare with what DIR holds. Each file that is missing, stale (its
content differs) or extra (no manifest compiles to it) is listed, one a line.`,
		examples: []string{
			"capgate verify --out-dir policies",
			"capgate compile --out-dir policies . && git add policies",
		},
		exits: []exitCode{
			{ExitOK, "DIR is up to date"},
			{ExitFail, "a file is missing, stale or extra"},
			{ExitUsage, "usage error"},
			{ExitRead, "a manifest or DIR could not be read"},
			{ExitCompile, "a manifest does not compile"},
		},
	},
	{
		name:     "version",
		synopsis: "version",
		summary:  "print the capgate, grammar and conformance versions",
		examples: []string{"capgate version"},
		exits:    []exitCode{{ExitOK, "always"}},
	},
	{
		name:     "completion",
		synopsis: "completion bash|zsh|fish",
		summary:  "print a shell completion script",
		about:    `Load it from your shell's startup file.`,
		examples: []string{
			`source <(capgate completion bash)`,
			`capgate completion zsh > "${fpath[1]}/_capgate"`,
			`capgate completion fish > ~/.config/fish/completions/capgate.fish`,
		},
		exits: []exitCode{{ExitOK, "printed"}, {ExitUsage, "unknown shell"}},
	},
	{
		name:     "help",
		synopsis: "help [command]",
		summary:  "show help for capgate or one command",
		examples: []string{"capgate help lint"},
		exits:    []exitCode{{ExitOK, "printed"}, {ExitUsage, "unknown command"}},
	},
}

// run runs the subcommand name, which lookup knows.
func (c *Command) run(name string, args []string) int {
	switch name {
	case "compile":
		return c.compile(args)
	case "lint":
		return c.lint(args)
	case "diff":
		return c.diff(args)
	case "verify":
		return c.verify(args)
	case "approve":
		return c.approve(args)
	case "version":
		return c.version(args)
	case "completion":
		return c.completion(args)
	}
	return c.help(args)
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

// usage prints the top-level help.
func (c *Command) usage(w io.Writer) {
	fmt.Fprint(w, "capgate compiles capgate manifests to sandbox policies, lints them, and\ndiffs what a change grants.\n\nUsage:\n\n")
	for _, cmd := range commands {
		fmt.Fprintf(w, "  capgate %s\n", cmd.synopsis)
	}
	fmt.Fprint(w, "\nCommands:\n\n")
	for _, cmd := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", cmd.name, cmd.summary)
	}
	fmt.Fprint(w, "\nRun 'capgate help COMMAND' (or 'capgate COMMAND --help') for its flags, examples\nand exit codes.\n")
}

// help is `capgate help [command]`.
func (c *Command) help(args []string) int {
	switch {
	case wantsHelp(args):
		c.printHelp(lookup("help"), nil)
		return ExitOK
	case len(args) == 0:
		c.usage(c.Stdout)
		return ExitOK
	case len(args) > 1:
		fmt.Fprintln(c.Stderr, "capgate: help takes at most one command")
		return ExitUsage
	}
	cmd := lookup(args[0])
	if cmd == nil {
		fmt.Fprintf(c.Stderr, "capgate: unknown command %q; run 'capgate help' for the list\n", args[0])
		return ExitUsage
	}
	if cmd.name == "help" {
		c.printHelp(cmd, nil)
		return ExitOK
	}
	// The command prints its own help, from its own flag set.
	return c.run(cmd.name, []string{"--help"})
}

// newFlags makes a flag set for a command. The flag package prints parse
// errors to stderr; help and usage are printed by flagError.
func (c *Command) newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.Stderr)
	fs.Usage = func() {}
	if c.flagSets == nil {
		c.flagSets = map[string]*flag.FlagSet{}
	}
	c.flagSets[name] = fs
	return fs
}

// flagError handles an error from parsing fs: for -h or --help it prints the
// command's help to stdout and returns ExitOK, otherwise it points to the
// help and returns ExitUsage.
func (c *Command) flagError(fs *flag.FlagSet, err error) int {
	if errors.Is(err, flag.ErrHelp) {
		c.printHelp(lookup(fs.Name()), fs)
		return ExitOK
	}
	fmt.Fprintf(c.Stderr, "Run 'capgate help %s' for usage.\n", fs.Name())
	return ExitUsage
}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help", "--h":
			return true
		}
	}
	return false
}

// printHelp prints the help of cmd, with the flags of fs (nil: none).
func (c *Command) printHelp(cmd *command, fs *flag.FlagSet) {
	w := c.Stdout
	fmt.Fprintf(w, "Usage:\n\n  capgate %s\n", cmd.synopsis)
	fmt.Fprintf(w, "\n%s.\n", upperFirst(cmd.summary))
	if cmd.about != "" {
		fmt.Fprintf(w, "\n%s\n", cmd.about)
	}
	if fs != nil {
		n := 0
		fs.VisitAll(func(*flag.Flag) { n++ })
		if n > 0 {
			fmt.Fprint(w, "\nFlags:\n\n")
			fs.VisitAll(func(f *flag.Flag) { fmt.Fprint(w, flagHelp(f)) })
		}
	}
	fmt.Fprint(w, "\nExamples:\n\n")
	for _, e := range cmd.examples {
		fmt.Fprintf(w, "  %s\n", e)
	}
	fmt.Fprint(w, "\nExit codes:\n\n")
	for _, e := range cmd.exits {
		fmt.Fprintf(w, "  %d  %s\n", e.code, e.meaning)
	}
}

// flagHelp describes one flag as "  --name VALUE\n\tusage (default x)\n",
// with a default always shown. A back-quoted word in the usage names VALUE,
// as in the flag package.
func flagHelp(f *flag.Flag) string {
	name, usage := flag.UnquoteUsage(f)
	var b strings.Builder
	b.WriteString("  --" + f.Name)
	if name != "" {
		b.WriteString(" " + strings.ToUpper(name))
	}
	def := f.DefValue
	switch v := f.Value.(type) {
	case *multiFlag:
		switch {
		case def == "" && f.Name == "manifests":
			def = strings.Join(source.DefaultPatterns, " and ")
		case def == "" && f.Name == "launch":
			def = strings.Join(launch.DefaultPatterns(), ", ")
		case def == "":
			def = "none"
		}
	case flag.Getter:
		if _, ok := v.Get().(string); ok {
			def = strconv.Quote(def)
		}
	}
	fmt.Fprintf(&b, "\n        %s (default %s)\n", usage, def)
	return b.String()
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// targetChoices is --target's synopsis: capgate's sandbox targets, egress
// and all, then the targets beyond capgate's four, from the registry.
func targetChoices() string {
	cs := []string{compiler.TargetBwrap, compiler.TargetDocker, "egress", "all"}
	return strings.Join(append(cs, compiler.AllTargets()[len(compiler.Targets()):]...), "|")
}
