package protocol

import (
	"fmt"
	"maps"
	"slices"
)

// CaseEvent is a CS event in a case: a vendor event (V, F, D) names the
// vendor (or deployer) it belongs to; a case-wide event (P, X, A) names none.
type CaseEvent struct {
	Event  CSEvent
	Vendor string
}

// String returns e.g. "V(acme)" or "P".
func (e CaseEvent) String() string {
	if e.Vendor == "" {
		return e.Event.String()
	}
	return fmt.Sprintf("%s(%s)", e.Event, e.Vendor)
}

// CaseState is the CS state of a case: V, F and D per vendor, P, X and A
// shared. A vendor's view of the case, its projection, is its own vfd with
// the case's pxa; every projection is a state of the CS model. The zero
// CaseState is a case with no vendors and no events. Methods never modify the
// receiver; they return a new CaseState.
type CaseState struct {
	global  CSState            // only P, X, A bits
	vendors map[string]CSState // only V, F, D bits
}

// vfdBits and pxaBits select the vendor and case-wide parts of a CSState.
const (
	vfdBits CSState = 1<<VendorAware | 1<<FixReady | 1<<FixDeployed
	pxaBits CSState = 1<<PublicAware | 1<<ExploitPublic | 1<<Attacks
)

// NewCaseState returns a case with the given vendors and no events.
func NewCaseState(vendors ...string) (CaseState, error) {
	var s CaseState
	for _, v := range vendors {
		var err error
		if s, err = s.AddVendor(v); err != nil {
			return CaseState{}, err
		}
	}
	return s, nil
}

// AddVendor returns s with a new vendor (or deployer) that has none of V, F
// and D. If P already holds, the new vendor owes V (see Owed).
func (s CaseState) AddVendor(id string) (CaseState, error) {
	if id == "" {
		return s, fmt.Errorf("vendor: empty ID")
	}
	if _, ok := s.vendors[id]; ok {
		return s, fmt.Errorf("vendor %q: already in the case", id)
	}
	n := s.clone()
	n.vendors[id] = 0
	return n, nil
}

func (s CaseState) clone() CaseState {
	n := CaseState{global: s.global, vendors: maps.Clone(s.vendors)}
	if n.vendors == nil {
		n.vendors = make(map[string]CSState)
	}
	return n
}

// Vendors returns the vendor IDs, sorted.
func (s CaseState) Vendors() []string { return slices.Sorted(maps.Keys(s.vendors)) }

// Global returns the case-wide part: P, X and A, with v, f and d lower case.
func (s CaseState) Global() CSState { return s.global }

// Vendor returns vendor id's projection: its vfd with the case's pxa.
func (s CaseState) Vendor(id string) (CSState, bool) {
	v, ok := s.vendors[id]
	return v | s.global, ok
}

// Has reports whether e has happened (false for an unknown vendor).
func (s CaseState) Has(e CaseEvent) bool {
	if e.Event.CaseWide() {
		return s.global.Has(e.Event)
	}
	v, ok := s.vendors[e.Vendor]
	return ok && v.Has(e.Event)
}

// validate checks that e is well formed for s: a known event, a vendor for
// V, F and D that is in the case, none for P, X and A.
func (s CaseState) validate(e CaseEvent) error {
	switch {
	case e.Event > Attacks:
		return fmt.Errorf("unknown CS event %d", e.Event)
	case e.Event.CaseWide() && e.Vendor != "":
		return fmt.Errorf("event %s belongs to the case, not to vendor %q", e.Event, e.Vendor)
	case !e.Event.CaseWide() && e.Vendor == "":
		return fmt.Errorf("event %s needs a vendor", e.Event)
	}
	if _, ok := s.vendors[e.Vendor]; !ok && e.Vendor != "" {
		return fmt.Errorf("vendor %q: not in the case", e.Vendor)
	}
	return nil
}

// Check reports whether e may happen now. A vendor event is checked in that
// vendor's projection. A case-wide event is checked against the case-wide
// rules and in every vendor's projection, so that, for instance, once P holds
// nothing else happens to the case until every vendor has V. The error is a
// *StepError for a broken rule, a plain error for a malformed event.
func (s CaseState) Check(e CaseEvent) error {
	if err := s.validate(e); err != nil {
		return err
	}
	fail := func(state CSState, rule string) error {
		return &StepError{Machine: CS, State: state.String(), Event: e.String(), Rule: rule}
	}
	if !e.Event.CaseWide() {
		p, _ := s.Vendor(e.Vendor)
		if rule := check(p, e.Event, false); rule != "" {
			return fail(p, rule)
		}
		return nil
	}
	if rule := check(s.global, e.Event, true); rule != "" {
		return &StepError{Machine: CS, State: s.global.pxa(), Event: e.String(), Rule: rule}
	}
	for _, id := range s.Vendors() {
		p, _ := s.Vendor(id)
		if rule := check(p, e.Event, false); rule != "" {
			return &StepError{Machine: CS, State: fmt.Sprintf("%s (vendor %s)", p, id), Event: e.String(), Rule: rule}
		}
	}
	return nil
}

// Apply applies e strictly: it fails if any rule forbids it (see Check).
func (s CaseState) Apply(e CaseEvent) (CaseState, error) {
	if err := s.Check(e); err != nil {
		return s, err
	}
	n := s.clone()
	n.set(e)
	return n, nil
}

// applyOwned applies e to s in place; s must be the caller's own clone.
// Long runs of events (V for thousands of vendors once P holds) then cost
// one copy of the vendor map, not one per event.
func (s *CaseState) applyOwned(e CaseEvent) error {
	if err := s.Check(e); err != nil {
		return err
	}
	s.set(e)
	return nil
}

func (s *CaseState) set(e CaseEvent) {
	if e.Event.CaseWide() {
		s.global = s.global.with(e.Event)
	} else {
		s.vendors[e.Vendor] = s.vendors[e.Vendor].with(e.Event)
	}
}

// Owed returns the events the model requires before any other: P if X holds
// without P, otherwise V for every vendor lacking it once P holds. Each
// is allowed now, in the order given.
func (s CaseState) Owed() []CaseEvent {
	if s.global.Has(ExploitPublic) && !s.global.Has(PublicAware) {
		return []CaseEvent{{Event: PublicAware}}
	}
	var owed []CaseEvent
	if s.global.Has(PublicAware) {
		for _, id := range s.Vendors() {
			if !s.vendors[id].Has(VendorAware) {
				owed = append(owed, CaseEvent{Event: VendorAware, Vendor: id})
			}
		}
	}
	return owed
}

// Plan is how to record an event that reality has produced while staying in
// the model: the events it presupposes, the event itself, and the events
// the model then forces.
type Plan struct {
	Before []CaseEvent // presupposed, in order (e.g. V and F before a vendor's D)
	Event  CaseEvent
	After  []CaseEvent // forced, in order (e.g. P after X; V for every vendor once P holds)
}

// Steps returns Before, Event and After in one list: applying them in order
// with Apply succeeds.
func (p Plan) Steps() []CaseEvent {
	steps := slices.Concat(p.Before, []CaseEvent{p.Event}, p.After)
	return steps
}

// Plan says how to record e. Strictly, e may be forbidden now; in reality it
// implies other events. Before holds what e presupposes: a vendor's V before
// its F, F before its D; P before anything else once X holds; once P holds,
// V for the vendors blocking a case-wide event (and for a vendor before its
// own F or D). After holds what the model forces once e has happened (Owed,
// until nothing is owed). The error is a *StepError if e has already
// happened, a plain error if e is malformed.
func (s CaseState) Plan(e CaseEvent) (Plan, error) {
	if err := s.validate(e); err != nil {
		return Plan{}, err
	}
	if s.Has(e) {
		return Plan{}, &StepError{Machine: CS, State: s.describe(e), Event: e.String(), Rule: ruleOnce}
	}
	p := Plan{Event: e}
	cur := s.clone()
	for cur.Check(e) != nil {
		bs := cur.blockers(e)
		if len(bs) == 0 {
			return Plan{}, cur.Check(e)
		}
		for _, b := range bs {
			if err := cur.applyOwned(b); err != nil {
				return Plan{}, err
			}
			p.Before = append(p.Before, b)
		}
	}
	_ = cur.applyOwned(e)
	for owed := cur.Owed(); len(owed) > 0; owed = cur.Owed() {
		for _, o := range owed {
			_ = cur.applyOwned(o)
			p.After = append(p.After, o)
		}
	}
	return p, nil
}

// blockers returns events that must happen before e and are allowed now,
// in order: all that the case owes at once, so that a case-wide event
// blocked by thousands of vendors is planned in one pass.
func (s CaseState) blockers(e CaseEvent) []CaseEvent {
	if e.Event.CaseWide() && !(s.global.Has(ExploitPublic) && !s.global.Has(PublicAware)) {
		return s.Owed()
	}
	if b, ok := s.blocker(e); ok {
		return []CaseEvent{b}
	}
	return nil
}

// blocker returns an event that must happen before e and is allowed now.
func (s CaseState) blocker(e CaseEvent) (CaseEvent, bool) {
	if s.global.Has(ExploitPublic) && !s.global.Has(PublicAware) {
		return CaseEvent{Event: PublicAware}, true
	}
	if e.Event.CaseWide() {
		if owed := s.Owed(); len(owed) > 0 {
			return owed[0], true
		}
		return CaseEvent{}, false
	}
	v := s.vendors[e.Vendor]
	switch {
	case !v.Has(VendorAware) && e.Event != VendorAware:
		return CaseEvent{Event: VendorAware, Vendor: e.Vendor}, true
	case e.Event == FixDeployed && !v.Has(FixReady):
		return CaseEvent{Event: FixReady, Vendor: e.Vendor}, true
	}
	return CaseEvent{}, false
}

// describeFull is what a Change shows of the state e concerns: the
// case-wide part, or the vendor's state as Vendor returns it.
func (s CaseState) describeFull(e CaseEvent) string {
	if e.Event.CaseWide() {
		return s.Global().pxa()
	}
	v, _ := s.Vendor(e.Vendor)
	return v.String()
}

// describe returns the state an event concerns: the vendor's projection for
// a vendor event, the case-wide part otherwise.
func (s CaseState) describe(e CaseEvent) string {
	if e.Event.CaseWide() {
		return s.global.pxa()
	}
	p, _ := s.Vendor(e.Vendor)
	return p.String()
}

// pxa writes the case-wide part of s as in "...Pxa".
func (s CSState) pxa() string { return "..." + s.String()[3:] }
