package protocol

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMessageTypes(t *testing.T) {
	ms := MessageTypes()
	if len(ms) != 28 {
		t.Fatalf("%d message types, want 28", len(ms))
	}
	want := "RS RI RV RD RA RC RK RE EP ER EA EV EJ EC ET EK EE CV CF CD CP CX CA CK CE GI GK GE"
	if got := fmt.Sprint(ms); got != "["+want+"]" {
		t.Errorf("MessageTypes = %s", got)
	}
	for _, m := range ms {
		if m.Name() == "" || m.Description() == "" {
			t.Errorf("%s: no name or description", m)
		}
		if p, err := ParseMessageType(m.String()); err != nil || p != m {
			t.Errorf("ParseMessageType(%q) = %v, %v", m, p, err)
		}
		var machine Machine
		switch m.String()[0] {
		case 'R':
			machine = RM
		case 'E':
			machine = EM
		case 'C':
			machine = CS
		default:
			machine = General
		}
		if m.Machine() != machine {
			t.Errorf("%s.Machine() = %s, want %s", m, m.Machine(), machine)
		}
		if m.Ack().Machine() != machine || m.Fault().Machine() != machine ||
			m.Ack().String()[1] != 'K' || m.Fault().String()[1] != 'E' {
			t.Errorf("%s: ack %s, fault %s", m, m.Ack(), m.Fault())
		}
	}
	if _, err := ParseMessageType("ZZ"); err == nil {
		t.Error("ParseMessageType(ZZ): no error")
	}
}

// TestTransitionMessages checks the message of every transition against
// Vultron's "emit when" table.
func TestTransitionMessages(t *testing.T) {
	rm := make(map[string]string)
	for _, tr := range RMTransitions() {
		m, err := RMMessage(tr.From, tr.Event)
		if err != nil {
			t.Fatal(err)
		}
		rm[fmt.Sprintf("%s-%s->%s", tr.From, tr.Event, tr.To)] = m.String()
	}
	wantRM := map[string]string{
		"S-r->R": "RS", "R-v->V": "RV", "I-v->V": "RV", "R-i->I": "RI", "V-a->A": "RA", "D-a->A": "RA",
		"V-d->D": "RD", "A-d->D": "RD", "I-c->C": "RC", "A-c->C": "RC", "D-c->C": "RC",
	}
	if diff := cmp.Diff(wantRM, rm); diff != "" {
		t.Errorf("RM messages (-want +got):\n%s", diff)
	}
	em := make(map[string]string)
	for _, tr := range EMTransitions() {
		m, err := EMMessage(tr.From, tr.Event)
		if err != nil {
			t.Fatal(err)
		}
		em[fmt.Sprintf("%s-%s->%s", tr.From, tr.Event, tr.To)] = m.String()
	}
	wantEM := map[string]string{
		"N-p->P": "EP", "P-p->P": "EP", "P-r->N": "ER", "P-a->A": "EA", "A-p->R": "EV", "R-p->R": "EV",
		"R-r->A": "EJ", "R-a->A": "EC", "A-t->X": "ET", "R-t->X": "ET",
	}
	if diff := cmp.Diff(wantEM, em); diff != "" {
		t.Errorf("EM messages (-want +got):\n%s", diff)
	}
	for _, e := range CSEvents() {
		if got, want := CSMessage(e).String(), "C"+e.String(); got != want {
			t.Errorf("CSMessage(%s) = %s, want %s", e, got, want)
		}
	}
	if _, err := RMMessage(RMStart, RMClose); err == nil {
		t.Error("RMMessage of an illegal transition: no error")
	}
	if _, err := EMMessage(EMExited, EMPropose); err == nil {
		t.Error("EMMessage of an illegal transition: no error")
	}
}
