package cli

func (c *Command) diff(args []string) int { return ExitUsage }
