package deadlines

import (
	"io"
	"net/url"
	"time"

	ics "github.com/arran4/golang-ical"
)

// FeedItem is one deadline in a calendar, with the key of its case (which
// this package does not read).
type FeedItem struct {
	Deadline
	CaseKey string
}

// Calendar writes items as an iCalendar document (RFC 5545) named name:
// one event per deadline at its due time, with a stable UID, a link to its
// case and an alarm a day ahead. Events carry the case key and what is
// due, never the case's title: calendars are synced to others' servers.
func (s *Service) Calendar(w io.Writer, name string, items []FeedItem, now time.Time) error {
	cal := ics.NewCalendarFor("Parley")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT1H", ics.WithValue(string(ics.ValueDataTypeDuration)))
	cal.SetXPublishedTTL("PT1H")
	host := "parley"
	if u, err := url.Parse(s.cfg.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	for _, it := range items {
		s.addEvent(cal, host, it, now)
	}
	return cal.SerializeTo(w, ics.WithNewLineWindows)
}

func (s *Service) addEvent(cal *ics.Calendar, host string, it FeedItem, now time.Time) {
	d := it.Deadline
	summary := it.CaseKey + ": " + d.What()
	link := s.cfg.BaseURL + "/cases/" + url.PathEscape(it.CaseKey)
	e := cal.AddEvent("deadline-" + itoa(d.ID) + "@" + host)
	e.SetDtStampTime(now)
	e.SetModifiedAt(d.UpdatedAt)
	e.SetStartAt(d.DueAt)
	e.SetSummary(summary)
	e.SetDescription(d.Kind.Label() + ", due " + d.Local().Format("2006-01-02 15:04 MST") + " (" + d.Zone + "). " + link)
	e.SetURL(link)
	e.SetProperty(ics.ComponentPropertyTransp, "TRANSPARENT") // a deadline does not make anyone busy
	a := e.AddAlarm()
	a.SetAction(ics.ActionDisplay)
	a.SetTrigger("-P1D")
	a.SetProperty(ics.ComponentPropertyDescription, summary)
}
