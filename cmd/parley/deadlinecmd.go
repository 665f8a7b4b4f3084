package main

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/parleycvd/parley/client"
)

func deadlineCommands() []command {
	return []command{
		{"deadlines", "who owes what by when: your open deadlines, or a case's (--case KEY)", runDeadlines},
	}
}

const deadlinesUsage = `deadlines [--case KEY] [--limit N] [--format table|json]
without --case: your open deadlines across your cases, soonest first;
with --case: the case's open deadlines as far as you may see them`

func runDeadlines(ctx context.Context, c *cli, args []string) error {
	fs, asJSON := clientFlags(c, "deadlines")
	key := fs.String("case", "", "a case key such as PAR-2026-0042 (or the case's ID)")
	format := fs.String("format", "table", "table or json")
	limit := fs.Int("limit", 0, "at most this many (default: the server's)")
	if err := fs.Parse(args); err != nil {
		return usageError("deadlines: %v\n%s", err, deadlinesUsage)
	}
	switch {
	case fs.NArg() > 0:
		return usageError("deadlines: unexpected %q\n%s", fs.Arg(0), deadlinesUsage)
	case *format != "table" && *format != "json":
		return usageError("deadlines: --format must be table or json")
	case *limit < 0:
		return usageError("deadlines: --limit must be positive")
	}
	cl, err := apiClient(c)
	if err != nil {
		return err
	}
	list, more, err := fetchDeadlines(ctx, cl, *key, *limit)
	if err != nil {
		return apiError("deadlines", err)
	}
	if *asJSON || *format == "json" {
		return printJSON(c.stdout, list)
	}
	printDeadlines(c, list, time.Now())
	if more {
		fmt.Fprintln(c.stdout, "(more deadlines follow: raise --limit to see them)")
	}
	return nil
}

// fetchDeadlines reads the caller's deadlines, or every page of a case's
// (up to limit when set).
func fetchDeadlines(ctx context.Context, cl *client.Client, key string, limit int) ([]client.Deadline, bool, error) {
	if key == "" {
		mine, err := cl.MyDeadlines(ctx, limit)
		return mine.Items, mine.More, err
	}
	out := []client.Deadline{}
	cursor := ""
	for {
		page, err := cl.CaseDeadlines(ctx, key, cursor, 200)
		if err != nil {
			return nil, false, err
		}
		out = append(out, page.Items...)
		if limit > 0 && len(out) >= limit {
			return out[:limit], len(out) > limit || page.NextCursor != "", nil
		}
		if page.NextCursor == "" {
			return out, false, nil
		}
		cursor = page.NextCursor
	}
}

func printDeadlines(c *cli, list []client.Deadline, now time.Time) {
	if len(list) == 0 {
		fmt.Fprintln(c.stdout, "No open deadlines.")
		return
	}
	rows := make([][]string, len(list))
	for i, d := range list {
		owner := "whole case"
		if d.ParticipantID != 0 {
			owner = "participant " + strconv.FormatInt(d.ParticipantID, 10)
			if d.Owner != "" {
				owner = d.Owner
			}
		}
		rows[i] = []string{d.DueAt.UTC().Format("2006-01-02 15:04"), left(d.DueAt, now), d.CaseKey, d.What, owner, d.Zone}
	}
	table(c.stdout, "DUE (UTC)\tLEFT\tCASE\tWHAT\tOWED BY\tZONE", rows)
}

// left says how long until due, or how long overdue, in hours or days.
func left(due, now time.Time) string {
	d := due.Sub(now)
	late := d < 0
	if late {
		d = -d
	}
	s := fmt.Sprintf("%dd", int(d/(24*time.Hour)))
	if d < 48*time.Hour {
		s = fmt.Sprintf("%dh", int(d/time.Hour))
	}
	if late {
		return "overdue " + s
	}
	return s
}
