package main

// protocolCommands lists the protocol and metrics subcommands (issue 6).
func protocolCommands() []command { return nil }
