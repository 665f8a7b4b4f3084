package main

func notificationCommands() []command { return nil }
