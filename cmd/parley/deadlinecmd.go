package main

// deadlines: filled in by its own change.
func deadlineCommands() []command { return nil }
