package protocol

// edit accumulates the changes of one operation on a copy of a Case.
type edit struct {
	c       Case
	changes []Change
	csOwned bool // c.cs is this edit's own copy
}

func (c Case) edit() *edit { return &edit{c: c.clone()} }

// consent applies a consent event that the rules have already allowed.
func (b *edit) consent(id string, e ConsentEvent, implied bool) {
	p := b.c.parts[id]
	to, err := p.Consent.Step(e)
	if err != nil {
		return
	}
	ch := Change{Machine: Consent, Participant: id, From: p.Consent.String(), Event: e.String(), To: to.String(), Implied: implied}
	if !implied {
		ch.Message, _ = ConsentMessage(b.c.em, e)
	}
	b.changes = append(b.changes, ch)
	p.Consent = to
	b.c.parts[id] = p
}

// sign makes id a signatory of the current terms, as a consequence of its
// own EM act.
func (b *edit) sign(id string) {
	switch b.c.parts[id].Consent {
	case ConsentNone, ConsentDeclined:
		b.consent(id, ConsentInvite, true)
		b.consent(id, ConsentAccept, true)
	case ConsentInvited, ConsentLapsed:
		b.consent(id, ConsentAccept, true)
	}
}

// each applies e to every participant other than except whose consent is in
// one of from.
func (b *edit) each(except string, e ConsentEvent, from ...ConsentState) {
	for _, id := range b.c.Participants() {
		if id == except {
			continue
		}
		for _, s := range from {
			if b.c.parts[id].Consent == s {
				b.consent(id, e, true)
				break
			}
		}
	}
}

// em applies EM event e, which the rules have already allowed, and its
// consequences on consent.
func (b *edit) em(actor string, e EMEvent, implied bool) {
	from := b.c.em
	to, err := from.Step(e)
	if err != nil {
		return
	}
	msg, _ := EMMessage(from, e)
	b.changes = append(b.changes, Change{Machine: EM, From: from.String(), Event: e.String(), To: to.String(), Message: msg, Implied: implied})
	b.c.em = to
	switch {
	case e == EMPropose:
		// New terms are put to everyone: earlier consent lapses, everyone
		// else is invited, the proposer signs.
		b.each(actor, ConsentLapse, ConsentSignatory)
		b.each(actor, ConsentInvite, ConsentNone, ConsentDeclined)
		b.sign(actor)
	case e == EMAccept:
		// The terms are in force: the acceptor signs; consent to the
		// replaced terms is gone, so those who held it are invited anew.
		b.sign(actor)
		b.each(actor, ConsentInvite, ConsentLapsed)
	case e == EMReject && from == EMRevise:
		// The old terms stay, and so does consent to them.
		b.each("", ConsentReinstate, ConsentLapsed)
	default: // a rejected proposal or an ended embargo: nothing to consent to
		b.each("", ConsentClear, ConsentInvited, ConsentSignatory, ConsentDeclined, ConsentLapsed)
	}
}

// cs applies CS event e, which the rules have already allowed, and the EM
// transition it forces.
func (b *edit) cs(e CaseEvent, implied bool) {
	if !b.csOwned { // one copy of the vendor map per edit, not per event
		b.c.cs, b.csOwned = b.c.cs.clone(), true
	}
	from := b.c.cs.describeFull(e)
	if err := b.c.cs.applyOwned(e); err != nil {
		return
	}
	ch := Change{Machine: CS, Participant: e.Vendor, Event: e.Event.String(), Message: CSMessage(e.Event), Implied: implied,
		From: from, To: b.c.cs.describeFull(e)}
	b.changes = append(b.changes, ch)
	if forced, ok := EMEffect(b.c.em, e.Event); ok {
		b.em("", forced, true)
	}
}

// StepEM applies EM event e, taken by participant actor (CheckEM: proposing
// and accepting need the case in ...pxa). Consent follows: a proposal,
// counter-proposal or revision is put to every participant (signatories'
// consent lapses, the others are invited) and the proposer signs; accepting
// makes the acceptor a signatory and invites anew those whose consent had
// lapsed; rejecting a revision reinstates lapsed consent; rejecting a
// proposal or terminating clears all consent.
func (c Case) StepEM(actor string, e EMEvent) (Case, []Change, error) {
	if _, err := c.participant(actor); err != nil {
		return c, nil, err
	}
	if err := CheckEM(c.em, e, c.cs.Global()); err != nil {
		return c, nil, err
	}
	b := c.edit()
	b.em(actor, e, false)
	return b.c, b.changes, nil
}

// StepConsent applies a participant's own consent event: invite, accept or
// decline (CheckConsent).
func (c Case) StepConsent(id string, e ConsentEvent) (Case, []Change, error) {
	p, err := c.participant(id)
	if err != nil {
		return c, nil, err
	}
	if err := CheckConsent(p.Consent, e, c.em); err != nil {
		return c, nil, err
	}
	b := c.edit()
	b.consent(id, e, false)
	return b.c, b.changes, nil
}

// StepCS applies CS event e strictly (CaseState.Apply). If e is P or X, the
// embargo follows: an active one is terminated, a pending proposal rejected,
// and all consent cleared.
func (c Case) StepCS(e CaseEvent) (Case, []Change, error) {
	if err := c.cs.Check(e); err != nil {
		return c, nil, err
	}
	b := c.edit()
	b.cs(e, false)
	return b.c, b.changes, nil
}

// Record records CS event e as reality produced it: it applies the events
// CaseState.Plan says e presupposes, e, and the events the model then forces,
// each like StepCS. Changes other than e's own are marked Implied.
func (c Case) Record(e CaseEvent) (Case, []Change, error) {
	plan, err := c.cs.Plan(e)
	if err != nil {
		return c, nil, err
	}
	b := c.edit()
	for _, step := range plan.Steps() {
		b.cs(step, step != e)
	}
	return b.c, b.changes, nil
}
