package metrics

import "math/big"

// Row is the skill on one desideratum over a set of histories.
type Row struct {
	Desideratum  Desideratum
	Baseline     *big.Rat // f_d
	Met          int
	Missed       int
	Undetermined int
}

// Cases returns the number of histories in which the desideratum is
// determined (met or missed).
func (r Row) Cases() int { return r.Met + r.Missed }

// Observed returns the observed frequency, Met / (Met + Missed); ok is false
// when no history determines the desideratum.
func (r Row) Observed() (f *big.Rat, ok bool) {
	if r.Cases() == 0 {
		return nil, false
	}
	return big.NewRat(int64(r.Met), int64(r.Cases())), true
}

// Alpha returns the skill (see Alpha); ok is false when it is undefined.
func (r Row) Alpha() (alpha *big.Rat, ok bool) {
	obs, ok := r.Observed()
	if !ok {
		return nil, false
	}
	return Alpha(obs, r.Baseline)
}

// Alpha returns (observed - baseline) / (1 - baseline): 0 is luck, 1 is
// meeting the desideratum every time, below 0 is worse than luck. ok is false
// if baseline is 1 or nil.
func Alpha(observed, baseline *big.Rat) (alpha *big.Rat, ok bool) {
	one := big.NewRat(1, 1)
	if baseline == nil || observed == nil || baseline.Cmp(one) == 0 {
		return nil, false
	}
	num := new(big.Rat).Sub(observed, baseline)
	den := new(big.Rat).Sub(one, baseline)
	return num.Quo(num, den), true
}

// Rejected is a history left out of a report because it does not replay.
type Rejected struct {
	CaseID string
	Vendor string
	Err    error
}

// Report is the skill over a set of histories.
type Report struct {
	Rows      []Row      // one per desideratum, in Desiderata order
	Histories int        // histories assessed
	Rejected  []Rejected // histories left out, in input order
}

// Evaluate assesses every history and counts, per desideratum, how many met
// it, missed it, or cannot tell yet. Histories that do not replay are left
// out and listed in Rejected.
func Evaluate(histories []History) Report {
	bs := Baselines()
	rep := Report{Rows: make([]Row, len(bs))}
	for i, b := range bs {
		rep.Rows[i] = Row{Desideratum: b.Desideratum, Baseline: b.Frequency}
	}
	for _, h := range histories {
		scores, err := Assess(h)
		if err != nil {
			rep.Rejected = append(rep.Rejected, Rejected{CaseID: h.CaseID, Vendor: h.Vendor, Err: err})
			continue
		}
		rep.Histories++
		for i, s := range scores {
			switch s.Outcome {
			case Met:
				rep.Rows[i].Met++
			case Missed:
				rep.Rows[i].Missed++
			default:
				rep.Rows[i].Undetermined++
			}
		}
	}
	return rep
}
