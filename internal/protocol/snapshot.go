package protocol

import "fmt"

// Snapshot is the stored form of a Case: what a service keeps in its
// database between requests.
type Snapshot struct {
	EM           EMState
	Global       CSState // the case-wide P, X and A
	Participants map[string]StoredParticipant
}

// StoredParticipant is a participant with its own V, F and D (vendors only).
type StoredParticipant struct {
	Participant
	VFD CSState
}

// Snapshot returns the stored form of c.
func (c Case) Snapshot() Snapshot {
	s := Snapshot{EM: c.em, Global: c.cs.global, Participants: make(map[string]StoredParticipant, len(c.parts))}
	for id, p := range c.parts {
		sp := StoredParticipant{Participant: p}
		if p.Vendor {
			sp.VFD = c.cs.vendors[id]
		}
		s.Participants[id] = sp
	}
	return s
}

// Restore rebuilds a Case from a snapshot, refusing one that no sequence of
// legal steps could have produced in its parts: bits out of place, F without
// V, D without F, consent while there is no embargo.
func Restore(s Snapshot) (Case, error) {
	if s.Global&^pxaBits != 0 {
		return Case{}, fmt.Errorf("restore: case-wide state %s holds vendor events", s.Global)
	}
	if s.EM > EMExited {
		return Case{}, fmt.Errorf("restore: unknown EM state %d", s.EM)
	}
	c := Case{em: s.EM, cs: CaseState{global: s.Global, vendors: map[string]CSState{}}, parts: map[string]Participant{}}
	for id, p := range s.Participants {
		if id == "" {
			return Case{}, fmt.Errorf("restore: participant with empty ID")
		}
		if p.RM > RMClosed || p.Consent > ConsentLapsed {
			return Case{}, fmt.Errorf("restore: participant %q has an unknown state", id)
		}
		if (s.EM == EMNone || s.EM == EMExited) && p.Consent != ConsentNone {
			return Case{}, fmt.Errorf("restore: participant %q has consent %s without an embargo", id, p.Consent)
		}
		if p.Vendor {
			if p.VFD&^vfdBits != 0 || (p.VFD.Has(FixReady) && !p.VFD.Has(VendorAware)) || (p.VFD.Has(FixDeployed) && !p.VFD.Has(FixReady)) {
				return Case{}, fmt.Errorf("restore: vendor %q has an impossible state %s", id, p.VFD)
			}
			c.cs.vendors[id] = p.VFD
		} else if p.VFD != 0 {
			return Case{}, fmt.Errorf("restore: participant %q is no vendor but has vendor events", id)
		}
		c.parts[id] = p.Participant
	}
	return c, nil
}
