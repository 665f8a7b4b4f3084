package main

// ssvcCommands lists the ssvc subcommands (issue 6).
func ssvcCommands() []command { return nil }
