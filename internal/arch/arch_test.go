package arch

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/parleycvd/parley/"

// allowed lists, for each package under internal/, the internal packages it
// may import (tests included). A new package needs an entry here and a line
// in ARCHITECTURE.md.
var allowed = map[string][]string{
	"errs":            {},
	"config":          {},
	"store":           {"errs", "store/storetest"},
	"store/storetest": {"store"},
	"journal":         {"store", "store/storetest"},
	"jobs":            {"store", "store/storetest"},
	"protocol":        {},
	"metrics":         {"protocol"},
	"ssvc":            {},
	"auth":            {"errs", "store", "journal", "jobs", "store/storetest"},
	"org":             {"errs", "store", "journal", "auth", "store/storetest"},
	"mail":            {"store", "store/storetest", "mail/mailtest"},
	"mail/mailtest":   {},
	"notify":          {"errs", "auth", "jobs", "mail", "org", "cases", "protocol", "reports", "pgp", "ssvc", "store", "deadlines", "store/storetest", "mail/mailtest", "disputes", "threads", "inbox", "credits", "status"},
	"api":             {"errs", "store", "auth", "org", "ssvc", "cases", "protocol", "reports", "server", "deadlines", "store/storetest", "disputes", "status", "threads", "webhooks", "credits", "inbox", "pgp"},
	"web":             {"errs", "store", "journal", "jobs", "mail", "auth", "org", "cases", "protocol", "reports", "markdown", "pgp", "ssvc", "deadlines", "store/storetest", "disputes", "status", "threads", "webhooks", "credits", "inbox"},
	"server":          {"store", "store/storetest"},
	"markdown":        {},
	"pgp":             {"errs", "store", "journal", "store/storetest"},
	"mailin":          {"errs", "pgp", "mail", "store", "journal", "store/storetest", "mail/mailtest"},
	"cases":           {"errs", "store", "journal", "jobs", "auth", "org", "protocol", "deadlines", "store/storetest"},
	"deadlines":       {"errs", "store", "journal", "jobs", "auth", "store/storetest"},
	"reports":         {"errs", "store", "journal", "jobs", "auth", "org", "protocol", "ssvc", "markdown", "store/storetest"},
	"disputes":        {"errs", "store", "journal", "jobs", "auth", "cases", "protocol", "store/storetest", "org"},
	"threads":         {"errs", "store", "journal", "jobs", "auth", "cases", "markdown", "org", "protocol", "store/storetest"},
	"status":          {"errs", "store", "journal", "jobs", "auth", "cases", "protocol", "deadlines", "store/storetest", "org"},
	"webhooks":        {"errs", "store", "journal", "jobs", "auth", "cases", "org", "store/storetest"},
	"credits":         {"errs", "store", "journal", "jobs", "auth", "cases", "store/storetest", "org"},
	"inbox":           {"errs", "store", "journal", "jobs", "auth", "pgp", "store/storetest"},
	"arch":            {},
}

func TestImportRule(t *testing.T) {
	root := "../"
	pkgs := map[string]map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		if strings.Contains(rel, "testdata") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		if pkgs[rel] == nil {
			pkgs[rel] = map[string]bool{}
		}
		for _, imp := range f.Imports {
			p := strings.Trim(imp.Path.Value, `"`)
			if strings.HasPrefix(p, module) {
				pkgs[rel][strings.TrimPrefix(p, module)] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range pkgs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, pkg := range names {
		allow, known := allowed[pkg]
		if !known {
			t.Errorf("internal/%s is not in the import rule: add it to ARCHITECTURE.md and to allowed in this test", pkg)
			continue
		}
		ok := map[string]bool{pkg: true}
		for _, a := range allow {
			ok[a] = true
		}
		for imp := range pkgs[pkg] {
			dep, isInternal := strings.CutPrefix(imp, "internal/")
			if !isInternal {
				t.Errorf("internal/%s imports %s: internal packages never import cmd/ or client/", pkg, imp)
			} else if !ok[dep] {
				t.Errorf("internal/%s imports internal/%s, which the import rule in ARCHITECTURE.md forbids", pkg, dep)
			}
		}
	}
}
