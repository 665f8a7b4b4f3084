package main

import (
	"context"
	"flag"
	"strconv"

	"github.com/parleycvd/parley/client"
)

func webhookCommands() []command {
	return []command{{"webhook", "an organisation's signed webhooks: list, add, delete, deliveries, test", runWebhook}}
}

const webhookUsage = `webhook: want one of
  list ORG
  add ORG --url URL        (prints the secret, shown this once)
  delete ORG ID
  deliveries ORG ID [--cursor C] [--limit N]
  test ORG ID              (queues a test delivery)
every command takes --json`

// webhookIDs reads the numeric arguments of a webhook command.
func webhookIDs(name string, pos []string) ([]int64, error) {
	ids := make([]int64, len(pos))
	for i, p := range pos {
		id, err := caseArgID(p)
		if err != nil {
			return nil, usageError("webhook %s: %v", name, err)
		}
		ids[i] = id
	}
	return ids, nil
}

// webhookVerb is a webhook command over its numeric arguments.
func webhookVerb(name string, args []string, run func(ctx context.Context, out *caseOutput, cl *client.Client, ids []int64) error) caseVerb {
	return caseVerb{args, func(*flag.FlagSet) caseVerbRun {
		return func(ctx context.Context, out *caseOutput, pos []string) error {
			ids, err := webhookIDs(name, pos)
			if err != nil {
				return err
			}
			cl, err := out.client()
			if err != nil {
				return err
			}
			return run(ctx, out, cl, ids)
		}
	}}
}

func runWebhook(ctx context.Context, c *cli, args []string) error {
	var u, cursor string
	var limit int
	add := webhookVerb("add", []string{"ORG"}, func(ctx context.Context, out *caseOutput, cl *client.Client, ids []int64) error {
		h, err := cl.CreateWebhook(ctx, ids[0], u)
		if err != nil {
			return err
		}
		return out.print(h, func() {
			out.f("added webhook %d: %s\nsecret (shown this once): %s\n", h.ID, h.URL, h.Secret)
		})
	})
	addFlags := add.flags
	add.flags = func(fs *flag.FlagSet) caseVerbRun {
		fs.StringVar(&u, "url", "", "the address to POST to (https)")
		return addFlags(fs)
	}
	deliveries := webhookVerb("deliveries", []string{"ORG", "ID"}, func(ctx context.Context, out *caseOutput, cl *client.Client, ids []int64) error {
		l, err := cl.WebhookDeliveries(ctx, ids[0], ids[1], cursor, limit)
		if err != nil {
			return err
		}
		return out.print(l, func() {
			rows := make([][]string, len(l.Items))
			for i, d := range l.Items {
				code := ""
				if d.StatusCode != 0 {
					code = strconv.Itoa(d.StatusCode)
				}
				rows[i] = []string{strconv.FormatInt(d.ID, 10), d.Event, d.Status, strconv.Itoa(d.Attempts), code, d.LastError,
					d.CreatedAt.Format("2006-01-02 15:04")}
			}
			table(out.c.stdout, "ID\tEVENT\tSTATUS\tATTEMPTS\tLAST ANSWER\tLAST ERROR\tQUEUED", rows)
			if l.NextCursor != "" {
				out.f("more: --cursor %s\n", l.NextCursor)
			}
		})
	})
	deliveriesFlags := deliveries.flags
	deliveries.flags = func(fs *flag.FlagSet) caseVerbRun {
		fs.StringVar(&cursor, "cursor", "", "the next_cursor of the page before")
		fs.IntVar(&limit, "limit", 0, "page size (1-200)")
		return deliveriesFlags(fs)
	}
	return runCaseVerbs(ctx, c, "webhook", webhookUsage, map[string]caseVerb{
		"list": webhookVerb("list", []string{"ORG"}, func(ctx context.Context, out *caseOutput, cl *client.Client, ids []int64) error {
			hs, err := cl.Webhooks(ctx, ids[0])
			if err != nil {
				return err
			}
			return out.print(hs, func() {
				rows := make([][]string, len(hs))
				for i, h := range hs {
					rows[i] = []string{strconv.FormatInt(h.ID, 10), h.URL, h.CreatedAt.Format("2006-01-02 15:04")}
				}
				table(out.c.stdout, "ID\tURL\tADDED", rows)
			})
		}),
		"add": add,
		"delete": webhookVerb("delete", []string{"ORG", "ID"}, func(ctx context.Context, out *caseOutput, cl *client.Client, ids []int64) error {
			if err := cl.DeleteWebhook(ctx, ids[0], ids[1]); err != nil {
				return err
			}
			return out.print(map[string]any{"deleted": ids[1]}, func() { out.f("deleted webhook %d\n", ids[1]) })
		}),
		"deliveries": deliveries,
		"test": webhookVerb("test", []string{"ORG", "ID"}, func(ctx context.Context, out *caseOutput, cl *client.Client, ids []int64) error {
			d, err := cl.TestWebhook(ctx, ids[0], ids[1])
			if err != nil {
				return err
			}
			return out.print(d, func() { out.f("queued test delivery %d\n", d.ID) })
		}),
	}, args)
}
