package web

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

// The report form's rows: how many empty rows a fresh form shows, and how
// many a press on "More rows" adds.
const (
	productRows = 3
	vendorRows  = 2
	moreRows    = 3
)

// reportInput is the report form as typed: text as sent, so that a refused
// form shows exactly what the reporter wrote (files excepted: a browser
// cannot be told to choose them again).
type reportInput struct {
	Title, Description, ProofOfConcept, Impact     string
	HowFound, FoundOn                              string
	AlreadyReportedTo, PublicDetails               string
	PubliclyKnown, ExploitPublic                   bool
	ActivelyExploited, Critical                    bool
	DisclosureDate, DisclosureZone                 string
	DisclosureNotes                                string
	ContactName, ContactOrganisation, ContactEmail string
	PGPKey                                         string
	ShareContact                                   bool
	Credit, CreditName                             string
	TrackingIDs                                    string
	AIUse, AIDetails                               string
	Products                                       []productRow
	Vendors                                        []string
	Program                                        string // the slug of the program the report is sent through, if any
}

// productRow is one row of the affected products: versions are typed as
// one line, separated by commas.
type productRow struct{ Name, Versions string }

func newReportInput() reportInput {
	return reportInput{DisclosureZone: "UTC", Credit: string(reports.CreditNone),
		Products: make([]productRow, productRows), Vendors: make([]string, vendorRows)}
}

// inputFrom reads the typed form back from its values.
func inputFrom(vals url.Values) reportInput {
	in := reportInput{
		Title: vals.Get("title"), Description: vals.Get("description"), ProofOfConcept: vals.Get("proof_of_concept"),
		Impact: vals.Get("impact"), HowFound: vals.Get("how_found"), FoundOn: vals.Get("found_on"),
		AlreadyReportedTo: vals.Get("already_reported_to"), PublicDetails: vals.Get("public_details"),
		PubliclyKnown: vals.Get("publicly_known") != "", ExploitPublic: vals.Get("exploit_public") != "",
		ActivelyExploited: vals.Get("actively_exploited") != "", Critical: vals.Get("critical") != "",
		DisclosureDate: vals.Get("disclosure.date"), DisclosureZone: vals.Get("disclosure.zone"),
		DisclosureNotes: vals.Get("disclosure.notes"), ContactName: vals.Get("contact.name"),
		ContactOrganisation: vals.Get("contact.organisation"), ContactEmail: vals.Get("contact.email"),
		PGPKey: vals.Get("pgp_key"), ShareContact: vals.Get("share_contact") != "", Credit: vals.Get("credit"),
		CreditName: vals.Get("credit_name"), TrackingIDs: vals.Get("tracking_ids"), AIUse: vals.Get("ai_use"),
		AIDetails: vals.Get("ai_details"), Program: vals.Get("program"),
	}
	for i := 0; i < reports.MaxProducts+1; i++ {
		name, nok := vals[fmt.Sprintf("products[%d].name", i)]
		versions, vok := vals[fmt.Sprintf("products[%d].versions", i)]
		if !nok && !vok {
			break
		}
		in.Products = append(in.Products, productRow{Name: first(name), Versions: first(versions)})
	}
	for i := 0; i < reports.MaxVendors+1; i++ {
		name, ok := vals[fmt.Sprintf("vendors[%d].name", i)]
		if !ok {
			break
		}
		in.Vendors = append(in.Vendors, first(name))
	}
	if vals.Get("more_products") != "" {
		in.Products = append(in.Products, make([]productRow, moreRows)...)
	}
	if vals.Get("more_vendors") != "" {
		in.Vendors = append(in.Vendors, make([]string, moreRows)...)
	}
	for len(in.Products) < productRows {
		in.Products = append(in.Products, productRow{})
	}
	for len(in.Vendors) < vendorRows {
		in.Vendors = append(in.Vendors, "")
	}
	return in
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// splitList splits a typed list at commas, semicolons and line ends.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' || r == '\r' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// submission is what the form asks reports to take in.
func (in reportInput) submission(files []reports.NewAttachment) reports.Submission {
	d := reports.Details{
		Title: in.Title, Description: in.Description, ProofOfConcept: in.ProofOfConcept, Impact: in.Impact,
		HowFound: in.HowFound, FoundOn: in.FoundOn, AlreadyReportedTo: in.AlreadyReportedTo, PublicDetails: in.PublicDetails,
		PubliclyKnown: in.PubliclyKnown, ExploitPublic: in.ExploitPublic, ActivelyExploited: in.ActivelyExploited,
		Critical:   in.Critical,
		Disclosure: reports.Disclosure{Date: in.DisclosureDate, Zone: in.DisclosureZone, Notes: in.DisclosureNotes},
		Contact:    reports.Contact{Name: in.ContactName, Organisation: in.ContactOrganisation, Email: in.ContactEmail},
		PGPKey:     in.PGPKey, ShareContact: in.ShareContact, Credit: reports.CreditWish(in.Credit), CreditName: in.CreditName,
		TrackingIDs: splitList(in.TrackingIDs), AIUse: reports.AIUse(in.AIUse), AIDetails: in.AIDetails,
	}
	for _, p := range in.Products {
		d.Products = append(d.Products, reports.Product{Name: p.Name, Versions: splitList(p.Versions)})
	}
	for _, v := range in.Vendors {
		d.Vendors = append(d.Vendors, reports.Vendor{Name: v})
	}
	return reports.Submission{Details: d, Channel: reports.ChannelWeb, Attachments: files}
}

// withoutEmptyRows drops the form's empty product and vendor rows, which
// reports' validation skips but its completeness check would count. (Submit
// gets the rows as typed, so that an error's index names the form's row.)
func withoutEmptyRows(sub reports.Submission) reports.Submission {
	var products []reports.Product
	for _, p := range sub.Products {
		if strings.TrimSpace(p.Name) != "" || len(p.Versions) > 0 {
			products = append(products, p)
		}
	}
	var vendors []reports.Vendor
	for _, v := range sub.Vendors {
		if strings.TrimSpace(v.Name) != "" {
			vendors = append(vendors, v)
		}
	}
	sub.Products, sub.Vendors = products, vendors
	return sub
}

// fieldPattern finds the list indexes the form shows on one input.
var (
	versionField = regexp.MustCompile(`^(products\[\d+\]\.versions)\[\d+\]$`)
	listField    = regexp.MustCompile(`^(tracking_ids|attachments)\[\d+\]$`)
	orgField     = regexp.MustCompile(`^(vendors\[\d+\])\.org_id$`)
)

// formField names the input that shows an error about a submission's
// field: the form has one input for a product's versions, the tracking
// IDs and the attachments.
func formField(f string) string {
	if m := versionField.FindStringSubmatch(f); m != nil {
		return m[1]
	}
	if m := listField.FindStringSubmatch(f); m != nil {
		return m[1]
	}
	if m := orgField.FindStringSubmatch(f); m != nil {
		return m[1] + ".name"
	}
	return f
}

// fieldID is the HTML id of the input of a field: "products[0].name" is
// "products-0-name".
func fieldID(f string) string {
	return strings.NewReplacer("[", "-", "]", "", ".", "-", "_", "-").Replace(f)
}

// helpID is the id of the help text that describes a field's input.
func helpID(f string) string {
	switch {
	case strings.HasPrefix(f, "products["):
		return "products-help"
	case strings.HasPrefix(f, "vendors["):
		return "vendors-help"
	}
	return fieldID(f) + "-help"
}

// fieldAttrs describes an input by its help text, and marks it invalid
// with its error when form names it.
func fieldAttrs(form Form, field string) template.HTMLAttr {
	id := fieldID(field)
	if form.Field == field && form.Error != "" {
		return template.HTMLAttr(` aria-invalid="true" aria-describedby="` + id + `-err ` + helpID(field) + `"`)
	}
	return template.HTMLAttr(` aria-describedby="` + helpID(field) + `"`)
}

// gapLink is where the form shows the input a completeness gap is about.
func gapLink(field string) string {
	switch field {
	case "products":
		return "#products-0-name"
	case "products.versions":
		return "#products-0-versions"
	case "vendors":
		return "#vendors-0-name"
	}
	return anchorOf(field)
}

// anchorOf is the link to the input of field.
func anchorOf(field string) string {
	switch field {
	case "ai_use":
		return "#ai-none"
	case "credit":
		return "#credit-none"
	}
	return "#" + fieldID(field)
}

// readReportForm reads the report form, as multipart (with files) or as
// URL-encoded text. Text fields are read even after a file that is too
// large, so that the form can be shown again with what was typed; the
// request body as a whole is bounded by the policy's limits plus room for
// the text. The returned error (if any) is about the files.
func (s *Web) readReportForm(w http.ResponseWriter, r *http.Request) (url.Values, []reports.NewAttachment, error) {
	pol := s.Reports.Policy()
	limit := pol.MaxAttachmentsSize + pol.MaxAttachmentSize + maxFormText
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		if err := r.ParseForm(); err != nil {
			return url.Values{}, nil, uploadError(err, limit)
		}
		return r.PostForm, nil, nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return url.Values{}, nil, errs.E(errs.Invalid, "the form could not be read: %v", err)
	}
	vals := url.Values{}
	var files []reports.NewAttachment
	var total int64
	var fileErr error
	text := 0
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return vals, nil, uploadError(err, limit)
		}
		name := part.FormName()
		if name != "attachments" {
			b, err := io.ReadAll(io.LimitReader(part, reports.MaxText+1))
			if err == nil {
				_, err = io.Copy(io.Discard, part)
			}
			if err != nil {
				return vals, nil, uploadError(err, limit)
			}
			if text += len(b); text > maxFormText {
				return vals, nil, &errs.Error{Kind: errs.TooLarge, Message: "the form's text is too long: put long material in an attachment"}
			}
			vals.Add(name, string(b))
			continue
		}
		if part.FileName() == "" { // no file chosen
			_, _ = io.Copy(io.Discard, part)
			continue
		}
		b, err := io.ReadAll(io.LimitReader(part, pol.MaxAttachmentSize+1))
		if err == nil {
			_, err = io.Copy(io.Discard, part)
		}
		if err != nil {
			return vals, nil, uploadError(err, limit)
		}
		switch size := int64(len(b)); {
		case fileErr != nil:
		case size > pol.MaxAttachmentSize:
			fileErr = &errs.Error{Kind: errs.TooLarge, Field: "attachments",
				Message: fmt.Sprintf("%q is larger than %s, the limit per file", part.FileName(), mib(pol.MaxAttachmentSize))}
		case len(files) >= pol.MaxAttachments:
			fileErr = errs.Field("attachments", "can hold at most %d files", pol.MaxAttachments)
		case total+size > pol.MaxAttachmentsSize:
			fileErr = &errs.Error{Kind: errs.TooLarge, Field: "attachments",
				Message: fmt.Sprintf("are larger than %s together, the limit per report", mib(pol.MaxAttachmentsSize))}
		default:
			total += size
			files = append(files, reports.NewAttachment{Name: part.FileName(), Data: b})
		}
	}
	return vals, files, fileErr
}

// maxFormText bounds the text of one report form: every field at its
// limit would not fit, and no real report needs that much.
const maxFormText = 2 << 20

func uploadError(err error, limit int64) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return &errs.Error{Kind: errs.TooLarge, Field: "attachments",
			Message: fmt.Sprintf("the upload is larger than %s, more than this program takes with one report", mib(limit))}
	}
	return errs.E(errs.Invalid, "the form could not be read (%v): please try again", err)
}

// mib writes a size for people.
func mib(n int64) string {
	if n >= 1<<20 {
		return strings.TrimSuffix(strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64), ".0") + " MiB"
	}
	return strconv.FormatInt(n>>10, 10) + " KiB"
}
