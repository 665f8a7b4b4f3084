package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/parleycvd/parley/client"
)

func notificationCommands() []command {
	return []command{
		{"notifications", "your notifications and how you are told: list, read, read-all, settings, mute, unmute", runNotifications},
	}
}

const notificationUsage = `notifications: want one of
  list [--unread] [--limit N] [--cursor C]   (the default)
  read ID
  read-all
  settings [--mail immediately|digest|none] [--digest-hour H] [--key FILE|-] [--remove-key ID]
  mute KEY
  unmute KEY
settings without flags shows your preferences; --mail digest sends one mail a day at
--digest-hour (UTC, default 7); --key puts your OpenPGP public key on file (mail to you
is then encrypted). A muted case's notices are listed as read and never mailed. Every
command takes --json`

func runNotifications(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		args = append([]string{"list"}, args...)
	}
	verbs := map[string]caseVerb{
		"list":     {nil, notificationList},
		"read":     {[]string{"ID"}, notificationRead},
		"read-all": {nil, notificationReadAll},
		"settings": {nil, notificationSettings(c)},
		"mute":     {[]string{"KEY"}, notificationMute(true)},
		"unmute":   {[]string{"KEY"}, notificationMute(false)},
	}
	return runCaseVerbs(ctx, c, "notifications", notificationUsage, verbs, args)
}

func notificationList(fs *flag.FlagSet) caseVerbRun {
	var f client.NotificationFilter
	fs.BoolVar(&f.Unread, "unread", false, "only the unread ones")
	fs.IntVar(&f.Limit, "limit", 0, "at most this many (default 50)")
	fs.StringVar(&f.Cursor, "cursor", "", "the page after this cursor")
	return func(ctx context.Context, out *caseOutput, _ []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		l, err := cl.Notifications(ctx, f)
		if err != nil {
			return err
		}
		return out.print(l, func() {
			if len(l.Items) == 0 {
				out.f("no notifications\n")
				return
			}
			rows := [][]string{}
			for _, n := range l.Items {
				mark := ""
				if n.Unread {
					mark = "*"
				}
				caseKey := n.CaseKey
				if caseKey == "" {
					caseKey = "-"
				}
				rows = append(rows, []string{fmt.Sprint(n.ID), mark, n.CreatedAt.UTC().Format("2006-01-02 15:04"), caseKey, n.Subject})
			}
			table(out.c.stdout, "ID\tUNREAD\tWHEN (UTC)\tCASE\tSUBJECT", rows)
			if l.NextCursor != "" {
				out.f("more: --cursor %s\n", l.NextCursor)
			}
		})
	}
}

func notificationRead(*flag.FlagSet) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		id, err := caseArgID(pos[0])
		if err != nil {
			return usageError("notifications read: ID %v", err)
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		n, err := cl.ReadNotification(ctx, id)
		if err != nil {
			return err
		}
		return out.print(n, func() { out.f("notification %d read: %s\n", n.ID, n.Subject) })
	}
}

func notificationReadAll(*flag.FlagSet) caseVerbRun {
	return func(ctx context.Context, out *caseOutput, _ []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		n, err := cl.ReadAllNotifications(ctx)
		if err != nil {
			return err
		}
		return out.print(map[string]int{"marked": n}, func() { out.f("%d notification(s) marked read\n", n) })
	}
}

func notificationSettings(c *cli) func(fs *flag.FlagSet) caseVerbRun {
	return func(fs *flag.FlagSet) caseVerbRun {
		mail := fs.String("mail", "", "immediately, digest or none")
		hour := fs.Int("digest-hour", -1, "the hour (UTC, 0-23) of the daily digest")
		keyFile := fs.String("key", "", "a file with your armoured OpenPGP public key (- for standard input)")
		removeKey := fs.Int64("remove-key", 0, "the ID of a key of yours to take off file")
		return func(ctx context.Context, out *caseOutput, _ []string) error {
			switch *mail {
			case "", "immediately", "digest", "none":
			default:
				return usageError("notifications settings: --mail is immediately, digest or none, not %q", *mail)
			}
			if *hour < -1 || *hour > 23 {
				return usageError("notifications settings: --digest-hour is an hour from 0 to 23 (UTC)")
			}
			if *removeKey < 0 {
				return usageError("notifications settings: --remove-key wants a key's ID")
			}
			var armored []byte
			if *keyFile != "" {
				var err error
				if *keyFile == "-" {
					armored, err = io.ReadAll(io.LimitReader(c.stdin, 1<<20))
				} else {
					armored, err = os.ReadFile(*keyFile)
				}
				if err != nil {
					return usageError("notifications settings: --key: %v", err)
				}
			}
			cl, err := out.client()
			if err != nil {
				return err
			}
			var patch client.NotificationSettingsPatch
			if *mail != "" {
				patch.Mail = mail
			}
			if *hour >= 0 {
				patch.DigestHour = hour
			}
			if patch.Mail != nil || patch.DigestHour != nil {
				if _, err := cl.SetNotificationSettings(ctx, patch); err != nil {
					return err
				}
			}
			if armored != nil {
				if _, err := cl.AddNotificationKey(ctx, string(armored)); err != nil {
					return err
				}
			}
			if *removeKey > 0 {
				if err := cl.RemoveNotificationKey(ctx, *removeKey); err != nil {
					return err
				}
			}
			st, err := cl.NotificationSettings(ctx)
			if err != nil {
				return err
			}
			return out.print(st, func() { printNotificationSettings(out, st) })
		}
	}
}

func printNotificationSettings(out *caseOutput, st client.NotificationSettings) {
	switch st.Mail {
	case "digest":
		out.f("mail: a daily digest at %02d:00 UTC", st.DigestHour)
		if st.NextDigestAt != nil {
			out.f(" (next %s)", st.NextDigestAt.UTC().Format("2006-01-02 15:04 UTC"))
		}
		out.f("\n")
	case "none":
		out.f("mail: none (read them here or on the notifications page)\n")
	default:
		out.f("mail: immediately\n")
	}
	if len(st.Keys) == 0 {
		out.f("OpenPGP keys: none (mail to you is not encrypted)\n")
	}
	for _, k := range st.Keys {
		state := "usable"
		if !k.Usable {
			state = "not usable"
		}
		out.f("OpenPGP key %d: %s (%s) %s\n", k.ID, k.Fingerprint, state, strings.Join(k.UserIDs, ", "))
	}
	if len(st.Mutes) == 0 {
		out.f("muted cases: none\n")
		return
	}
	keys := make([]string, 0, len(st.Mutes))
	for _, m := range st.Mutes {
		keys = append(keys, m.CaseKey)
	}
	out.f("muted cases: %s\n", strings.Join(keys, ", "))
}

func notificationMute(mute bool) func(*flag.FlagSet) caseVerbRun {
	return func(*flag.FlagSet) caseVerbRun {
		return func(ctx context.Context, out *caseOutput, pos []string) error {
			key := strings.TrimSpace(pos[0])
			if key == "" {
				return usageError("notifications: KEY is a case key")
			}
			cl, err := out.client()
			if err != nil {
				return err
			}
			verb, call := "muted", cl.MuteCase
			if !mute {
				verb, call = "unmuted", cl.UnmuteCase
			}
			if err := call(ctx, key); err != nil {
				return err
			}
			return out.print(map[string]any{"case_key": key, "muted": mute}, func() { out.f("%s %s\n", verb, key) })
		}
	}
}
