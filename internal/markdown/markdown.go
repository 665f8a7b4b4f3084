// Package markdown renders text written by people outside the instance
// (reporters, vendors) as safe HTML: CommonMark with GitHub's tables,
// strikethrough and autolinks, then sanitised.
//
// Invariants:
//   - Raw HTML in the source is never passed through: it is shown as text,
//     so a cross-site scripting proof of concept stays readable and inert.
//   - The output never loads anything from elsewhere: images become links
//     (a remote image in an embargoed report would be a tracking pixel that
//     tells its host who read the report, and when).
//   - Links carry rel="nofollow noopener noreferrer" (no referrer, so that a
//     page whose address holds a secret, like a follow-up link, never leaks
//     it) and only http, https and mailto addresses survive.
//   - Headings are demoted by two levels so that text never outranks the
//     page around it.
//   - Rendering time is bounded: sources longer than MaxSource are cut (at a
//     character boundary) and marked as cut, and a source whose structure
//     would make the parser slow (deeply nested quotes or lists, long
//     paragraphs dense with brackets, pipes or emphasis marks, on which
//     CommonMark parsing is quadratic) is shown as preformatted text instead.
//   - Render is safe for concurrent use. The converter and the sanitiser are
//     built once and never changed afterwards: goldmark keeps per-call state
//     in its parse context (its author confirms Convert is safe for
//     concurrent use), and a bluemonday policy is safe to share once built.
//     Building them per call would cost about half a millisecond.
package markdown

import (
	"bytes"
	"html/template"
	"regexp"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// MaxSource is the longest source Render renders; the rest is cut.
const MaxSource = 64 << 10

// Rel is the rel attribute every link gets.
const Rel = "nofollow noopener noreferrer"

// cutNotice ends the output of a source longer than MaxSource.
const cutNotice = `<p><em>(The text was cut here: it is longer than can be shown.)</em></p>`

// Render turns Markdown source into sanitised HTML.
func Render(src string) template.HTML {
	cut := false
	if len(src) > MaxSource {
		src, cut = truncate(src, MaxSource), true
	}
	var buf bytes.Buffer
	if tooComplex(src) || converter.Convert([]byte(src), &buf) != nil {
		// goldmark only fails when the writer does, which a bytes.Buffer
		// does not; either way the text is shown rather than lost.
		buf.Reset()
		buf.WriteString("<pre>" + template.HTMLEscapeString(src) + "</pre>")
	}
	out := sanitiser.SanitizeBytes(buf.Bytes())
	if cut {
		out = append(out, cutNotice...)
	}
	return template.HTML(out) //nolint:gosec // sanitised above
}

// truncate cuts s to at most n bytes without splitting a character.
func truncate(s string, n int) string {
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// converter and sanitiser are read-only after initialisation (see the
// package documentation).
var (
	converter = newConverter()
	sanitiser = newPolicy()
)

// newConverter builds the Markdown converter: CommonMark with GitHub's
// tables, strikethrough and autolinks (task lists would render inputs).
func newConverter() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(transformer{}, 100))),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(rawAsText{}, 100))),
	)
}

// transformer demotes headings, turns images into links and marks links.
type transformer struct{}

// Transform implements parser.ASTTransformer.
func (transformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var images []*ast.Image
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+2, 6)
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte(Rel))
		case *ast.Image:
			images = append(images, n)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range images {
		replaceImage(img)
	}
}

// replaceImage puts a link to the image where the image was, labelled
// "Image: " and its description.
func replaceImage(img *ast.Image) {
	link := ast.NewLink()
	link.Destination = img.Destination
	link.Title = img.Title
	link.SetAttributeString("rel", []byte(Rel))
	link.AppendChild(link, ast.NewString([]byte("Image: ")))
	for c := img.FirstChild(); c != nil; {
		next := c.NextSibling()
		link.AppendChild(link, c) // moves c out of img
		c = next
	}
	if parent := img.Parent(); parent != nil {
		parent.ReplaceChild(parent, img, link)
	}
}

// rawAsText renders raw HTML (inline and blocks) as visible text.
type rawAsText struct{}

// RegisterFuncs implements renderer.NodeRenderer.
func (rawAsText) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindRawHTML, renderRawInline)
	reg.Register(ast.KindHTMLBlock, renderRawBlock)
}

func renderRawInline(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		segs := node.(*ast.RawHTML).Segments
		for i := range segs.Len() {
			seg := segs.At(i)
			_, _ = w.Write(util.EscapeHTML(seg.Value(source)))
		}
	}
	return ast.WalkSkipChildren, nil
}

func renderRawBlock(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if !entering {
		return ast.WalkContinue, nil
	}
	_, _ = w.WriteString("<pre><code>")
	lines := n.Lines()
	for i := range lines.Len() {
		line := lines.At(i)
		_, _ = w.Write(util.EscapeHTML(line.Value(source)))
	}
	if n.HasClosure() {
		_, _ = w.Write(util.EscapeHTML(n.ClosureLine.Value(source)))
	}
	_, _ = w.WriteString("</code></pre>\n")
	return ast.WalkSkipChildren, nil
}

var relValue = regexp.MustCompile(`^` + regexp.QuoteMeta(Rel) + `$`)

// newPolicy is bluemonday's UGC policy without images (and without the
// other elements that load things), with only the link schemes and the rel
// attribute Render produces.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowStandardAttributes()
	p.AllowElements("article", "aside", "figure", "section", "summary", "details", "hgroup",
		"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "div", "span",
		"abbr", "acronym", "b", "bdi", "bdo", "cite", "code", "dfn", "em", "i", "kbd", "mark", "q", "rp", "rt", "ruby",
		"s", "samp", "small", "strike", "strong", "sub", "sup", "tt", "u", "var", "wbr", "del", "ins", "blockquote", "pre", "figcaption")
	p.AllowLists()
	p.AllowTables()
	p.AllowAttrs("href").OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(false)
	p.AllowAttrs("rel").Matching(relValue).OnElements("a")
	p.RequireNoFollowOnLinks(true)
	p.RequireNoReferrerOnLinks(true)
	p.AllowAttrs("title").OnElements("a")
	return p
}
