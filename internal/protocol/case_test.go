package protocol

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// caseFixture is a case with reporter r (Accepted), vendors v1 and v2 and
// coordinator c.
func caseFixture(t rapid.TB) Case {
	t.Helper()
	var c Case
	var err error
	for _, p := range []struct {
		id     string
		rm     RMState
		vendor bool
	}{{"r", RMAccepted, false}, {"v1", RMStart, true}, {"v2", RMStart, true}, {"c", RMStart, false}} {
		if c, err = c.AddParticipant(p.id, p.rm, p.vendor); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// do runs op and fails the test if it fails.
func do(t *testing.T, c Case, op func(Case) (Case, []Change, error)) (Case, []Change) {
	t.Helper()
	n, ch, err := op(c)
	if err != nil {
		t.Fatal(err)
	}
	return n, ch
}

func changes(ch []Change) string {
	s := make([]string, len(ch))
	for i, c := range ch {
		s[i] = c.String()
	}
	return strings.Join(s, "; ")
}

func TestCaseEmbargoEndsOnP(t *testing.T) {
	c := caseFixture(t)
	c, ch := do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("r", EMPropose) })
	want := "EM N -p-> P [EP]; consent(c) no embargo -invite-> invited (implied); consent(v1) no embargo -invite-> invited (implied); " +
		"consent(v2) no embargo -invite-> invited (implied); consent(r) no embargo -invite-> invited (implied); consent(r) invited -accept-> signatory (implied)"
	if got := changes(ch); got != want {
		t.Errorf("propose:\n got %s\nwant %s", got, want)
	}
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepConsent("v1", ConsentAccept) })
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("v1", EMAccept) })
	c, ch = do(t, c, func(c Case) (Case, []Change, error) { return c.StepCS(CaseEvent{Event: PublicAware}) })
	if c.EM() != EMExited {
		t.Errorf("EM after P = %s", c.EM())
	}
	if got := changes(ch[:2]); got != "CS ...pxa -P-> ...Pxa [CP]; EM A -t-> X [ET] (implied)" {
		t.Errorf("P: %s", got)
	}
	for _, id := range c.Participants() {
		if p, _ := c.Participant(id); p.Consent != ConsentNone {
			t.Errorf("%s consent %s after the embargo ended", id, p.Consent)
		}
	}
	// No new embargo.
	if _, _, err := c.StepEM("r", EMPropose); err == nil {
		t.Error("propose after P: no error")
	}
}

func TestCaseRecordXRejectsProposal(t *testing.T) {
	c := caseFixture(t)
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("r", EMPropose) })
	c, ch := do(t, c, func(c Case) (Case, []Change, error) { return c.Record(CaseEvent{Event: ExploitPublic}) })
	want := []string{"CS ...pxa -X-> ...pXa [CX]", "EM P -r-> N [ER] (implied)"}
	for _, w := range want {
		if !strings.Contains(changes(ch), w) {
			t.Errorf("Record(X) changes %s\nlack %s", changes(ch), w)
		}
	}
	if !strings.Contains(changes(ch), "CS ...pXa -P-> ...PXa [CP] (implied)") || !strings.Contains(changes(ch), "CS(v2) vfdPXa -V-> VfdPXa [CV] (implied)") {
		t.Errorf("Record(X) implied events missing: %s", changes(ch))
	}
	if c.EM() != EMNone || len(c.CS().Owed()) != 0 {
		t.Errorf("EM %s, owed %v", c.EM(), c.CS().Owed())
	}
}

func TestCaseAttacksForbidNegotiation(t *testing.T) {
	c := caseFixture(t)
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("r", EMPropose) })
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepCS(CaseEvent{Event: Attacks}) })
	if c.EM() != EMProposed {
		t.Errorf("A changed EM to %s", c.EM())
	}
	var se *StepError
	if _, _, err := c.StepEM("v1", EMAccept); !errors.As(err, &se) || !strings.Contains(se.Rule, ruleNegotiation) {
		t.Errorf("accept after A: %v", err)
	}
	if a, ok := c.Advice(); !ok || a.Event != EMReject {
		t.Errorf("advice = %v, %v", a, ok)
	}
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("v1", EMReject) })
	if _, ok := c.Advice(); ok {
		t.Error("advice with no embargo")
	}
}

func TestCaseCloseDuringEmbargo(t *testing.T) {
	c := caseFixture(t)
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("r", EMPropose) })
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("r", EMAccept) })
	// v1 must accept before it receives the report.
	var se *StepError
	if _, _, err := c.Submit("r", "v1"); !errors.As(err, &se) || se.Rule != ruleShare {
		t.Errorf("submit to an invited vendor: %v", err)
	}
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepConsent("v1", ConsentAccept) })
	c, ch := do(t, c, func(c Case) (Case, []Change, error) { return c.Submit("r", "v1") })
	if got := changes(ch); got != "RM(v1) S -r-> R [RS]" {
		t.Errorf("submit: %s", got)
	}
	for _, e := range []RMEvent{RMValidate, RMAccept, RMDefer} {
		c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepRM("v1", e, "") })
	}
	if c.EM() != EMActive {
		t.Errorf("defer changed EM to %s", c.EM())
	}
	if _, _, err := c.StepRM("v1", RMClose, " "); !errors.As(err, &se) || !strings.Contains(se.Rule, ruleCloseActive) {
		t.Errorf("close without a reason: %v", err)
	}
	c, ch = do(t, c, func(c Case) (Case, []Change, error) { return c.StepRM("v1", RMClose, "duplicate of case 12") })
	if got := changes(ch); got != "RM(v1) D -c-> C [RC]" || c.EM() != EMActive {
		t.Errorf("close with override: %s, EM %s", got, c.EM())
	}
}

func TestCaseRevisionLapsesConsent(t *testing.T) {
	c := caseFixture(t)
	consent := func(c Case) string {
		var s []string
		for _, id := range c.Participants() {
			p, _ := c.Participant(id)
			s = append(s, id+"="+p.Consent.String())
		}
		return strings.Join(s, " ")
	}
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("r", EMPropose) })
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepConsent("v1", ConsentAccept) })
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepConsent("v2", ConsentDecline) })
	c, _ = do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("v1", EMAccept) })
	c, ch := do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("v1", EMPropose) })
	if ch[0].Message != EV {
		t.Errorf("revision message %s", ch[0].Message)
	}
	if got, want := consent(c), "c=invited r=lapsed v1=signatory v2=invited"; got != want {
		t.Errorf("after revision: %s, want %s", got, want)
	}
	rejected, _ := do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("c", EMReject) })
	if got, want := consent(rejected), "c=invited r=signatory v1=signatory v2=invited"; got != want {
		t.Errorf("after rejecting the revision: %s, want %s", got, want)
	}
	accepted, _ := do(t, c, func(c Case) (Case, []Change, error) { return c.StepEM("c", EMAccept) })
	if got, want := consent(accepted), "c=signatory r=invited v1=signatory v2=invited"; got != want {
		t.Errorf("after accepting the revision: %s, want %s", got, want)
	}
}

// snapshot writes everything observable about c.
func snapshot(c Case) string {
	s := fmt.Sprintf("EM=%s CS=%s", c.EM(), c.CS().Global())
	for _, id := range c.Participants() {
		p, _ := c.Participant(id)
		proj, _ := c.CS().Vendor(id)
		s += fmt.Sprintf(" %s:%s/%s/%v/%s", id, p.RM, p.Consent, p.Vendor, proj)
	}
	return s
}

// TestCaseLinkingProperty runs random operations on a case and checks the
// linking rules after each one.
func TestCaseLinkingProperty(t *testing.T) {
	reachable := make(map[CSState]bool)
	for _, s := range CSStates() {
		reachable[s] = true
	}
	ids := []string{"r", "v1", "v2", "c", "d"}
	rapid.Check(t, func(t *rapid.T) {
		var c Case
		c, _ = c.AddParticipant("r", RMAccepted, false)
		for range rapid.IntRange(0, 40).Draw(t, "ops") {
			before := snapshot(c)
			id := rapid.SampledFrom(ids).Draw(t, "id")
			var next Case
			var ch []Change
			var err error
			op := rapid.IntRange(0, 6).Draw(t, "op")
			var rmEvent RMEvent
			var override string
			var emEvent EMEvent
			switch op {
			case 0:
				rm := rapid.SampledFrom([]RMState{RMStart, RMAccepted}).Draw(t, "rm")
				next, err = c.AddParticipant(id, rm, rapid.Bool().Draw(t, "vendor"))
			case 1:
				next, ch, err = c.Submit(rapid.SampledFrom(ids).Draw(t, "from"), id)
			case 2:
				rmEvent = rapid.SampledFrom(RMEvents()).Draw(t, "rmEvent")
				override = rapid.SampledFrom([]string{"", "reason"}).Draw(t, "override")
				next, ch, err = c.StepRM(id, rmEvent, override)
			case 3:
				emEvent = rapid.SampledFrom(EMEvents()).Draw(t, "emEvent")
				next, ch, err = c.StepEM(id, emEvent)
			case 4:
				next, ch, err = c.StepConsent(id, rapid.SampledFrom(ConsentEvents()).Draw(t, "consentEvent"))
			case 5, 6:
				e := drawCaseEvent(t, c.CS())
				if op == 5 {
					next, ch, err = c.StepCS(e)
				} else {
					next, ch, err = c.Record(e)
				}
			}
			if err != nil {
				if snapshot(next) != before || ch != nil {
					t.Fatalf("failed op %d changed the case: %s -> %s, %v", op, before, snapshot(next), ch)
				}
				continue
			}
			if op != 0 && len(ch) == 0 {
				t.Fatalf("op %d succeeded with no change", op)
			}
			checkChanges(t, c, ch)
			prevGlobal, prevEM := c.CS().Global(), c.EM()
			c = next
			global := c.CS().Global()
			switch {
			case op == 2 && c.EM() != prevEM:
				t.Fatalf("RM %s changed EM %s -> %s", rmEvent, prevEM, c.EM())
			case op == 2 && rmEvent == RMClose && prevEM.Active() && override == "":
				t.Fatalf("closed during an active embargo without a reason")
			case op == 3 && (emEvent == EMPropose || emEvent == EMAccept) && prevGlobal&pxaBits != 0:
				t.Fatalf("%s with the case in %s", emEvent, prevGlobal)
			case (global.Has(PublicAware) || global.Has(ExploitPublic)) && (c.EM().Active() || c.EM().Pending()):
				t.Fatalf("embargo %s with the case in %s", c.EM(), global)
			case op == 6 && len(c.CS().Owed()) > 0:
				t.Fatalf("Record left %v owed", c.CS().Owed())
			}
			for _, pid := range c.Participants() {
				p, _ := c.Participant(pid)
				if (c.EM() == EMNone || c.EM() == EMExited) && p.Consent != ConsentNone {
					t.Fatalf("%s consent %s with EM %s", pid, p.Consent, c.EM())
				}
				if p.Consent == ConsentLapsed && !c.EM().Pending() {
					t.Fatalf("%s lapsed with EM %s", pid, c.EM())
				}
				if proj, ok := c.CS().Vendor(pid); ok != p.Vendor || (ok && !reachable[proj]) {
					t.Fatalf("%s: vendor %v, projection %s", pid, p.Vendor, proj)
				}
			}
		}
	})
}

// checkChanges checks that every change carries the message of its
// transition.
func checkChanges(t *rapid.T, c Case, ch []Change) {
	for _, x := range ch {
		var want MessageType
		switch x.Machine {
		case RM:
			from, _ := ParseRMState(x.From)
			e, _ := ParseRMEvent(x.Event)
			want, _ = RMMessage(from, e)
		case EM:
			from, _ := ParseEMState(x.From)
			e, _ := ParseEMEvent(x.Event)
			want, _ = EMMessage(from, e)
		case CS:
			e, _ := ParseCSEvent(x.Event)
			want = CSMessage(e)
		case Consent:
			want = x.Message
			if x.Implied && x.Message != 0 {
				t.Fatalf("implied consent change with a message: %s", x)
			}
		}
		if x.Message != want || x.Message == 0 && x.Machine != Consent {
			t.Fatalf("change %s: message %s, want %s", x, x.Message, want)
		}
	}
}
