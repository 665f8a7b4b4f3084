package main

import "testing"

// A wrong number of arguments shows the verb's own line, not the whole list.
func TestVerbUsage(t *testing.T) {
	usage := "report: want one of\n  show ID\n  validate|accept ID [--message TEXT]\n  assign ID --to USER_ID|me | --none"
	for verb, want := range map[string]string{
		"show":   "usage: parley report show ID (parley report lists every command)",
		"accept": "usage: parley report validate|accept ID [--message TEXT] (parley report lists every command)",
		"assign": "usage: parley report assign ID --to USER_ID|me | --none (parley report lists every command)",
		"ID":     usage, // an argument's name is no verb
		"none":   usage,
	} {
		if got := verbUsage("report", verb, usage); got != want {
			t.Errorf("%s: %q, want %q", verb, got, want)
		}
	}
}
