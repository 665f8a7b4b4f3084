package markdown

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func TestRender(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // substrings the output must contain
		not       []string // substrings it must not contain
	}{
		{"emphasis", "some *text* and **more**", []string{"<em>text</em>", "<strong>more</strong>"}, nil},
		{"headings demoted", "# One\n\n## Two\n\n##### Five", []string{"<h3>One</h3>", "<h4>Two</h4>", "<h6>Five</h6>"}, []string{"<h1", "<h2"}},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<th>a</th>", "<td>2</td>"}, nil},
		{"strikethrough", "~~gone~~", []string{"<del>gone</del>"}, nil},
		{"autolink", "see https://example.org/x?y=1 and www.example.com",
			[]string{`<a href="https://example.org/x?y=1" rel="nofollow noopener noreferrer">`, `href="http://www.example.com"`}, nil},
		{"link rel", "[home](https://example.org)", []string{`<a href="https://example.org" rel="nofollow noopener noreferrer">home</a>`}, nil},
		{"javascript link", "[x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](vbscript:x)", nil, []string{"href"}},
		{"relative link dropped", "[x](/admin)", nil, []string{"href"}},
		{"mailto", "<mail@example.org>", []string{`href="mailto:mail@example.org"`}, nil},
		{"remote image becomes link", "![pixel](https://tracker.example/p.gif)",
			[]string{`<a href="https://tracker.example/p.gif" rel="nofollow noopener noreferrer">Image: pixel</a>`}, []string{"<img"}},
		{"data image", "![x](data:image/png;base64,AAAA)", []string{"Image: x"}, []string{"<img", "data:"}},
		{"raw inline html shown as text", "a <script>alert(1)</script> b", []string{"&lt;script&gt;alert(1)&lt;/script&gt;"}, []string{"<script"}},
		{"raw html block shown as text", "<div onclick=\"x()\">hi</div>", []string{"<pre><code>&lt;div onclick="}, []string{"<div"}},
		{"xss proof of concept kept", "<img src=x onerror=alert(1)>", []string{"&lt;img src=x onerror=alert(1)&gt;"}, []string{"<img"}},
		{"code", "`<b>` and\n\n```\n<i>\n```", []string{"<code>&lt;b&gt;</code>", "<pre><code>&lt;i&gt;"}, []string{"<b>", "<i>"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(Render(c.src))
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, n := range c.not {
				if strings.Contains(got, n) {
					t.Errorf("output contains %q:\n%s", n, got)
				}
			}
			checkSafe(t, got)
		})
	}
}

func TestSanitiserDropsImages(t *testing.T) {
	// Render never produces <img>; the sanitiser removes one anyway.
	if got := sanitiser.Sanitize(`<p>a<img src="https://t.example/p.gif">b</p>`); strings.Contains(got, "img") {
		t.Fatalf("sanitiser kept an image: %s", got)
	}
}

func TestSizeLimit(t *testing.T) {
	src := strings.Repeat("é", MaxSource) // two bytes each: twice the limit
	got := string(Render(src))
	if !strings.Contains(got, "The text was cut here") {
		t.Fatal("no cut notice")
	}
	if n := strings.Count(got, "é"); n != MaxSource/2 {
		t.Fatalf("kept %d characters, want %d", n, MaxSource/2)
	}
	if got := string(Render("short")); strings.Contains(got, "cut here") {
		t.Fatal("cut notice on a short text")
	}
}

// TestPathologicalInputIsFast renders, at the size limit, the shapes on
// which CommonMark parsing is slow. The bound is loose for the race
// detector; without it each takes at most tens of milliseconds.
func TestPathologicalInputIsFast(t *testing.T) {
	n := MaxSource
	for _, src := range []string{
		strings.Repeat(">", n), strings.Repeat("> ", n/2), strings.Repeat("> - ", n/4), strings.Repeat("1. ", n/3),
		strings.Repeat("[", n/2) + strings.Repeat("]", n/2), strings.Repeat("[\n", n/4) + strings.Repeat("]\n", n/4),
		strings.Repeat("[a](", n/4), strings.Repeat("![x](", n/5), strings.Repeat("[a](<", n/5), strings.Repeat("[a][", n/4),
		strings.Repeat("|a", n/4) + "\n" + strings.Repeat("|-", n/4) + "\n", strings.Repeat("~~a", n/3),
		strings.Repeat("a_", n/2), strings.Repeat("*a", n/2), strings.Repeat("<a", n/2), strings.Repeat("- a\n", n/4),
		strings.Repeat("-\n", n/2), strings.Repeat("a\n===\n", n/6), strings.Repeat("`", n/2),
	} {
		start := time.Now()
		checkSafe(t, string(Render(src)))
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%.12q...: %v", src, d)
		}
	}
}

func TestComplexSourceShownAsText(t *testing.T) {
	got := string(Render(strings.Repeat("> ", 40) + "deep <b>"))
	if !strings.HasPrefix(got, "<pre>") || !strings.Contains(got, "deep &lt;b&gt;") {
		t.Fatalf("deep nesting: %s", got)
	}
	// A long, ordinary report is not "complex".
	var b strings.Builder
	for i := range 200 {
		fmt.Fprintf(&b, "## Step %d\n\nSend [this request](https://example.org/%d) with *care* and `x_y`; see | a | b |.\n\n", i, i)
	}
	b.WriteString("| a | b | c |\n|---|---|---|\n")
	for range 300 {
		b.WriteString("| [x](https://e.example) | ~~y~~ | **z** |\n")
	}
	if len(b.String()) > MaxSource || tooComplex(b.String()) {
		t.Fatalf("an ordinary %d-byte report counts as too complex", b.Len())
	}
}

func TestNesting(t *testing.T) {
	for line, want := range map[string]int{"text": 0, "> a": 1, "> > - 1. a": 4, "- - -": 2, "-a": 0, "12) x": 1, "1234567890. x": 0, ">>>": 3, "*emph*": 0} {
		if got := nesting(line); got != want {
			t.Errorf("nesting(%q) = %d, want %d", line, got, want)
		}
	}
}

func TestConcurrentUse(t *testing.T) {
	done := make(chan string)
	for i := range 8 {
		go func() { done <- string(Render(strings.Repeat("# h\n\n[a](https://x.example) *b* ", i+1))) }()
	}
	for range 8 {
		checkSafe(t, <-done)
	}
}

// checkSafe parses out as HTML and fails on anything that could run script
// or load something: script, style, img, iframe, object elements, event
// handler attributes, and URLs other than http, https and mailto.
func checkSafe(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(strings.ToLower(out), "<script") {
		t.Fatalf("output contains <script:\n%s", out)
	}
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		switch tok.Data {
		case "script", "style", "img", "iframe", "object", "embed", "svg", "math", "form", "input", "link", "meta", "base":
			t.Fatalf("output has <%s>:\n%s", tok.Data, out)
		}
		for _, a := range tok.Attr {
			key := strings.ToLower(a.Key)
			if strings.HasPrefix(key, "on") || key == "style" || key == "src" || key == "srcset" {
				t.Fatalf("output has attribute %s:\n%s", a.Key, out)
			}
			if key == "href" {
				u, err := url.Parse(a.Val)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "mailto") {
					t.Fatalf("output has href %q:\n%s", a.Val, out)
				}
			}
		}
		if tok.Data == "a" && !hasRel(tok) {
			t.Fatalf("link without rel=%q:\n%s", Rel, out)
		}
	}
}

func hasRel(tok html.Token) bool {
	for _, a := range tok.Attr {
		if a.Key == "rel" && a.Val == Rel {
			return true
		}
	}
	return false
}
