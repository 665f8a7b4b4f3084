package ssvc

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

func TestSsvcEvaluateCSV(t *testing.T) {
	r := newRegistryT(t)
	tree := treeT(t, r, "supplier")
	in := "\uFEFFTechnical Impact,exploitation v1.1.0, Automatable,Value Density,Public Safety Impact\n" +
		"total,active,yes,concentrated,significant\n" +
		"\n" +
		"P,N,N,D,M\n" +
		"\"partial\",public poc,no,concentrated,minimal\n"
	res, err := tree.EvaluateCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(res.Header, "|"); got != "Technical Impact|exploitation v1.1.0|Automatable|Value Density|Public Safety Impact" {
		t.Errorf("header %q", got)
	}
	want := []struct {
		line    int
		first   string
		outcome string
	}{{2, "total", "Immediate"}, {4, "P", "Defer"}, {5, "partial", "Scheduled"}}
	if len(res.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(res.Rows), len(want))
	}
	for i, w := range want {
		row := res.Rows[i]
		if row.Line != w.line || row.Fields[0] != w.first || row.Evaluation.Outcome.Name != w.outcome {
			t.Errorf("row %d = line %d %v %s, want line %d %s %s", i, row.Line, row.Fields, row.Evaluation.Outcome.Name, w.line, w.first, w.outcome)
		}
	}

	// A header alone is valid and gives no rows.
	res, err = tree.EvaluateCSV(strings.NewReader("Exploitation,Utility,Technical Impact,Public Safety Impact\n"))
	if err != nil || len(res.Rows) != 0 {
		t.Errorf("header only: %v, %v", res, err)
	}
}

func TestSsvcEvaluateCSVErrors(t *testing.T) {
	r := newRegistryT(t)
	tree := treeT(t, r, "coordinator-publish")
	const head = "Supplier Involvement,Exploitation,Public Value Added\n"
	tests := []struct {
		name     string
		in       string
		line     int
		is       error
		contains string
	}{
		{"empty", "", 1, nil, "no header"},
		{"blank lines only", "\n\n", 1, nil, "no header"},
		{"unknown column", "Supplier Involvement,Exploitation,Public Value Added,Report Public\n", 1, ErrUnknownDecisionPoint, `"Report Public"`},
		{"outcome column", head[:len(head)-1] + ",\"Publish, Do Not Publish\"\n", 1, ErrUnknownDecisionPoint, "valid: Supplier Involvement, Exploitation, Public Value Added"},
		{"duplicate column", "Exploitation,Supplier Involvement,exploitation,Public Value Added\n", 1, ErrDuplicateDecisionPoint, "Exploitation"},
		{"missing column", "\nSupplier Involvement,Exploitation\n", 2, ErrMissingDecisionPoint, "Public Value Added"},
		{"bad value", head + "fix ready,none,limited\ncooperative,sometimes,limited\n", 3, ErrUnknownValue, `"sometimes"`},
		{"empty value", head + "fix ready,,limited\n", 2, ErrUnknownValue, "valid: None (N), Public PoC (P), Active (A)"},
		{"too few fields", head + "fix ready,none,limited\n\ncooperative,none\n", 4, nil, "wrong number of fields"},
		{"bad quote", head + "fix ready,none,limited\n\"cooperative,none,limited\n", 3, nil, "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tree.EvaluateCSV(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("got %+v, want error", res)
			}
			var ce *CSVError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CSVError", err)
			}
			if ce.Line != tt.line {
				t.Errorf("line %d, want %d (%v)", ce.Line, tt.line, err)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v, want %v", err, tt.is)
			}
			if !strings.Contains(err.Error(), tt.contains) {
				t.Errorf("error %q lacks %q", err, tt.contains)
			}
		})
	}
}

func TestSsvcEvaluateCSVReadError(t *testing.T) {
	tree := treeT(t, newRegistryT(t), "supplier")
	boom := errors.New("boom")
	in := io.MultiReader(strings.NewReader("Exploitation,Utility,Technical Impact,Public Safety Impact\nnone,L,P,M\n"), iotest.ErrReader(boom))
	_, err := tree.EvaluateCSV(in)
	var ce *CSVError
	if !errors.Is(err, boom) || !errors.As(err, &ce) || ce.Line != 3 {
		t.Errorf("got %v, want boom at line 3", err)
	}
}

// FuzzSsvcEvaluateCSV feeds arbitrary input to the CSV parser the CLI uses: it
// must not panic, and either evaluate every record or name a line.
func FuzzSsvcEvaluateCSV(f *testing.F) {
	r := newRegistryT(f)
	trees := r.Trees()
	seeds := []string{
		"Supplier Involvement,Exploitation,Public Value Added\nfix ready,none,limited\nUU,A,P\n",
		"Exploitation v1.1.0,Utility,Technical Impact,Public Safety Impact\nactive,super effective,total,significant\n",
		"Exploitation,Automatable,Value Density,Technical Impact,Safety Impact\nnone,no,diffuse,partial,negligible\n",
		"Exploitation,System Exposure,Automatable,Safety Impact,Mission Impact\n\"public poc\",open,yes,critical,mef failure\n",
		"Report Public,Supplier Contacted,Report Credibility,Supplier Cardinality,Supplier Engagement,Utility,Public Safety Impact\nyes,no,credible,one,active,laborious,minimal\n",
		"\uFEFF a,b\n\"x\"\"\",y\n", "", "\n", "\"", ",,,\n,,,",
	}
	for i, s := range seeds {
		f.Add(uint8(i), s)
	}
	f.Fuzz(func(t *testing.T, which uint8, in string) {
		tree := trees[int(which)%len(trees)]
		res, err := tree.EvaluateCSV(strings.NewReader(in))
		if err != nil {
			var ce *CSVError
			if !errors.As(err, &ce) || ce.Line < 1 {
				t.Fatalf("error %v is not a *CSVError with a line", err)
			}
			if len(res.Rows) != 0 || res.Header != nil {
				t.Fatalf("error %v with a result %+v", err, res)
			}
			return
		}
		for _, row := range res.Rows {
			if len(row.Fields) != len(res.Header) || row.Line < 2 {
				t.Fatalf("row %+v does not fit header %q", row, res.Header)
			}
			if _, ok := tree.Table.Outcome.valueByKey(row.Evaluation.Outcome.Key); !ok {
				t.Fatalf("row %+v: outcome %+v is not a value of %s", row, row.Evaluation.Outcome, tree.Table.Outcome.Name)
			}
		}
	})
}
