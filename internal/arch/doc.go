// Package arch holds no code: its test checks the import rule written in
// ARCHITECTURE.md, so that the layering cannot drift silently.
package arch
