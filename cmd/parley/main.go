// Command parley is the Parley server, its admin tasks and a CLI client of its REST API.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// cli carries the process's inputs and outputs to every subcommand, so that
// tests can run the whole program in-process.
type cli struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, c *cli, args []string) error
}

// exitError ends the program with a given exit code. An empty message prints nothing.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError is a wrong invocation: exit code 2.
func usageError(format string, a ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, a...)}
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "parley:", ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "parley:", err)
	return 1
}

func commands() map[string]command {
	list := []command{}
	list = append(list, serverCommands()...)
	list = append(list, clientCommands()...)
	list = append(list, caseCommands()...)
	list = append(list, reportCommands()...)
	list = append(list, intakeCommands()...)
	list = append(list, protocolCommands()...)
	list = append(list, ssvcCommands()...)
	list = append(list, embargoCommands()...)
	list = append(list, listCommands()...)
	list = append(list, deadlineCommands()...)
	list = append(list, disputeCommands()...)
	list = append(list, statusCommands()...)
	list = append(list, threadCommands()...)
	list = append(list, webhookCommands()...)
	list = append(list, creditCommands()...)
	list = append(list, notificationCommands()...)
	list = append(list, programCommands()...)
	list = append(list, reportExtraCommands()...)
	m := make(map[string]command, len(list))
	for _, c := range list {
		m[c.name] = c
	}
	return m
}

// run is the whole program; main only binds it to the process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	c := &cli{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	cmds := commands()
	if len(args) < 2 || args[1] == "help" || args[1] == "-h" || args[1] == "--help" {
		printUsage(stdout, cmds)
		return nil
	}
	cmd, ok := cmds[args[1]]
	if !ok {
		printUsage(stderr, cmds)
		return usageError("unknown command %q", args[1])
	}
	return cmd.run(ctx, c, args[2:])
}

func printUsage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "Usage: parley COMMAND [ARGS]\n\nCommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, cmds[n].summary)
	}
}
