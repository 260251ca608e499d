package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// flagsOf returns the flags of the subcommand name, read from the flag set
// the command itself makes (by running it with --help into nowhere).
func flagsOf(name string) []*flag.Flag {
	c := &Command{Stdout: io.Discard, Stderr: io.Discard}
	c.run(name, []string{"--help"})
	var out []*flag.Flag
	if fs := c.flagSets[name]; fs != nil {
		fs.VisitAll(func(f *flag.Flag) { out = append(out, f) })
	}
	return out
}

// completion is `capgate completion bash|zsh|fish`: a small script that
// completes subcommands, their flags, and file names.
func (c *Command) completion(args []string) int {
	fs := c.newFlags("completion")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return c.flagError(fs, err)
	}
	if len(pos) != 1 {
		fmt.Fprintln(c.Stderr, "capgate: completion takes one shell: bash, zsh or fish")
		return ExitUsage
	}
	var script string
	switch pos[0] {
	case "bash":
		script = bashCompletion()
	case "zsh":
		script = zshCompletion()
	case "fish":
		script = fishCompletion()
	default:
		fmt.Fprintf(c.Stderr, "capgate: unknown shell %q (want bash, zsh or fish)\n", pos[0])
		return ExitUsage
	}
	fmt.Fprint(c.Stdout, script)
	return ExitOK
}

// wordsAfter is what completes after the subcommand name: its flags, or
// for help and completion their arguments.
func wordsAfter(name string) []string {
	switch name {
	case "help":
		return commandNames()
	case "completion":
		return []string{"bash", "zsh", "fish"}
	}
	var w []string
	for _, f := range flagsOf(name) {
		w = append(w, "--"+f.Name)
	}
	return w
}

func bashCompletion() string {
	var b strings.Builder
	b.WriteString(`# bash completion for capgate: source <(capgate completion bash)
_capgate() {
  local cur=${COMP_WORDS[COMP_CWORD]} words
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "` + strings.Join(commandNames(), " ") + `" -- "$cur"))
    return
  fi
  case ${COMP_WORDS[1]} in
`)
	for _, name := range commandNames() {
		fmt.Fprintf(&b, "    %s) words=%q ;;\n", name, strings.Join(wordsAfter(name), " "))
	}
	b.WriteString(`  esac
  case ${COMP_WORDS[1]} in
    help|completion) COMPREPLY=($(compgen -W "$words" -- "$cur")) ;;
    *)
      if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
      else
        COMPREPLY=($(compgen -f -- "$cur"))
      fi ;;
  esac
}
complete -o filenames -F _capgate capgate
`)
	return b.String()
}

// quoteZsh quotes s as a zsh single-quoted word.
func quoteZsh(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// escapeZshSpec escapes the brackets and colons that _arguments gives
// meaning to in an option's description.
func escapeZshSpec(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`, ":", `\:`).Replace(s)
}

func zshCompletion() string {
	var b strings.Builder
	b.WriteString("#compdef capgate\n# zsh completion for capgate: capgate completion zsh > \"${fpath[1]}/_capgate\"\n_capgate() {\n  local -a cmds\n  cmds=(\n")
	for _, cmd := range commands {
		fmt.Fprintf(&b, "    %s\n", quoteZsh(cmd.name+":"+cmd.summary))
	}
	b.WriteString("  )\n  if (( CURRENT == 2 )); then\n    _describe 'command' cmds\n    return\n  fi\n  case $words[2] in\n")
	for _, name := range commandNames() {
		switch name {
		case "help", "completion":
			fmt.Fprintf(&b, "    %s) _values %s %s ;;\n", name, quoteZsh(name), strings.Join(wordsAfter(name), " "))
			continue
		}
		fmt.Fprintf(&b, "    %s) _arguments", name)
		for _, f := range flagsOf(name) {
			_, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(&b, " %s", quoteZsh("--"+f.Name+"["+escapeZshSpec(usage)+"]"))
		}
		b.WriteString(" '*:file:_files' ;;\n")
	}
	b.WriteString("  esac\n}\nif [ \"$funcstack[1]\" = \"_capgate\" ]; then\n  _capgate \"$@\"\nelse\n  compdef _capgate capgate\nfi\n")
	return b.String()
}

// quoteFish quotes s for a fish single-quoted string.
func quoteFish(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

func fishCompletion() string {
	var b strings.Builder
	b.WriteString("# fish completion for capgate: capgate completion fish > ~/.config/fish/completions/capgate.fish\n")
	for _, cmd := range commands {
		fmt.Fprintf(&b, "complete -c capgate -f -n __fish_use_subcommand -a %s -d %s\n", cmd.name, quoteFish(cmd.summary))
	}
	for _, name := range commandNames() {
		cond := quoteFish("__fish_seen_subcommand_from " + name)
		switch name {
		case "help", "completion":
			fmt.Fprintf(&b, "complete -c capgate -f -n %s -a %s\n", cond, quoteFish(strings.Join(wordsAfter(name), " ")))
			continue
		}
		for _, f := range flagsOf(name) {
			_, usage := flag.UnquoteUsage(f)
			fmt.Fprintf(&b, "complete -c capgate -n %s -l %s -d %s\n", cond, f.Name, quoteFish(usage))
		}
	}
	return b.String()
}
