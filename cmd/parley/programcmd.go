package main

func programCommands() []command { return nil }
