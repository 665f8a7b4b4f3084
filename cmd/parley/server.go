package main

func serverCommands() []command { return nil }
